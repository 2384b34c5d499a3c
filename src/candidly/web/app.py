"""The app factory: build services from Settings and mount every surface at its base path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from candidly import access
from candidly.bootstrap import Services, build_services, build_worker
from candidly.delivery.worker import WorkerThread
from candidly.dialects import comeet, instaview, native, paradox, testinvite
from candidly.dialects.base import SurfaceServices
from candidly.domain.ids import Clock
from candidly.settings import Settings
from candidly.storage.idempotency import SqlIdempotencyStore
from candidly.web import ops
from candidly.web.delivery_status import OutboxCollector
from candidly.web.idempotency import IdempotencyMiddleware
from candidly.web.middleware import Metrics, RequestContextMiddleware, SecurityHeadersMiddleware
from candidly.web.rate_limit import FixedWindowLimiter, RateLimitMiddleware
from candidly.web.surface_errors import SurfaceErrors


def surface_services(services: Services) -> SurfaceServices:
    return SurfaceServices(
        bus=services.bus,
        queries=services.queries,
        auth=services.auth,
        clock=services.clock,
        settings=services.settings,
    )


def worker_lifespan(services: Services) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Run the delivery worker on a thread while the app serves (unless settings.run_worker is off)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        thread = WorkerThread(build_worker(services)) if services.settings.run_worker else None
        if thread is not None:
            thread.start()
        try:
            yield
        finally:
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
    app.mount("/static/swagger", StaticFiles(directory=ops.swagger_assets()), name="swagger")
    surfaces = surface_services(services)
    app.mount(native.PREFIX, native.build_app(surfaces))
    app.mount(testinvite.PREFIX, testinvite.build_app(surfaces))
    # The longer prefix first: Starlette matches mounts in order.
    app.mount(instaview.PUBLIC_PREFIX, instaview.build_app(surfaces))
    app.mount(instaview.PREFIX, instaview.build_app(surfaces))
    app.mount(paradox.PREFIX, paradox.build_app(surfaces))
    app.mount(access.PREFIX, access.build_app(services))
    app.mount(comeet.PREFIX, comeet.build_app(surfaces))
    errors = SurfaceErrors(app)
    # A path a mount's pattern does not match (a decoded newline) still answers in its surface's envelope.
    app.add_exception_handler(404, errors.handle)
    app.add_exception_handler(405, errors.handle)
    # Added first, so it runs innermost: after the body limit, around every mounted surface.
    app.add_middleware(IdempotencyMiddleware, store=SqlIdempotencyStore(services.database), clock=services.clock)
    if settings.rate_limit_per_minute > 0:
        # Before the idempotency store, so a client over its limit costs no database work.
        limiter = FixedWindowLimiter(settings.rate_limit_per_minute, services.clock)
        app.add_middleware(RateLimitMiddleware, limiter=limiter, errors=errors, announce=(instaview.PREFIX,))
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
    return app
