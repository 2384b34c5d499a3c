"""Paradox's candidate API under /paradox/api/v1/public: a company is an organization, a candidate a person."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.paradox import auth, errors, neighbours, openapi, routes

PREFIX = "/paradox/api/v1/public"


def build_app(services: SurfaceServices) -> FastAPI:
    description = "Paradox's OAuth token and candidate endpoints, served by Candidly.\n\n" + errors.code_table()
    # The neighbours come first: ``/candidates/unsubscribe`` would otherwise be taken for a candidate's id.
    routers = [auth.router, neighbours.router, routes.router]
    app = surface_app("Candidly: Paradox dialect", services, errors.install, routers, description, errors.RESPONSES)
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    return app
