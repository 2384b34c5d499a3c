"""The app factory: build services from Settings and mount every surface at its base path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from candidly import access_page
from candidly.bootstrap import Services, build_services, build_worker
from candidly.delivery.worker import WorkerThread
from candidly.dialects import comeet, instaview, native, paradox, testinvite
from candidly.dialects.base import SurfaceServices
from candidly.domain.ids import Clock
from candidly.settings import Settings
from candidly.storage.idempotency import SqlIdempotencyStore
from candidly.web import docs, ops, test_mode
from candidly.web.credentials import api_key_of
from candidly.web.delivery_status import OutboxCollector
from candidly.web.faults import FaultAnswers, FaultBarrier, Faults
from candidly.web.idempotency import IdempotencyMiddleware
from candidly.web.middleware import Metrics, RequestContextMiddleware, SecurityHeadersMiddleware
from candidly.web.rate_limit import HOUR_SECONDS, FailedAuthLimitMiddleware, FixedWindowLimiter, RateLimitMiddleware
from candidly.web.surface_errors import SurfaceErrors


def surface_services(services: Services) -> SurfaceServices:
    return SurfaceServices(
        bus=services.bus,
        backend=services.backend,
        queries=services.queries,
        auth=services.auth,
        clock=services.clock,
        settings=services.settings,
    )


def worker_lifespan(services: Services) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Run the delivery worker on a thread while the app serves (unless settings.run_worker is off).

    Test mode runs none: /_candidly drives the worker itself, so a test sees every message it caused.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.bus.open()  # services may outlive an app (tests build several over one database)
        settings = services.settings
        thread = WorkerThread(build_worker(services)) if settings.run_worker and not settings.test_mode else None
        if thread is not None:
            thread.start()
        try:
            yield
        finally:
            # The server stopped waiting for requests (they finished, or its grace period ran out and it cut them):
            # a cut request still running on a thread must not commit after its client was dropped.
            services.bus.close()
            if thread is not None:
                await asyncio.to_thread(thread.stop)  # let the current send finish, off the event loop

    return lifespan


def create_app(settings: Settings, clock: Clock | None = None, services: Services | None = None) -> FastAPI:
    """Build the whole HTTP application. Migrations are applied here, before the first request."""
    services = services or build_services(settings, clock)
    app = FastAPI(title="Candidly", docs_url=None, redoc_url=None, openapi_url=None, lifespan=worker_lifespan(services))
    app.state.services = services
    app.state.metrics = Metrics()
    app.state.metrics.registry.register(OutboxCollector(services))
    app.include_router(ops.router)
    app.include_router(docs.router)
    app.mount(docs.ASSETS, StaticFiles(directory=docs.swagger_assets()), name="swagger")
    surfaces = surface_services(services)
    documented = [
        docs.Surface("Native API", native.PREFIX, native.build_app(surfaces)),
        docs.Surface("TestInvite", testinvite.PREFIX, testinvite.build_app(surfaces)),
        docs.Surface("InstaView", instaview.PREFIX, instaview.build_app(surfaces)),
        docs.Surface("Comeet", comeet.PREFIX, comeet.build_app(surfaces)),
        docs.Surface("Paradox", paradox.PREFIX, paradox.build_app(surfaces)),
    ]
    app.state.surfaces = documented
    # InstaView's longer bases first: Starlette matches mounts in order.
    for prefix in (instaview.PUBLIC_PREFIX, instaview.V1_PREFIX):
        app.mount(prefix, instaview.build_app(surfaces))
    for surface in documented:
        app.mount(surface.prefix, surface.app)
    app.mount(access_page.PREFIX, access_page.build_app(services))
    if settings.test_mode:
        app.mount(test_mode.PREFIX, test_mode.build_app(services, surfaces))
    errors = SurfaceErrors(app)
    # A path a mount's pattern does not match (a decoded newline) still answers in its surface's envelope.
    app.add_exception_handler(404, errors.handle)
    app.add_exception_handler(405, errors.handle)
    faults = app.state.faults = Faults(services.clock)
    answers = FaultAnswers(errors, faults)
    answers.install(app)
    # Added first, so it runs innermost: after the body limit, around every mounted surface.
    store = SqlIdempotencyStore(services.database)
    app.add_middleware(
        IdempotencyMiddleware, store=store, clock=services.clock, errors=errors, faults=faults,
        key_of=partial(api_key_of, surfaces),
    )  # fmt: skip
    app.add_middleware(FaultBarrier, answers=answers)
    # Before the idempotency store, so a client over its limit costs no database work. Without a configured
    # limit only InstaView's answers are counted, to carry its documented default in their headers.
    per_minute = settings.rate_limit_per_minute or instaview.DEFAULT_LIMIT_PER_MINUTE
    per_hour = settings.rate_limit_per_minute * 60 or instaview.DEFAULT_LIMIT_PER_HOUR
    app.add_middleware(
        RateLimitMiddleware, limiter=FixedWindowLimiter(per_minute, services.clock), errors=errors,
        announce=(instaview.PREFIX,), hourly=FixedWindowLimiter(per_hour, services.clock, HOUR_SECONDS),
        enforce=settings.rate_limit_per_minute > 0,
    )  # fmt: skip
    if settings.auth_failures_per_minute > 0:
        # Outside the per-credential limit: a guessing address is refused before anything else is counted.
        failures = FixedWindowLimiter(settings.auth_failures_per_minute, services.clock)
        app.add_middleware(FailedAuthLimitMiddleware, limiter=failures, errors=errors)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        RequestContextMiddleware,
        max_body=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
        errors=errors,
        uploads=((comeet.PREFIX, paradox.PREFIX), settings.max_upload_body_bytes),
        metrics=app.state.metrics,
        access_log=settings.access_log,
    )
    if settings.forwarded_allow_ips:
        # Outermost: every layer (logs, limits, the access page's lockout) sees the client behind a trusted proxy.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return app
