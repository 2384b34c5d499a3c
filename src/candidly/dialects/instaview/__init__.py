"""InstaView's API under /instaview, /instaview/v1 (the ATS guide's base) and /instaview/v1/public.

A company is an organization; ids are written as canonical UUIDs. Behaviour and decisions: docs/vendors/instaview.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.instaview import companies, errors, interviews, jobs, routes

PREFIX = "/instaview"
V1_PREFIX = "/instaview/v1"
PUBLIC_PREFIX = "/instaview/v1/public"
# Longest first: Starlette matches mounts in order, and /instaview would otherwise take /instaview/v1/...
PREFIXES = (PUBLIC_PREFIX, V1_PREFIX, PREFIX)
# InstaView's documented default limits, announced when the operator configures none (docs/vendors/instaview.md, decision 19).
DEFAULT_LIMIT_PER_MINUTE = 60
DEFAULT_LIMIT_PER_HOUR = 2000
SECURITY_SCHEME = {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "An InstaView API key (sk_...)"}}


def build_app(services: SurfaceServices) -> FastAPI:
    description = "InstaView's candidate, job, interview and company endpoints, served by Candidly."
    routers = [routes.router, jobs.router, interviews.router, companies.router]
    return surface_app(
        "Candidly: InstaView dialect", services, errors.install, routers, description, errors.RESPONSES, SECURITY_SCHEME
    )
