"""InstaView's company endpoints: an ATS key the operator allowed creates companies (organizations) and lists them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, SurfaceServices, actor, bearer_token
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview import translate
from candidly.domain import commands as c
from candidly.domain.errors import Forbidden
from candidly.domain.organizations import Organization

router = APIRouter(tags=["companies"])


@router.post("/company", status_code=201, response_model=wire.Company)
def create_company(body: wire.CompanyCreate, request: Request) -> Response:
    """Create a company (ATS keys the operator allowed to create companies only; others get 403)."""
    services: SurfaceServices = request.app.state.services
    principal = services.auth.authenticate(bearer_token(request))
    if not principal.can_create_organizations:  # the core refuses it too; this says so in InstaView's words
        raise Forbidden("only an ATS integration key may create companies")
    command = c.CreateOrganizationForKey(body.name, body.description, body.metadata or {})
    org: Organization = services.bus.execute(command, actor(principal, "instaview"))
    if principal.key_id is not None:
        services.auth.forget(principal.key_id)  # the key spans one more company: read it afresh on its next call
    return FastJSONResponse(translate.company(org), status_code=201)


@router.get("/company", response_model=wire.Page[wire.Company])
def list_companies(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """The companies the key spans: its own for a regular key, every one it manages or made for an ATS key."""
    services: SurfaceServices = request.app.state.services
    principal = services.auth.authenticate(bearer_token(request))
    everyone = services.queries.organizations(principal)
    shown = everyone[(page - 1) * limit : page * limit]
    return FastJSONResponse(translate.page([translate.company(o) for o in shown], len(everyone), page, limit))
