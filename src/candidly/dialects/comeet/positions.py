"""Comeet's positions: list them (open and closed, or one status), get one, and list one position's candidates."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.comeet import auth, listing
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.caller import caller
from candidly.dialects.comeet.routes import candidates_page

router = APIRouter(tags=["positions"], dependencies=auth.SECURED)


@router.get("/positions", response_model=wire.PositionsOut,
            openapi_extra=listing.documented(listing.POSITION_FILTERS))  # fmt: skip
def list_positions(request: Request) -> Response:
    """The account's positions in creation order; ``status=open`` or ``closed`` keeps one kind (default: both)."""
    who = caller(request)
    wanted = listing.positions(request)
    page = who.positions(wanted.filters, wanted.page)
    following = listing.next_page(request, who.services.settings.public_base_url, page.next_cursor)
    return FastJSONResponse({"positions": who.render_positions(page.items), "next_page": following})


@router.get("/positions/{uid}", response_model=wire.PositionOut)
def get_position(uid: str, request: Request) -> Response:
    """One position; 404 ``position_not_found`` when the account has no such position."""
    who = caller(request)
    return FastJSONResponse(who.render_positions([who.position(uid)])[0])


@router.get("/positions/{uid}/candidates", response_model=wire.CandidatesOut,
            openapi_extra=listing.documented(listing.CANDIDATE_FILTERS))  # fmt: skip
def list_position_candidates(uid: str, request: Request) -> Response:
    """A position's candidates, each as ``GET /candidates/{uid}`` shows it, with the same filters as that list."""
    who = caller(request)
    return candidates_page(who, request, [who.position(uid).id])
