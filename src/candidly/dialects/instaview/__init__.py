"""InstaView's candidate API under /instaview (and /instaview/v1/public): a company is an organization."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import BEARER_KEY, SurfaceServices, surface_app
from candidly.dialects.instaview import errors, routes

PREFIX = "/instaview"
PUBLIC_PREFIX = "/instaview/v1/public"


def build_app(services: SurfaceServices) -> FastAPI:
    description = "InstaView's candidate and job endpoints, served by Candidly."
    return surface_app(
        "Candidly: InstaView dialect",
        services,
        errors.install,
        [routes.router],
        description,
        errors.RESPONSES,
        security={
            "bearer": {
                **BEARER_KEY,
                "description": "A Candidly API key (`cdly_...`), sent where InstaView's `sk_...` key would be.",
            }
        },
    )
