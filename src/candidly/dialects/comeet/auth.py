"""Comeet's authentication: a JWT signed HS256 with the key's secret, naming the key in ``iss`` and carrying ``exp``.

The partner builds the token itself (Comeet issues none), so a minute of clock skew is allowed, and ``exp`` may be
a numeric string however far ahead (docs/vendors/comeet.md, decision 1). A plain Candidly key works as a bearer token
too.
"""

from __future__ import annotations

from fastapi import Request, Security
from fastapi.params import Depends
from fastapi.security import HTTPBearer

from candidly.dialects.base import bearer_principal, bearer_token, surface_services
from candidly.dialects.tokens import looks_like_jwt, principal_of_token
from candidly.domain.principals import Principal

CLOCK_SKEW_SECONDS = 60
# Declares the scheme in the OpenAPI document; ``principal`` does the checking, in Comeet's error body.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="ComeetJWT",
    bearerFormat="JWT",
    description="HS256 JWT: iss = the API key's id, exp required, signed with the key's signing secret; "
    "or a Candidly API key as the bearer token.",
)
SECURED: list[Depends] = [Security(BEARER)]


async def principal(request: Request) -> Principal:
    """The principal of the request's JWT or plain key (a cached key never leaves the event loop)."""
    token = bearer_token(request)
    if token is not None and looks_like_jwt(token):
        return await principal_of_token(surface_services(request), token, leeway_seconds=CLOCK_SKEW_SECONDS)
    return await bearer_principal(request)
