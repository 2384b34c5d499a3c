"""Comeet's authentication: a JWT signed HS256 with the key's secret, naming the key in ``iss`` and carrying ``exp``.

The partner builds the token itself (Comeet issues none), so a minute of clock skew is allowed (section 6,
Comeet 51). A plain Candidly key works as a bearer token too.
"""

from __future__ import annotations

from fastapi import Request

from candidly.dialects.base import SurfaceServices, bearer_token
from candidly.dialects.tokens import looks_like_jwt, verify_token
from candidly.domain.access import Principal

CLOCK_SKEW_SECONDS = 60


def authenticate(request: Request) -> Principal:
    services: SurfaceServices = request.app.state.services
    token = bearer_token(request)
    if looks_like_jwt(token):
        assert token is not None
        return verify_token(services, token, leeway_seconds=CLOCK_SKEW_SECONDS)
    return services.auth.authenticate(token)
