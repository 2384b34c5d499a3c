"""Comeet's candidate API under /comeet: a position is an opening, a candidate an application, a person_uid a person."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.comeet import errors, positions, routes

PREFIX = "/comeet"


def build_app(services: SurfaceServices) -> FastAPI:
    description = (
        "Comeet's Recruiting API as its clients call it (positions, candidates, notes, files, duplicates), "
        "served by Candidly. Authenticate with a JWT (HS256 over iss = API key id and exp, signed with the key's "
        "signing secret) or a Candidly API key, as a bearer token."
    )
    return surface_app(
        "Candidly: Comeet dialect",
        services,
        errors.install,
        [positions.router, routes.router, routes.downloads],
        description,
        errors.RESPONSES,
    )
