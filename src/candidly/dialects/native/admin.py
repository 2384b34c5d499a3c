"""Native routes for organizations (operator only) and API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, actor
from candidly.dialects.native import schemas as wire
from candidly.dialects.native.deps import principal, services
from candidly.domain import commands as c
from candidly.domain.principals import IssuedKey, Principal

router = APIRouter(tags=["admin"])
PrincipalDep = Annotated[Principal, Depends(principal)]


def key_out(issued: IssuedKey) -> dict[str, object]:
    k = issued.key
    return {
        "id": k.id,
        "token": issued.token,
        "scopes": k.scopes,
        "organization_ids": k.organization_ids,
        "signing_secret": k.signing_secret,
    }


@router.post("/organizations", status_code=201, response_model=wire.OrganizationOut)
def create_organization(body: wire.OrganizationCreate, request: Request, who: PrincipalDep) -> Response:
    """Create an organization and its first key, which holds every scope (operator only)."""
    org, issued = services(request).bus.execute(c.CreateOrganization(body.name), actor(who, "native"))
    return FastJSONResponse({"id": org.id, "name": org.name, "api_key": key_out(issued)}, status_code=201)


@router.post("/api-keys", status_code=201, response_model=wire.ApiKeyOut)
def create_api_key(body: wire.ApiKeyCreate, request: Request, who: PrincipalDep) -> Response:
    """Create an API key: with an admin key for its organization, or as the operator for several."""
    cmd = c.CreateApiKey(body.name, tuple(body.scopes), tuple(body.organization_ids), body.can_create_organizations)
    org = "" if who.is_operator or body.organization_ids else who.organization()
    issued = services(request).bus.execute(cmd, actor(who, "native"), org)
    return FastJSONResponse(key_out(issued), status_code=201)


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(key_id: str, request: Request, who: PrincipalDep) -> Response:
    """Revoke a key at once; later calls with it get 401. A key of several organizations: the operator only."""
    # The operator names no organization: the key says which ones it serves.
    org = "" if who.is_operator else who.organization(request.headers.get("x-organization-id"))
    services(request).bus.execute(c.RevokeApiKey(key_id), actor(who, "native"), org)
    services(request).auth.forget(key_id)
    return Response(status_code=204)
