"""InstaView's company endpoints: an ATS key the operator allowed creates companies (organizations) and lists them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, surface_services
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview import translate
from candidly.dialects.instaview.deps import Key
from candidly.domain import commands as c
from candidly.domain.errors import Forbidden

router = APIRouter(tags=["companies"])


@router.post("/company", status_code=201, response_model=wire.Company)
async def create_company(body: wire.CompanyCreate, who: Key, request: Request) -> Response:
    """Create a company (ATS keys the operator allowed to create companies only; others get 403)."""
    if not who.principal.can_create_organizations:  # the core refuses it too; this says so in InstaView's words
        raise Forbidden("only an ATS integration key may create companies")
    org = await who.execute(c.CreateOrganizationForKey(body.name, body.description, body.metadata or {}))
    if who.principal.key_id is not None:  # the key spans one more company: read it afresh on its next call
        surface_services(request).auth.forget(who.principal.key_id)
    return FastJSONResponse(translate.company(org), status_code=201)


@router.get("/company", response_model=wire.Page[wire.Company])
async def list_companies(
    who: Key, page: Annotated[int, Query(ge=1, le=10_000)] = 1, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Response:
    """The companies the key spans: its own for a regular key, every one it manages or made for an ATS key."""
    everyone = await who.read(lambda r: r.organizations())
    shown = everyone[(page - 1) * limit : page * limit]
    return FastJSONResponse(translate.page([translate.company(o) for o in shown], len(everyone), page, limit))
