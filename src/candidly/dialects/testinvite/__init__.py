"""TestInvite's candidate REST API under /testinvite: a task is an opening, a candidate an application."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import FastJSONResponse, SurfaceServices
from candidly.dialects.testinvite import errors, routes, sessions

PREFIX = "/testinvite"


def build_app(services: SurfaceServices) -> FastAPI:
    app = FastAPI(
        title="Candidly: TestInvite dialect",
        version="1",
        description="TestInvite's candidate and test-instance endpoints, served by Candidly.",
        default_response_class=FastJSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(sessions.router)
    return app
