"""InstaView's candidate API under /instaview (and /instaview/v1/public): a company is an organization."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import FastJSONResponse, SurfaceServices
from candidly.dialects.instaview import errors, routes

PREFIX = "/instaview"
PUBLIC_PREFIX = "/instaview/v1/public"


def build_app(services: SurfaceServices) -> FastAPI:
    app = FastAPI(
        title="Candidly: InstaView dialect",
        version="1",
        description="InstaView's candidate and job endpoints, served by Candidly.",
        default_response_class=FastJSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    errors.install(app)
    app.include_router(routes.router)
    return app
