"""Paradox's candidate API under /paradox/api/v1/public: a company is an organization, a candidate a person."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.paradox import auth, errors, neighbours, routes

PREFIX = "/paradox/api/v1/public"
# Paradox documents HTTP Basic as the alternative to the bearer token on every call.
SECURITY = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The access_token of POST /auth/token (or a Candidly API key)",
    },
    "basic": {"type": "http", "scheme": "basic", "description": "client_id:client_secret, on any call"},
}


def build_app(services: SurfaceServices) -> FastAPI:
    description = "Paradox's OAuth token and candidate endpoints, served by Candidly.\n\n" + errors.code_table()
    # The neighbours come first: ``/candidates/unsubscribe`` would otherwise be taken for a candidate's id.
    routers = [auth.router, neighbours.router, routes.router]
    return surface_app(
        "Candidly: Paradox dialect", services, errors.install, routers, description, errors.RESPONSES, SECURITY
    )
