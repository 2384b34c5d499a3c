"""Native routes for status maps: named tables from an external status id to a journey status ("stage: status")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from candidly.dialects.base import FastJSONResponse, iso
from candidly.dialects.native.deps import CallerDep
from candidly.dialects.native.schemas import In
from candidly.domain import commands as c
from candidly.domain.errors import NotFound
from candidly.domain.status_maps import MAX_ENTRIES, StatusMap

router = APIRouter(tags=["status maps"])
Text255 = Annotated[str, Field(max_length=255)]


class StatusMapIn(In):
    name: str = Field(min_length=1, max_length=255)
    entries: dict[Text255, Text255] = Field(min_length=1, max_length=MAX_ENTRIES)


class StatusMapOut(BaseModel):
    id: str
    name: str
    entries: dict[str, str]
    created_at: str
    updated_at: str


def status_map_out(m: StatusMap) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "entries": m.entries,
            "created_at": iso(m.created_at), "updated_at": iso(m.updated_at)}  # fmt: skip


@router.post("/status-maps", status_code=201, response_model=StatusMapOut)
def set_status_map(body: StatusMapIn, who: CallerDep) -> Response:
    """Create a status map, or replace the entries of the one with that name."""
    status_map = who.execute(c.SetStatusMap(body.name, body.entries))
    return FastJSONResponse(status_map_out(status_map), status_code=201)


@router.get("/status-maps", response_model=list[StatusMapOut])
def list_status_maps(who: CallerDep) -> Response:
    """Every status map of the organization."""
    maps = who.services.queries.status_maps(who.principal, who.organization_id)
    return FastJSONResponse([status_map_out(m) for m in maps])


@router.get("/status-maps/{name}", response_model=StatusMapOut)
def get_status_map(name: str, who: CallerDep) -> Response:
    """One status map, by name."""
    found = who.services.queries.status_map(who.principal, who.organization_id, name)
    if found is None:
        raise NotFound("status_map", name)
    return FastJSONResponse(status_map_out(found))
