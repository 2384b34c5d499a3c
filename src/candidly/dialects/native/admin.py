"""Native routes for organizations (operator only) and API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, bind_caller, surface_services
from candidly.dialects.native import schemas as wire
from candidly.dialects.native.deps import PrincipalDep
from candidly.domain import commands as c
from candidly.domain.principals import IssuedKey

router = APIRouter(tags=["admin"])


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
async def create_organization(body: wire.OrganizationCreate, request: Request, who: PrincipalDep) -> Response:
    """Create an organization and its first key, which holds every scope (operator only)."""
    org, issued = await bind_caller(request, who, "native", "").execute(c.CreateOrganization(body.name))
    return FastJSONResponse({"id": org.id, "name": org.name, "api_key": key_out(issued)}, status_code=201)


@router.post("/api-keys", status_code=201, response_model=wire.ApiKeyOut)
async def create_api_key(body: wire.ApiKeyCreate, request: Request, who: PrincipalDep) -> Response:
    """Create an API key: with an admin key for its organization, or as the operator for several."""
    cmd = c.CreateApiKey(body.name, tuple(body.scopes), tuple(body.organization_ids), body.can_create_organizations)
    org = "" if who.is_operator or body.organization_ids else who.organization()
    issued = await bind_caller(request, who, "native", org).execute(cmd)
    return FastJSONResponse(key_out(issued), status_code=201)


@router.delete("/api-keys/{key_id}", status_code=204)
async def revoke_api_key(key_id: str, request: Request, who: PrincipalDep) -> Response:
    """Revoke a key at once; later calls with it get 401. A key of several organizations: the operator only."""
    # The operator names no organization: the key says which ones it serves.
    org = "" if who.is_operator else who.organization(request.headers.get("x-organization-id"))
    await bind_caller(request, who, "native", org).execute(c.RevokeApiKey(key_id))
    surface_services(request).auth.forget(key_id)
    return Response(status_code=204)
