"""Request dependencies of the native API: the caller, the services, If-Match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, SurfaceServices, actor, bearer_token
from candidly.dialects.native.translate import etag, organization_for, parse_if_match
from candidly.domain.commands import Command, R
from candidly.domain.principals import Actor, Principal


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    organization_id: str
    actor: Actor
    services: SurfaceServices

    def execute(self, command: Command[R]) -> R:
        return self.services.bus.execute(command, self.actor, self.organization_id)


# Dependencies are ``async def`` on purpose: FastAPI runs a sync dependency in the thread pool, and a
# thread hop per dependency costs more than the cached key lookup they do.


def services(request: Request) -> SurfaceServices:
    return request.app.state.services  # type: ignore[no-any-return]


def principal(request: Request) -> Principal:
    return services(request).auth.authenticate(bearer_token(request))


async def caller(
    request: Request,
    x_organization_id: Annotated[str | None, Header(max_length=64)] = None,
) -> Caller:
    p = principal(request)
    return Caller(p, organization_for(p, x_organization_id), actor(p, "native"), services(request))


async def if_match(if_match: Annotated[str | None, Header(max_length=100)] = None) -> int | None:
    return parse_if_match(if_match)


CallerDep = Annotated[Caller, Depends(caller)]
IfMatch = Annotated[int | None, Depends(if_match)]


def versioned(body: dict[str, Any], status_code: int = 200) -> Response:
    """A resource answer with its ETag, for If-Match on the next write."""
    return FastJSONResponse(body, status_code=status_code, headers={"ETag": etag(body["version"])})
