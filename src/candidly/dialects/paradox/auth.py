"""Paradox's two documented schemes: OAuth client credentials (``POST /auth/token`` issues a bearer token, an HS256
JWT signed with the key's secret) and HTTP Basic with the same pair (``client_id:client_secret``) on every call.

The token is one of ``dialects.tokens``: it names its key in ``iss`` and expires at ``exp``. A plain Candidly key
works as a bearer token too.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from candidly.dialects.base import (
    FastJSONResponse,
    bearer_token,
    caller_dependency,
    client_principal,
    key_principal,
    surface_services,
)
from candidly.dialects.paradox.schemas import TokenOut
from candidly.dialects.tokens import issue_token, looks_like_jwt, principal_of_token
from candidly.domain.errors import InvalidField, Unauthenticated
from candidly.domain.principals import Principal
from candidly.service.caller import Caller

router = APIRouter(tags=["auth"])


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """The (client_id, client_secret) of an ``Authorization: Basic`` header, if there is one."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise Unauthenticated("malformed Basic credentials") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id or not secret:
        raise Unauthenticated("Basic credentials must be client_id:client_secret")
    return client_id, secret


async def principal(request: Request) -> Principal:
    """HTTP Basic (the key's id and token), a Paradox access token (a JWT), or a plain Candidly key.

    A cached key is answered on the event loop; only a cache miss reads the database, on its executor.
    """
    services = surface_services(request)
    basic = basic_credentials(request)
    if basic is not None:
        return await client_principal(services, *basic)
    token = bearer_token(request)
    if token is not None and looks_like_jwt(token):
        return await principal_of_token(services, token)
    return await key_principal(services, token)


Who = Annotated[Caller, Depends(caller_dependency("paradox", principal=principal))]


@router.post(
    "/auth/token",
    response_model=TokenOut,
    openapi_extra={"security": [{}, {"basic": []}]},  # the credentials go in the form (or Basic), no token yet
)
async def token(
    request: Request,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=512)] = None,
    grant_type: Annotated[str, Form(max_length=40)] = "client_credentials",
) -> Response:
    """Exchange client credentials (the key's id and its token; in the form, or as HTTP Basic) for an access token."""
    if grant_type != "client_credentials":
        raise InvalidField("grant_type", "must be client_credentials")
    pair = (client_id, client_secret) if client_id or client_secret else basic_credentials(request)
    if pair is None or not pair[0]:
        raise InvalidField("client_id", "is required")
    if not pair[1]:
        raise InvalidField("client_secret", "is required")
    services = surface_services(request)
    principal = await client_principal(services, pair[0], pair[1])
    ttl = services.settings.access_token_ttl_seconds
    body = {"access_token": issue_token(services, principal), "expires_in": ttl, "token_type": "bearer"}
    return FastJSONResponse(body)
