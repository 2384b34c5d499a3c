"""Answers made outside a surface (a rate limit, a body refused early, an unmatched path) in that surface's envelope."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Scope

from candidly.domain.errors import DomainError


class SurfaceErrors:
    """Renders an error with the HTTP error handler of the surface mounted at the request's path.

    Every surface installs a handler for ``HTTPException`` that writes its own envelope (problem+json, TestInvite's
    ``{message, code}``, ...); reusing it keeps one envelope per surface with no code here that knows a vendor.
    Paths outside any surface get a problem+json body.
    """

    def __init__(self, app: Starlette) -> None:
        # The root app, read at call time: a surface mounted after this object was made is found too.
        self.app = app

    def surface(self, path: str) -> Starlette | None:
        for route in self.app.routes:
            # A prefix test, not the mount's regex: Starlette's ``.*`` does not match a decoded newline in a path.
            if isinstance(route, Mount) and (path == route.path or path.startswith(route.path + "/")):
                return route.app if isinstance(route.app, Starlette) else None
        return None

    async def response(
        self,
        scope: Scope,
        status: int,
        detail: str,
        headers: Mapping[str, str] | None = None,
        error: DomainError | None = None,
    ) -> Response:
        """The error as the surface renders it, with ``status`` and ``headers`` on it whatever the surface maps.

        With ``error`` (a domain error naming a field), a surface that renders domain errors renders that one with
        the status it gives such an error (``status`` is the fallback), exactly as if its own handler had refused.
        """
        surface = self.surface(scope["path"])
        handlers = surface.exception_handlers if surface is not None else {}
        exc: Exception = HTTPException(status, detail, dict(headers or {}))
        handler = handlers.get(HTTPException)
        if error is not None and DomainError in handlers:
            exc, handler = error, handlers[DomainError]
        if handler is None:
            response = problem(status, detail)
        else:
            # Answered outside the surface, the scope's app is the root one: the handler reads its own app's state.
            rendered = handler(Request({**scope, "app": surface}), exc)
            response = await rendered if inspect.isawaitable(rendered) else rendered
        if exc is not error:
            # Some vendors list fewer codes (Paradox: 400, 401, 404); the transport status stays the true one.
            response.status_code = status
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response

    async def handle(self, request: Request, exc: Exception) -> Response:
        """An exception handler for the root app: a 404 or 405 under a surface's prefix in that surface's envelope."""
        assert isinstance(exc, HTTPException)
        return await self.response(request.scope, exc.status_code, str(exc.detail), exc.headers)


def problem(status: int, detail: str) -> Response:
    title = {404: "not found", 405: "method not allowed", 429: "too many requests", 503: "service unavailable"}.get(
        status, "error"
    )
    body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    return Response(body, status_code=status, media_type="application/problem+json")
