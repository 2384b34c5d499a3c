"""The candidate access page under /access: sign in by invitation code, direct link or credentials, see and start steps."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from candidly.access_page import routes
from candidly.access_page.cookies import CookieSigner
from candidly.access_page.limiter import FailureLimiter
from candidly.access_page.pages import AccessServices, Door

PREFIX = "/access"

__all__ = ["PREFIX", "AccessServices", "build_app"]


def build_app(services: AccessServices, limiter: FailureLimiter | None = None) -> FastAPI:
    """The page's own sub-app: server-rendered HTML, its stylesheet, no OpenAPI document."""
    app = FastAPI(title="Candidly: candidate access", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.door = Door(
        services,
        limiter or FailureLimiter(services.clock),
        CookieSigner(services.settings.secret_key, services.clock),
    )
    app.mount("/static", StaticFiles(packages=[("candidly.access_page", "static")]), name="static")
    app.include_router(routes.router)
    app.add_exception_handler(HTTPException, routes.http_error)
    app.add_exception_handler(RequestValidationError, routes.unreadable_form)
    return app
