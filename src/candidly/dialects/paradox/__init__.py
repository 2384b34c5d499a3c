"""Paradox's candidate API under /paradox/api/v1/public: a company is an organization, a candidate a person."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.paradox import auth, errors, routes

PREFIX = "/paradox/api/v1/public"


def build_app(services: SurfaceServices) -> FastAPI:
    description = "Paradox's OAuth token and candidate endpoints, served by Candidly."
    routers = [auth.router, routes.router]
    security = {"bearer": {"type": "http", "scheme": "bearer", "description": "An access token from /auth/token."}}
    return surface_app(
        "Candidly: Paradox dialect", services, errors.install, routers, description, errors.RESPONSES, security
    )
