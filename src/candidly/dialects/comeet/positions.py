"""Comeet's positions: list them (open and closed, or one status), get one, and list one position's candidates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, surface_services
from candidly.dialects.comeet import auth, listing
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.caller import Who, position, positions, render_positions
from candidly.dialects.comeet.fields import answered
from candidly.dialects.comeet.routes import candidates_page
from candidly.service.reader import Reader

router = APIRouter(tags=["positions"], dependencies=auth.SECURED)


@router.get("/positions", response_model=wire.PositionsOut, openapi_extra=listing.documented(listing.POSITION_FILTERS))
async def list_positions(request: Request, who: Who) -> Response:
    """The account's positions in creation order; ``status=open`` or ``closed`` keeps one kind (default: both)."""
    wanted = listing.positions(request)

    def read(r: Reader) -> tuple[list[dict[str, Any]], str | None]:
        page = positions(r, wanted.filters, wanted.page)
        return render_positions(r, page.items), page.next_cursor

    shown, cursor = await who.read(read)
    following = listing.next_page(request, surface_services(request).settings.public_base_url, cursor)
    return FastJSONResponse(answered({"positions": shown, "next_page": following}))


@router.get("/positions/{uid}", response_model=wire.PositionOut)
async def get_position(uid: str, who: Who) -> Response:
    """One position; 404 ``position_not_found`` when the account has no such position."""
    return FastJSONResponse(await who.read(lambda r: render_positions(r, [position(r, uid)])[0]))


@router.get(
    "/positions/{uid}/candidates",
    response_model=wire.CandidatesOut,
    openapi_extra=listing.documented(listing.CANDIDATE_FILTERS),
)
async def list_position_candidates(uid: str, request: Request, who: Who) -> Response:
    """A position's candidates, each as ``GET /candidates/{uid}`` shows it, with the same filters as that list."""
    return await candidates_page(who, request, lambda r: [position(r, uid).id])
