"""Paradox's candidate endpoints: create, get, list, update (PUT and PATCH, both partial), delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import DialectCaller, FastJSONResponse
from candidly.dialects.paradox import auth, translate
from candidly.dialects.paradox import schemas as wire
from candidly.domain import commands as c
from candidly.domain.access import Scope
from candidly.domain.people import Candidate
from candidly.domain.status_maps import StatusMap
from candidly.domain.values import email_address
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["candidates"])


class Caller(DialectCaller):
    surface = "paradox"

    def find(self, ref: str) -> Candidate:
        return self.services.queries.candidate_by_reference(self.principal, self.organization_id, ref)

    def status_map(self, name: str) -> StatusMap | None:
        return self.services.queries.status_map(self.principal, self.organization_id, name)

    def opening_with_external_id(self, external_id: str) -> str | None:
        found = self.services.queries.page(
            self.principal, Scope.READ_OPENINGS, "openings", self.organization_id,
            Filters(equal={"external_id": external_id}), PageRequest(limit=1),
        )  # fmt: skip
        return found.items[0].id if found.items else None


def caller(request: Request) -> Caller:
    principal = auth.authenticate(request)
    return Caller(request.app.state.services, principal, principal.organization())


def ok(person: Candidate) -> Response:
    return FastJSONResponse({"success": True, "candidate": translate.candidate(person)})


def _openings(who: Caller, body: wire.CandidateIn, current: Candidate | None) -> tuple[str, ...] | None:
    """The person's openings after ``job_req_id`` joins the one with that external id (None: unchanged)."""
    if not body.job_req_id:
        return None
    opening_id = who.opening_with_external_id(body.job_req_id)
    if opening_id is None:
        return None  # no such opening: the id is kept as data only
    held = [] if current is None else [a.opening_id for a in who.services.queries.applications_of(
        who.principal, who.organization_id, current.id)]  # fmt: skip
    return None if opening_id in held else (*held, opening_id)


def _update(who: Caller, current: Candidate, body: wire.CandidateIn) -> Candidate:
    changes = translate.candidate_changes(body, current, who.status_map)
    command = c.UpdateCandidate(
        current.id, changes, None, _openings(who, body, current), translate.attachments(body), translate.notes(body)
    )
    person: Candidate = who.execute(command)
    return person


def _returning(who: Caller, ex_id: str | None) -> Candidate | None:
    """A create naming an existing ``ex_id`` updates that candidate (section 6, Paradox 60)."""
    if not ex_id:
        return None
    found = who.services.queries.page(
        who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id,
        Filters(equal={"external_id": ex_id}), PageRequest(limit=1),
    )  # fmt: skip
    return found.items[0] if found.items else None


@router.post("/candidates", response_model=wire.CandidateEnvelope)
def create_candidate(body: wire.CandidateIn, request: Request) -> Response:
    """Create a candidate (or update the one with the same ``ex_id``)."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    current = _returning(who, body.ex_id)
    if current is not None:
        return ok(_update(who, current, body))
    changes = translate.candidate_changes(body, None, who.status_map)
    changes["attributes"] = {k: v for k, v in changes.pop("attributes_patch", {}).items() if v is not None}
    command = c.CreateCandidate(
        changes, _openings(who, body, None) or (), translate.attachments(body), translate.notes(body)
    )
    return ok(who.execute(command))


@router.get("/candidates/{candidate_id}", response_model=wire.CandidateEnvelope)
def get_candidate(candidate_id: str, request: Request) -> Response:
    """A candidate by OID, external_oid or ex_id."""
    who = caller(request)
    return ok(who.find(candidate_id))


@router.get("/candidates", response_model=wire.CandidateList)
def list_candidates(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=50)] = 50, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    email: Annotated[str | None, Query(max_length=255)] = None,
    ex_id: Annotated[str | None, Query(max_length=255)] = None,
    status: Annotated[str | None, Query(max_length=10)] = None,
    job_req_id: Annotated[str | None, Query(max_length=255)] = None,
) -> Response:  # fmt: skip
    """The company's candidates in creation order; ``count`` is the total that match the filters."""
    who = caller(request)
    equal: dict[str, Any] = {}
    if email is not None:
        equal["email"] = email_address(email, "email")
    if ex_id is not None:
        equal["external_id"] = ex_id
    if status is not None:
        equal["status"] = translate.STATUSES[translate.code(status, "status", translate.STATUSES) or 0]
    in_opening = None
    if job_req_id is not None:
        # Only a job req that is an opening can be filtered on; one kept as data alone matches nobody.
        in_opening = who.opening_with_external_id(job_req_id) or "-"
    filters = Filters(equal=equal, in_opening=in_opening)
    q = who.services.queries
    found = q.page(who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters,
                   PageRequest(limit=limit, offset=offset))  # fmt: skip
    total = q.count(who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters)
    rendered = [translate.candidate(p) for p in found.items]
    return FastJSONResponse({"success": True, "candidates": rendered, "limit": limit, "count": total, "offset": offset})


@router.put("/candidates/{candidate_id}", response_model=wire.CandidateEnvelope)
@router.patch("/candidates/{candidate_id}", response_model=wire.CandidateEnvelope)
def update_candidate(candidate_id: str, body: wire.CandidateIn, request: Request) -> Response:
    """Change only the fields sent; ``candidate_attribute_data`` merges, ``note`` appends a note."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    return ok(_update(who, who.find(candidate_id), body))


@router.delete("/candidates/{candidate_id}", response_model=wire.Success)
def delete_candidate(candidate_id: str, request: Request) -> Response:
    """Delete a candidate: gone from get and list afterwards."""
    who = caller(request)
    person = who.find(candidate_id)
    who.execute(c.DeleteCandidate(person.id))
    return FastJSONResponse({"success": True})
