"""Native routes for status maps: named tables from an external status id to a journey status ("stage: status")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from candidly.dialects.base import FastJSONResponse, iso
from candidly.dialects.native.deps import Who
from candidly.dialects.native.schemas import In
from candidly.domain import commands as c
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
    return {
        "id": m.id,
        "name": m.name,
        "entries": m.entries,
        "created_at": iso(m.created_at),
        "updated_at": iso(m.updated_at),
    }


@router.post("/status-maps", status_code=201, response_model=StatusMapOut)
async def set_status_map(body: StatusMapIn, who: Who) -> Response:
    """Create a status map, or replace the entries of the one with that name."""
    status_map = await who.execute(c.SetStatusMap(body.name, body.entries))
    return FastJSONResponse(status_map_out(status_map), status_code=201)


@router.get("/status-maps", response_model=list[StatusMapOut])
async def list_status_maps(who: Who) -> Response:
    """Every status map of the organization."""
    maps = await who.read(lambda r: r.status_maps())
    return FastJSONResponse([status_map_out(m) for m in maps])


@router.get("/status-maps/{name}", response_model=StatusMapOut)
async def get_status_map(name: str, who: Who) -> Response:
    """One status map, by name."""
    return FastJSONResponse(status_map_out(await who.read(lambda r: r.status_map(name))))
