"""Comeet's authentication: a JWT signed HS256 with the key's secret, naming the key in ``iss`` and carrying ``exp``.

The partner builds the token itself (Comeet issues none), so a minute of clock skew is allowed, and ``exp`` may be
a numeric string however far ahead (docs/vendors/comeet.md, decision 1). A plain Candidly key works as a bearer token
too.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Security
from fastapi.params import Depends
from fastapi.security import HTTPBearer

from candidly.dialects.base import bearer_principal, bearer_token, surface_services
from candidly.dialects.tokens import looks_like_jwt, principal_of_token
from candidly.domain.errors import Unauthenticated
from candidly.domain.principals import Principal

CLOCK_SKEW_SECONDS = 60
# Declares the scheme in the OpenAPI document; ``principal`` does the checking, in Comeet's error body.
BEARER = HTTPBearer(
    auto_error=False, scheme_name="ComeetJWT", bearerFormat="JWT",
    description="HS256 JWT: iss = the API key's id, exp required, signed with the key's signing secret; "
    "or a Candidly API key as the bearer token.",
)  # fmt: skip
SECURED: list[Depends] = [Security(BEARER)]


@dataclass(frozen=True, slots=True)
class Refused(Principal):
    """A credential that was refused, held until the route's parameters and body are validated (``caller.Router``):
    Comeet answers a bad body's 400 before a bad credential's 401. It has no scope, so it can read nothing."""

    refusal: Unauthenticated | None = None


async def principal(request: Request) -> Principal:
    """The principal of the request's JWT or plain key (a cached key never leaves the event loop), or ``Refused``."""
    try:
        return await _authenticated(request)
    except Unauthenticated as refusal:
        return Refused(key_id=None, organization_ids=(), scopes=frozenset(), refusal=refusal)


async def _authenticated(request: Request) -> Principal:
    token = bearer_token(request)
    if token is not None and looks_like_jwt(token):
        return await principal_of_token(surface_services(request), token, leeway_seconds=CLOCK_SKEW_SECONDS)
    return await bearer_principal(request)
