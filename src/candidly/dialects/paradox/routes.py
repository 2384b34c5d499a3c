"""Paradox's candidate endpoints: create, get, list, update (PUT and PATCH, both partial), delete."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import DialectCaller, FastJSONResponse
from candidly.dialects.paradox import auth, translate
from candidly.dialects.paradox import schemas as wire
from candidly.dialects.paradox.body import CandidateRequest, candidate_request, openapi_body
from candidly.dialects.paradox.errors import UnknownParameter
from candidly.domain import commands as c
from candidly.domain.errors import Conflict, InvalidField
from candidly.domain.people import Candidate
from candidly.domain.principals import Scope
from candidly.domain.status_maps import StatusMap
from candidly.domain.values import email_address, is_digits
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["candidates"])
NS = translate.NS
SOURCES = {"SMS": 1, "WIDGET": 2, "RECRUITER_PAGE": 3, "COMPANY_PAGE": 4, "EMBEDDED_WIDGET": 5, "WIT_WIDGET": 6}
BODY = {"requestBody": openapi_body()}


class Caller(DialectCaller):
    surface = "paradox"

    def find(self, ref: str) -> Candidate:
        return self.services.queries.candidate_by_reference(self.principal, self.organization_id, ref)

    def status_map(self, name: str) -> StatusMap | None:
        return self.services.queries.status_map(self.principal, self.organization_id, name)

    def first(self, repo: str, scope: Scope, filters: Filters) -> Any:
        found = self.services.queries.page(self.principal, scope, repo, self.organization_id, filters,
                                           PageRequest(limit=1))  # fmt: skip
        return found.items[0] if found.items else None

    def opening_with_external_id(self, external_id: str) -> str | None:
        found = self.first("openings", Scope.READ_OPENINGS, Filters(equal={"external_id": external_id}))
        return None if found is None else str(found.id)

    def notes(self, people: Sequence[Candidate]) -> dict[str, list[str]]:
        found = self.services.queries.notes_of(self.principal, self.organization_id, [p.id for p in people])
        return {cid: [n.body for n in rows] for cid, rows in found.items()}

    def conversations(self, people: Sequence[Candidate]) -> dict[str, list[dict[str, Any]]]:
        found = self.services.queries.events_of_many(self.principal, self.organization_id, [p.id for p in people])
        return {cid: translate.conversation(events) for cid, events in found.items()}


def caller(request: Request) -> Caller:
    principal = auth.authenticate(request)
    return Caller(request.app.state.services, principal, principal.organization())


def answer(who: Caller, person: Candidate, note: bool = True, conversation: bool = False) -> Response:
    """``{success, candidate, stage, conversation}``: notes unless ``note`` is false, messages if ``conversation``."""
    notes = who.notes([person])[person.id] if note else None
    talk = who.conversations([person])[person.id] if conversation else []
    body = {"success": True, "candidate": translate.candidate(person, notes), "stage": translate.stage(person),
            "conversation": talk}  # fmt: skip
    return FastJSONResponse(body)


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


def _ex_id_free(who: Caller, current: Candidate, ex_id: str | None) -> None:
    """An update may not give a candidate the ``ex_id`` another one holds: the path's ``ID`` would then name two
    candidates (docs/vendors/paradox.md, decision 4). A create with a held ``ex_id`` updates its holder instead."""
    if ex_id is None or ex_id == current.external_id:
        return
    holder: Candidate | None = who.first("candidates", Scope.READ_CANDIDATES, Filters(equal={"external_id": ex_id}))
    if holder is not None and holder.id != current.id:
        raise Conflict(f"ex_id: {ex_id!r} is the ex_id of candidate {holder.seq}", field="ex_id")


def _update(who: Caller, current: Candidate, sent: CandidateRequest) -> Candidate:
    body = sent.body
    changes = translate.candidate_changes(body, current, who.status_map)
    _ex_id_free(who, current, changes.get("external_id"))
    command = c.UpdateCandidate(
        current.id, changes, None, _openings(who, body, current), translate.attachments(body, sent.uploads),
        translate.notes(body),
    )  # fmt: skip
    person: Candidate = who.execute(command)
    return person


def _returning(who: Caller, body: wire.CandidateIn) -> Candidate | None:
    """The candidate a create names again: by ``job_application_id`` when ``use_application_id_for_identity`` is
    set, then by ``ex_id``. Such a create updates that candidate instead of adding one (docs/vendors/paradox.md,
    decision 10)."""
    tries = []
    if body.use_application_id_for_identity and body.job_application_id:
        tries.append(Filters(attributes={NS + "job_application_id": body.job_application_id}))
    if body.ex_id and body.ex_id.strip():
        tries.append(Filters(equal={"external_id": body.ex_id.strip()}))
    for filters in tries:
        found: Candidate | None = who.first("candidates", Scope.READ_CANDIDATES, filters)
        if found is not None:
            return found
    return None


@router.post("/candidates", response_model=wire.CandidateEnvelope, openapi_extra=BODY)
def create_candidate(request: Request, sent: Annotated[CandidateRequest, Depends(candidate_request)]) -> Response:
    """Create a candidate (or update the returning one: same ``ex_id``, or same ``job_application_id`` when
    ``use_application_id_for_identity`` is true). JSON, or multipart with ``resume``/``offer_letter`` files."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    body = sent.body
    current = _returning(who, body)
    if current is not None:
        return answer(who, _update(who, current, sent))
    changes = translate.candidate_changes(body, None, who.status_map)
    changes["attributes"] = {k: v for k, v in changes.pop("attributes_patch", {}).items() if v is not None}
    command = c.CreateCandidate(
        changes, _openings(who, body, None) or (), translate.attachments(body, sent.uploads), translate.notes(body)
    )
    return answer(who, who.execute(command))


Flag = Annotated[bool, Query(description="true/false, yes/no or 1/0")]


@router.get("/candidates/{ID}", response_model=wire.CandidateEnvelope)
def get_candidate(ID: str, request: Request, conversation: Flag = False, note: Flag = True) -> Response:
    """A candidate by OID, external_oid or ex_id; ``conversation`` adds its messages, ``note=false`` drops notes."""
    who = caller(request)
    _known_parameters(request, {"conversation", "note"})
    return answer(who, who.find(ID), note, conversation)


LIST_PARAMETERS = {
    "start_date", "end_date", "created_start_date", "start_keyword", "limit", "offset", "page", "status",
    "group_name", "location_id", "source", "conversation", "interviews", "note", "profile_id", "include_attributes",
    "candidate_journey_status", "job_loc_code", "job_req_id", "ex_id", "email",
}  # fmt: skip
Text = Annotated[str | None, Query(max_length=255)]
When = Annotated[datetime | None, Query(description="ISO 8601; without a zone, UTC")]


def _known_parameters(request: Request, known: set[str]) -> None:
    for name in request.query_params:
        if name not in known:
            raise UnknownParameter(name, f"is not a parameter of this call (known: {', '.join(sorted(known))})")


def _utc(value: datetime | None) -> datetime | None:
    """A time as sent, read as UTC when it names no zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _source(value: str) -> str:
    """A source code (1-6) or its name, as the code's text (attribute values compare as text)."""
    if value.strip().upper() in SOURCES:
        return str(SOURCES[value.strip().upper()])
    if is_digits(value) and len(value) < 3 and int(value) in SOURCES.values():
        return str(int(value))
    raise InvalidField("source", f"must be one of {', '.join(f'{v} = {k}' for k, v in SOURCES.items())}")


def _attribute_filters(query: dict[str, str | None]) -> dict[str, str]:
    found = {NS + name: value for name, value in query.items() if value is not None}
    if NS + "source" in found:
        found[NS + "source"] = _source(found[NS + "source"])
    return found


@router.get("/candidates", response_model=wire.CandidateList)
def list_candidates(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=50)] = 50, offset: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=20_000, description="1-based; offset = (page - 1) * limit")] = None,
    start_date: When = None, end_date: When = None, created_start_date: When = None,
    email: Text = None, ex_id: Text = None, status: Annotated[str | None, Query(max_length=10)] = None,
    job_req_id: Text = None, start_keyword: Text = None, group_name: Text = None, location_id: Text = None,
    source: Annotated[str | None, Query(max_length=20)] = None, profile_id: Text = None,
    candidate_journey_status: Text = None, job_loc_code: Text = None,
    conversation: Flag = False, interviews: Flag = False, note: Flag = False, include_attributes: Flag = False,
) -> Response:  # fmt: skip
    """The company's candidates in creation order, each as ``{candidate, stage, conversation, note}``; ``count``
    is the total that match the filters. ``start_date``/``end_date`` bound the last update, ``created_start_date``
    the creation."""
    who = caller(request)
    _known_parameters(request, LIST_PARAMETERS)
    if page is not None and offset is not None:
        raise InvalidField("page", "give offset or page, not both")
    skip = offset if offset is not None else ((page or 1) - 1) * limit
    equal: dict[str, Any] = {}
    if email is not None:
        equal["email"] = email_address(email, "email")
    if ex_id is not None:
        equal["external_id"] = ex_id
    if status is not None:
        equal["status"] = translate.STATUSES[translate.code(status, "status", translate.STATUSES) or 0]
    # job_req_id matches the field as the candidate shows it, opening or not (docs/vendors/paradox.md, decision 9).
    attributes = _attribute_filters({
        "start_keyword": start_keyword, "group_name": group_name, "location_id": location_id, "source": source,
        "profile_id": profile_id, "candidate_journey_status": candidate_journey_status, "job_loc_code": job_loc_code,
        "job_req_id": job_req_id,
    })  # fmt: skip
    filters = Filters(
        equal=equal, attributes=attributes, created_after=_utc(created_start_date),
        ranges={"updated_at": (_utc(start_date), _utc(end_date))},
    )  # fmt: skip
    q = who.services.queries
    found = q.page(who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters,
                   PageRequest(limit=limit, offset=skip))  # fmt: skip
    total = q.count(who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters)
    items = _items(who, found.items, note, conversation, interviews, include_attributes)
    return FastJSONResponse({"success": True, "limit": limit, "count": total, "offset": skip, "candidates": items})


def _items(
    who: Caller, people: list[Candidate], note: bool, conversation: bool, interviews: bool, attributes: bool
) -> list[dict[str, Any]]:
    """The list's items; notes and messages are read (one unit of work each) only when asked for."""
    notes = who.notes(people) if note else {}
    talks = who.conversations(people) if conversation else {}
    items = []
    for person in people:
        shown = notes.get(person.id) if note else None
        item: dict[str, Any] = {
            "candidate": translate.candidate(person, shown, with_attributes=attributes),
            "stage": translate.stage(person), "conversation": talks.get(person.id, []),
            "note": "\n".join(shown) if shown else None,
        }  # fmt: skip
        if interviews:  # Candidly schedules no interviews: the shape, never a made-up time
            item["interview"] = {"past_interview_at": None, "scheduled_at": None, "interviewed": False}
        items.append(item)
    return items


@router.put("/candidates/{ID}", response_model=wire.CandidateEnvelope, openapi_extra=BODY)
@router.patch("/candidates/{ID}", response_model=wire.CandidateEnvelope, openapi_extra=BODY)
def update_candidate(
    ID: str, request: Request, sent: Annotated[CandidateRequest, Depends(candidate_request)]
) -> Response:
    """Change only the fields sent; ``candidate_attribute_data`` merges, ``note`` appends a note. JSON or multipart."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    return answer(who, _update(who, who.find(ID), sent))


@router.delete("/candidates/{ID}", response_model=wire.Success)
def delete_candidate(ID: str, request: Request) -> Response:
    """Delete a candidate: gone from get and list afterwards."""
    who = caller(request)
    person = who.find(ID)
    who.execute(c.DeleteCandidate(person.id))
    return FastJSONResponse({"success": True})
