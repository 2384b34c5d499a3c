"""Candidly's own REST API, /api/v1: the first dialect, with no back door into storage."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import FastJSONResponse, SurfaceServices
from candidly.dialects.native import admin, candidates, deliveries, errors, openings, sessions, webhooks

PREFIX = "/api/v1"


def build_app(services: SurfaceServices) -> FastAPI:
    app = FastAPI(
        title="Candidly native API",
        version="1",
        default_response_class=FastJSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    errors.install(app)
    for module in (admin, openings, candidates, sessions, webhooks, deliveries):
        app.include_router(module.router)
    return app
