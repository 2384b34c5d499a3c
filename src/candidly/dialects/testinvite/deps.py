"""Request dependencies of TestInvite's surface: the caller (``Who``), bound once per request, and the base URL.

TestInvite's routes have always answered a request FastAPI refuses (a bad body or query: 400) before a refused
credential (401, or 403 for a key that must name its organization). A dependency runs before FastAPI validates
the request, so the credential's refusal waits in the caller (``Refused``) and every route of the surface
(``CredentialLast``, its routers' route class) raises it first thing, once the request is known to be valid.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from candidly.dialects.base import bearer_principal, caller_dependency, surface_services
from candidly.domain.errors import Forbidden, Unauthenticated
from candidly.domain.principals import Principal
from candidly.service.caller import Caller

# Documents the credential on every operation; the check itself is ``Who``'s, in TestInvite's error body.
BEARER = Security(HTTPBearer(auto_error=False, scheme_name="bearerAuth", description="A Candidly API key"))


@dataclass(frozen=True, slots=True)
class Refused(Principal):
    """A credential refused, to be answered once the request is valid: no organization, no scope, meanwhile."""

    refusal: Unauthenticated | Forbidden = field(default_factory=lambda: Unauthenticated("missing credentials"))


async def principal(request: Request) -> Principal:
    """The request's key, which names the one organization it acts in; or its refusal, held for later."""
    try:
        found = await bearer_principal(request)
        found.organization()  # a key of several organizations cannot say which one TestInvite means
    except (Unauthenticated, Forbidden) as refusal:
        return Refused(key_id=None, organization_ids=(), scopes=frozenset(), refusal=refusal)
    return found


async def organization(who: Annotated[Principal, Depends(principal)]) -> str:
    return "" if isinstance(who, Refused) else who.organization()


async def public_base_url(request: Request) -> str:
    """Where a candidate's access links point (rendered into every candidate object)."""
    return surface_services(request).settings.public_base_url


Who = Annotated[Caller, Depends(caller_dependency("testinvite", organization, principal))]
BaseUrl = Annotated[str, Depends(public_base_url)]
Endpoint = Callable[..., Coroutine[Any, Any, Any]]


def credential_last(endpoint: Endpoint) -> Endpoint:
    """``endpoint``, raising its caller's refused credential before anything else (after FastAPI's validation)."""
    if getattr(endpoint, "checks_credential", False):
        return endpoint  # including a router into an app builds its routes again, from the checked endpoints

    @functools.wraps(endpoint)  # FastAPI reads the parameters, and their module's names, through __wrapped__
    async def checked(*args: Any, **kwargs: Any) -> Any:
        who: Caller = kwargs["who"]
        if isinstance(who.principal, Refused):
            raise who.principal.refusal
        return await endpoint(*args, **kwargs)

    checked.checks_credential = True  # type: ignore[attr-defined]
    return checked


class CredentialLast(APIRoute):
    """A TestInvite route: every endpoint takes ``who: Who`` and answers a refused credential after validation."""

    def __init__(self, path: str, endpoint: Endpoint, **kwargs: Any) -> None:
        super().__init__(path, credential_last(endpoint), **kwargs)
