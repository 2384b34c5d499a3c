"""Paradox's OAuth client-credentials flow: ``POST /auth/token`` issues an HS256 JWT signed with the key's secret.

The token is one of ``dialects.tokens``: it names its key in ``iss`` and expires at ``exp``. A plain Candidly key
works as a bearer token too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from candidly.dialects.base import FastJSONResponse, SurfaceServices, bearer_token
from candidly.dialects.tokens import issue_token, looks_like_jwt, verify_token
from candidly.domain.access import Principal
from candidly.domain.errors import InvalidField

router = APIRouter(tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    expires_in: int
    token_type: str


def authenticate(request: Request) -> Principal:
    """A Paradox access token (a JWT: three dot-separated parts) or a plain Candidly key."""
    services: SurfaceServices = request.app.state.services
    token = bearer_token(request)
    if token is not None and looks_like_jwt(token):
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
