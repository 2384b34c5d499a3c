"""The app factory: build services from Settings and mount every surface at its base path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from functools import partial

import anyio.to_thread
from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from candidly import access_page
from candidly.bootstrap import Services, build_services, build_worker
from candidly.delivery import gender
from candidly.delivery.worker import WorkerThread
from candidly.dialects import comeet, instaview, native, paradox, testinvite
from candidly.dialects.base import SurfaceServices
from candidly.domain.ids import Clock
from candidly.settings import Settings
from candidly.storage.idempotency import SqlIdempotencyStore
from candidly.web import docs, log_queue, ops, test_mode
from candidly.web.credentials import api_key_of
from candidly.web.delivery_status import OutboxCollector
from candidly.web.edge import BodyLimits, Edge
from candidly.web.faults import FaultAnswers, Faults
from candidly.web.idempotency import Idempotency
from candidly.web.metrics import Metrics
from candidly.web.rate_limit import HOUR_SECONDS, FailedAuthLimit, FixedWindowLimiter, RateLimit
from candidly.web.surface_errors import SurfaceErrors


def surface_services(services: Services) -> SurfaceServices:
    return SurfaceServices(
        bus=services.bus,
        backend=services.backend,
        auth=services.auth,
        clock=services.clock,
        settings=services.settings,
    )


def worker_lifespan(
    services: Services, *, queued_logging: bool = False
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Run the delivery worker on a thread while the app serves (unless settings.run_worker is off).

    Test mode runs none: /_candidly drives the worker itself, so a test sees every message it caused. With
    ``queued_logging`` the process's log lines go through a queue from the first to the last (``web/log_queue.py``).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with log_queue.queued() if queued_logging else nullcontext():
            # The event loop's thread pool, which sync endpoints run on (docs/performance.md, "Memory").
            anyio.to_thread.current_default_thread_limiter().total_tokens = services.settings.request_threads
            services.bus.open()  # services may outlive an app (tests build several over one database)
            settings, writer = services.settings, services.backend.writer
            if writer is not None:
                writer.start()
            # Off the write lock and the request path: the fan-out of invitations reads the table under the lock.
            app.state.gender_table = gender.warm_up()
            thread = WorkerThread(build_worker(services)) if settings.run_worker and not settings.test_mode else None
            if thread is not None:
                thread.start()
            try:
                yield
            finally:
                # The server stopped waiting for requests (they finished, or its grace period ran out and it cut
                # them): a cut request still running on a thread must not commit after its client was dropped.
                services.bus.close()
                if writer is not None:  # what it still runs is refused now; a stuck one gets the requests' grace
                    await asyncio.to_thread(writer.stop, settings.shutdown_grace_seconds)
                if thread is not None:
                    await asyncio.to_thread(thread.stop)  # let the current send finish, off the event loop

    return lifespan


def create_app(
    settings: Settings, clock: Clock | None = None, services: Services | None = None, *, queued_logging: bool = False
) -> FastAPI:
    """Build the whole HTTP application. Migrations are applied here, before the first request.

    ``queued_logging`` is for a server process of its own (``candidly serve``): it moves the process's logging
    behind a queue while the app serves. An app inside a test or a host process leaves their logging alone.
    """
    services = services or build_services(settings, clock)
    lifespan = worker_lifespan(services, queued_logging=queued_logging)
    app = FastAPI(title="Candidly", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
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
    add_edge(app, settings, services, surfaces, errors)
    if settings.forwarded_allow_ips:
        # Outermost: every layer (logs, limits, the access page's lockout) sees the client behind a trusted proxy.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return app


def add_edge(
    app: FastAPI, settings: Settings, services: Services, surfaces: SurfaceServices, errors: SurfaceErrors
) -> None:
    """Put the edge (``web/edge.py``) in front of every surface, and let every surface answer database faults."""
    faults = app.state.faults = Faults(services.clock)
    answers = FaultAnswers(errors, faults)
    answers.install(app)
    # Without a configured limit only InstaView's answers are counted, to carry its documented default in their headers.
    per_minute = settings.rate_limit_per_minute or instaview.DEFAULT_LIMIT_PER_MINUTE
    per_hour = settings.rate_limit_per_minute * 60 or instaview.DEFAULT_LIMIT_PER_HOUR
    rate_limit = RateLimit(
        FixedWindowLimiter(per_minute, services.clock),
        announce=(instaview.PREFIX,),
        hourly=FixedWindowLimiter(per_hour, services.clock, HOUR_SECONDS),
        enforce=settings.rate_limit_per_minute > 0,
    )
    failures = settings.auth_failures_per_minute
    uploads = ((comeet.PREFIX, paradox.PREFIX), settings.max_upload_body_bytes)
    app.add_middleware(
        Edge,
        limits=BodyLimits(settings.max_body_bytes, settings.max_json_depth, uploads),
        rate_limit=rate_limit,
        failed_auth=FailedAuthLimit(FixedWindowLimiter(failures, services.clock)) if failures > 0 else None,
        idempotency=Idempotency(
            store=SqlIdempotencyStore(services.database),
            executor=surfaces.backend.executor,
            clock=services.clock,
            errors=errors,
            faults=faults,
            key_of=partial(api_key_of, surfaces),
        ),
        answers=answers,
        errors=errors,
        metrics=app.state.metrics,
        access_log=settings.access_log,
    )
