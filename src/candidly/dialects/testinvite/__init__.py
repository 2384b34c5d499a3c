"""TestInvite's candidate REST API under /testinvite: a task is an opening, a candidate an application."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.dialects.base import SurfaceServices, surface_app
from candidly.dialects.testinvite import errors, routes, sessions, tasks

PREFIX = "/testinvite"


def build_app(services: SurfaceServices) -> FastAPI:
    description = "TestInvite's task, candidate and test-instance endpoints, served by Candidly."
    return surface_app(
        "Candidly: TestInvite dialect",
        services,
        errors.install,
        [tasks.router, routes.router, sessions.router],
        description,
        error_responses=errors.RESPONSES,
    )
