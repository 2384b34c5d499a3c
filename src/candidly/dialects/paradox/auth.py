"""Paradox's OAuth client-credentials flow: ``POST /auth/token`` issues an HS256 JWT signed with the key's secret.

The token names its key in ``iss`` and expires at ``exp``; nothing is stored, so any API node can verify it.
Expiry is judged by the service clock, not the wall clock. A plain Candidly key works as a bearer token too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import jwt
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from candidly.dialects.base import FastJSONResponse, SurfaceServices, bearer_token
from candidly.domain.access import Principal
from candidly.domain.errors import InvalidField, Unauthenticated

router = APIRouter(tags=["auth"])
ALGORITHM = "HS256"


class TokenOut(BaseModel):
    access_token: str
    expires_in: int
    token_type: str


def issue_token(services: SurfaceServices, principal: Principal) -> str:
    if principal.key_id is None or not principal.signing_secret:
        raise Unauthenticated("this credential cannot sign access tokens")
    now = services.clock.now()
    expires = now + timedelta(seconds=services.settings.access_token_ttl_seconds)
    claims = {"iss": principal.key_id, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
    return jwt.encode(claims, principal.signing_secret, algorithm=ALGORITHM)


def verify_token(services: SurfaceServices, token: str) -> Principal:
    """The principal of a valid, unexpired access token; Unauthenticated otherwise."""
    try:
        key_id = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as exc:
        raise Unauthenticated("malformed access token") from exc
    if not isinstance(key_id, str):
        raise Unauthenticated("malformed access token")
    principal = services.auth.by_key_id(key_id)
    try:
        claims = jwt.decode(
            token, principal.signing_secret or "", algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": ["exp", "iss"]},
        )  # fmt: skip
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid access token") from exc
    if services.clock.now().timestamp() >= float(claims["exp"]):
        raise Unauthenticated("the access token has expired")
    return principal


def authenticate(request: Request) -> Principal:
    """A Paradox access token (a JWT: three dot-separated parts) or a plain Candidly key."""
    services: SurfaceServices = request.app.state.services
    token = bearer_token(request)
    if token is not None and token.count(".") == 2:
        return verify_token(services, token)
    return services.auth.authenticate(token)


@router.post("/auth/token", response_model=TokenOut)
def token(
    request: Request,
    client_id: Annotated[str, Form(max_length=64)],
    client_secret: Annotated[str, Form(max_length=512)],
    grant_type: Annotated[str, Form(max_length=40)] = "client_credentials",
) -> Response:
    """Exchange client credentials (the key's id and its token) for a bearer access token."""
    if grant_type != "client_credentials":
        raise InvalidField("grant_type", "must be client_credentials")
    services: SurfaceServices = request.app.state.services
    principal = services.auth.verify_secret(client_id, client_secret)
    ttl = services.settings.access_token_ttl_seconds
    body = {"access_token": issue_token(services, principal), "expires_in": ttl, "token_type": "Bearer"}
    return FastJSONResponse(body)
