"""Candidly's own REST API, /api/v1: the first dialect, with no back door into storage."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import BEARER_KEY, SurfaceServices, surface_app
from candidly.dialects.native import admin, candidates, deliveries, errors, openings, sessions, status_maps, webhooks

PREFIX = "/api/v1"


def build_app(services: SurfaceServices) -> FastAPI:
    routers = [m.router for m in (admin, openings, candidates, sessions, webhooks, deliveries, status_maps)]
    return surface_app(
        "Candidly native API",
        services,
        errors.install,
        routers,
        error_responses=errors.RESPONSES,
        security={"apiKey": {**BEARER_KEY, "description": "An organization's API key, or the operator token."}},
    )
