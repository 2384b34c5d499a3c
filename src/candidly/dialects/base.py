"""What every surface shares: the services it is handed, credential extraction, JSON responses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match

from candidly.domain.ids import Clock
from candidly.domain.principals import Actor, Principal
from candidly.service.auth import Authenticator, same_key
from candidly.service.bus import MessageBus
from candidly.service.caller import Backend, Caller


class SurfaceSettings(Protocol):
    public_base_url: str
    access_token_ttl_seconds: int
    attachment_url_ttl_seconds: int
    rate_limit_per_minute: int
    outbound_allow_private: bool


@dataclass(frozen=True, slots=True)
class SurfaceServices:
    """The part of the composition root a surface may use: commands and reads (through a Caller), auth, time."""

    bus: MessageBus
    backend: Backend  # what a Caller's reads and commands run on
    auth: Authenticator
    clock: Clock
    settings: SurfaceSettings


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def surface_services(request: Request) -> SurfaceServices:
    """The services of the surface app serving ``request``."""
    return request.app.state.services  # type: ignore[no-any-return]


async def bearer_principal(request: Request) -> Principal:
    """The principal of the request's ``Authorization: Bearer`` API key or operator token.

    A cached key is answered on the event loop; only a cache miss reads the database, on its executor.
    """
    return await key_principal(surface_services(request), bearer_token(request))


async def key_principal(services: SurfaceServices, token: str | None) -> Principal:
    """The principal of an API key or operator token: a cached one on the event loop, a miss on the executor."""
    return await cached_or_read(services, services.auth.known(token), lambda: services.auth.authenticate(token))


async def cached_or_read(
    services: SurfaceServices, known: Principal | None, read: Callable[[], Principal]
) -> Principal:
    """``known`` (the Authenticator's cache answered it on the event loop), else ``read()`` on the database executor."""
    return known if known is not None else await services.backend.executor.run(read)


async def client_principal(services: SurfaceServices, key_id: str, secret: str) -> Principal:
    """The principal of OAuth client credentials or HTTP Basic (a key's id and its token), as ``key_principal``."""
    return same_key(await key_principal(services, secret), key_id)


# How a surface authenticates a request: a coroutine over the request alone (a cached key never leaves the loop).
PrincipalOf = Callable[[Request], Awaitable[Principal]]


def own_organization(who: Principal) -> str:
    """The organization a key of a one-organization surface acts in: its own."""
    return who.organization()


def caller_dependency(
    surface: str,
    organization: Callable[[Principal], str] = own_organization,
    principal: PrincipalOf = bearer_principal,
) -> Callable[[Request], Awaitable[Caller]]:
    """The one way a surface binds its requests' Caller: its name, how it authenticates, how it picks the
    organization. Use it as ``Who = Annotated[Caller, Depends(caller_dependency("comeet", principal=...))]``.

    ONE ``async def`` dependency: the principal and the organization are plain calls inside it, not dependencies
    of their own, because FastAPI's solving of each dependency costs about as much as a get's SQL (and a sync one
    would run in its thread pool, a hop per request). A surface whose organization needs a header or a query
    parameter validated after the key (native, InstaView) declares its own, over the principal's dependency.
    """

    async def bind(request: Request) -> Caller:
        who = await principal(request)
        return bind_caller(request, who, surface, organization(who))

    return bind


def bind_caller(request: Request, who: Principal, surface: str, organization_id: str) -> Caller:
    """A Caller for a route that picks its organization itself (the operator's routes, which may name none)."""
    return Caller(who, organization_id, Actor(who, surface), surface_services(request).backend)


def allowed_methods(request: Request) -> str:
    """The methods every route of the request's app that matches its path takes, for a 405's ``Allow`` header.

    Starlette's own 405 names only the first matching route's methods, so a path served by two routes (GET and
    PATCH /candidates/{uid}) would claim to take one method only.
    """
    methods: set[str] = set()
    for route in request.app.state.route_table:
        taken = getattr(route, "methods", None)
        if taken and route.matches(request.scope)[0] != Match.NONE:
            methods.update(taken)
    return ", ".join(sorted(methods))


def actor(principal: Principal, surface: str, **kw: Any) -> Actor:
    return Actor(principal=principal, surface=surface, **kw)


class FastJSONResponse(JSONResponse):
    """JSON rendered by orjson: several times faster than the stdlib on the hot paths."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, the way every surface but Comeet writes times."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def epoch_seconds(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def from_epoch(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def surface_app(
    title: str,
    services: SurfaceServices,
    install_errors: Callable[[FastAPI], None],
    routers: list[APIRouter],
    description: str = "",
    error_responses: dict[int | str, dict[str, Any]] | None = None,
    security: dict[str, dict[str, Any]] | None = None,
) -> FastAPI:
    """A surface's own sub-app: its OpenAPI document, its error envelope, its routes, the shared services.

    ``error_responses`` documents the surface's error envelope on every operation (e.g. under "4XX"); it also
    replaces the validation error FastAPI would otherwise document, a body no surface sends. ``security`` names
    the surface's security schemes (OpenAPI Security Scheme objects); any one of them authorizes every operation,
    so a documentation page's "Authorize" works for the surface.
    """
    app = FastAPI(
        title=title,
        version="1",
        description=description,
        default_response_class=FastJSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    install_errors(app)
    for router in routers:
        app.include_router(router, responses=error_responses)
    # The routes as declared (FastAPI wraps included routers), for what a route table answers: a 405's Allow.
    app.state.route_table = [route for router in routers for route in router.routes]
    if security:
        declare_security(app, security)
    return app


BEARER_KEY = {"type": "http", "scheme": "bearer", "description": "A Candidly API key (`cdly_...`)."}


def declare_security(app: FastAPI, schemes: dict[str, dict[str, Any]]) -> None:
    """Add ``schemes`` to the app's OpenAPI document, each alone enough for every operation."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            document.setdefault("components", {})["securitySchemes"] = schemes
            document["security"] = [{name: []} for name in schemes]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend its document
