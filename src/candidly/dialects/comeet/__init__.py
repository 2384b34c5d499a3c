"""Comeet's candidate API under /comeet: a position is an opening, a candidate an application, a person_uid a person."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.comeet import errors, routes

PREFIX = "/comeet"


COMEET_JWT = "An HS256 JWT: `iss` is the API key's id, `exp` its expiry, signed with the key's `signing_secret`."


def build_app(services: SurfaceServices) -> FastAPI:
    description = "Comeet's candidate endpoints (create, get, list, update), served by Candidly."
    return surface_app(
        "Candidly: Comeet dialect",
        services,
        errors.install,
        [routes.router],
        description,
        errors.RESPONSES,
        security={"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": COMEET_JWT}},
    )
