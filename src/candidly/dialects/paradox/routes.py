"""Paradox's candidate endpoints: create, get, list, update (PUT and PATCH, both partial), delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.paradox import schemas as wire
from candidly.dialects.paradox import translate
from candidly.dialects.paradox.auth import Who
from candidly.dialects.paradox.body import CandidateRequest, candidate_request, openapi_body
from candidly.dialects.paradox.errors import UnknownParameter
from candidly.dialects.paradox.fields import PATH_ID, key, on_wire, wire_name
from candidly.dialects.paradox.translate import StatusMapLookup
from candidly.domain import commands as c
from candidly.domain.errors import Conflict, InvalidField, NotFound
from candidly.domain.people import Candidate
from candidly.domain.principals import Scope
from candidly.domain.status_maps import StatusMap
from candidly.domain.values import email_address, is_digits
from candidly.service.caller import Caller
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["candidates"])
SUCCESS = on_wire({"success": True})  # the answer of a call that returns nothing else
SOURCES = {"SMS": 1, "WIDGET": 2, "RECRUITER_PAGE": 3, "COMPANY_PAGE": 4, "EMBEDDED_WIDGET": 5, "WIT_WIDGET": 6}
BODY = {"requestBody": openapi_body()}


def find(r: Reader, ref: str) -> Candidate:
    """A live candidate named by its OID (all digits), its external_oid or its ex_id, tried in that order; an
    ex_id that several live candidates share is ambiguous."""
    r.principal.require(Scope.READ_CANDIDATES)
    tries: list[dict[str, Any]] = [{"public_ref": ref}, {"external_id": ref}]
    if is_digits(ref) and len(ref) < 19:
        tries.insert(0, {"seq": int(ref)})
    for equal in tries:
        found = [p for p in r.uow.candidates.find(r.organization_id, **equal) if p.deleted_at is None]
        if len(found) > 1:
            raise InvalidField(PATH_ID, f"{ref} names {len(found)} candidates")
        if found:
            return found[0]
    raise NotFound("candidate", ref)


def status_maps(r: Reader) -> StatusMapLookup:
    """The organization's status maps by name, for a body that asks for one (None: no such map)."""

    def lookup(name: str) -> StatusMap | None:
        try:
            return r.status_map(name)
        except NotFound:
            return None

    return lookup


def _no_status_maps(_name: str) -> StatusMap | None:
    """The lookup of a create that asks for no status map (``_reads_first``): never called."""
    return None


def _first_candidate(r: Reader, filters: Filters) -> Candidate | None:
    found = r.candidates(filters, PageRequest(limit=1)).items
    return found[0] if found else None


def _notes(r: Reader, people: Sequence[Candidate]) -> dict[str, list[str]]:
    return {cid: [n.body for n in rows] for cid, rows in r.notes_by_candidate([p.id for p in people]).items()}


def _conversations(r: Reader, people: Sequence[Candidate]) -> dict[str, list[dict[str, Any]]]:
    found = r.events_by_candidate([p.id for p in people])
    return {cid: translate.conversation(events) for cid, events in found.items()}


def envelope(r: Reader, person: Candidate, note: bool = True, conversation: bool = False) -> dict[str, Any]:
    """``{success, candidate, stage, conversation}``: notes unless ``note`` is false, messages if ``conversation``."""
    notes = _notes(r, [person])[person.id] if note else None
    talk = _conversations(r, [person])[person.id] if conversation else []
    return on_wire(
        {
            "success": True,
            "candidate": translate.candidate(person, notes),
            "stage": translate.stage(person),
            "conversation": talk,
        }
    )


async def answered(who: Caller, command: c.Command[Candidate]) -> Response:
    """Run a create or update and answer with the candidate's envelope, read in the command's transaction."""
    return FastJSONResponse(await who.execute(command, answer=envelope))


def _openings(r: Reader, body: wire.CandidateIn, current: Candidate | None) -> tuple[str, ...] | None:
    """The person's openings after ``job_req_id`` joins the one with that external id (None: unchanged)."""
    if not body.job_req_id:
        return None
    found = r.openings(Filters(equal={"external_id": body.job_req_id}), PageRequest(limit=1)).items
    if not found:
        return None  # no such opening: the id is kept as data only
    held = [] if current is None else [a.opening_id for a in r.applications_of(current.id)]
    return None if found[0].id in held else (*held, found[0].id)


def _ex_id_free(r: Reader, current: Candidate, ex_id: str | None) -> None:
    """An update may not give a candidate the ``ex_id`` another one holds: the path's ``ID`` would then name two
    candidates (docs/vendors/paradox.md, decision 4). A create with a held ``ex_id`` updates its holder instead."""
    if ex_id is None or ex_id == current.external_id:
        return
    holder = _first_candidate(r, Filters(equal={"external_id": ex_id}))
    if holder is not None and holder.id != current.id:
        name = wire_name("ex_id")
        raise Conflict(f"{name}: {ex_id!r} is the {name} of candidate {holder.seq}", field="ex_id")


def _update(r: Reader, current: Candidate, sent: CandidateRequest) -> c.UpdateCandidate:
    body = sent.body
    changes = translate.candidate_changes(body, current, status_maps(r))
    _ex_id_free(r, current, changes.get("external_id"))
    return c.UpdateCandidate(
        current.id,
        changes,
        None,
        _openings(r, body, current),
        translate.attachments(body, sent.uploads),
        translate.notes(body),
    )


def _returning(r: Reader, body: wire.CandidateIn) -> Candidate | None:
    """The candidate a create names again: by ``job_application_id`` when ``use_application_id_for_identity`` is
    set, then by ``ex_id``. Such a create updates that candidate instead of adding one (docs/vendors/paradox.md,
    decision 10)."""
    tries = []
    if body.use_application_id_for_identity and body.job_application_id:
        tries.append(Filters(attributes={key("job_application_id"): body.job_application_id}))
    if body.ex_id and body.ex_id.strip():
        tries.append(Filters(equal={"external_id": body.ex_id.strip()}))
    for filters in tries:
        found = _first_candidate(r, filters)
        if found is not None:
            return found
    return None


def _new(sent: CandidateRequest, lookup: StatusMapLookup, openings: tuple[str, ...] | None) -> c.CreateCandidate:
    body = sent.body
    changes = translate.candidate_changes(body, None, lookup)
    changes["attributes"] = {k: v for k, v in changes.pop("attributes_patch", {}).items() if v is not None}
    return c.CreateCandidate(changes, openings or (), translate.attachments(body, sent.uploads), translate.notes(body))


def _reads_first(body: wire.CandidateIn) -> bool:
    """Whether a create names what is stored (a returning candidate, an opening, a status map): only then is it
    planned in a read of its own before its command."""
    returning = bool(body.ex_id and body.ex_id.strip()) or bool(
        body.use_application_id_for_identity and body.job_application_id
    )
    return returning or bool(body.job_req_id) or bool(body.use_paradox_status_map)


def _create_or_update(r: Reader, sent: CandidateRequest) -> c.CreateCandidate | c.UpdateCandidate:
    current = _returning(r, sent.body)
    if current is not None:
        return _update(r, current, sent)
    return _new(sent, status_maps(r), _openings(r, sent.body, None))


@router.post("/candidates", response_model=wire.CandidateEnvelope, openapi_extra=BODY)
async def create_candidate(sent: Annotated[CandidateRequest, Depends(candidate_request)], who: Who) -> Response:
    """Create a candidate (or update the returning one: same ``ex_id``, or same ``job_application_id`` when
    ``use_application_id_for_identity`` is true). JSON, or multipart with ``resume``/``offer_letter`` files."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    if _reads_first(sent.body):
        return await answered(who, await who.read(lambda r: _create_or_update(r, sent)))
    return await answered(who, _new(sent, _no_status_maps, None))


Flag = Annotated[bool, Query(description="true/false, yes/no or 1/0")]


@router.get("/candidates/{ID}", response_model=wire.CandidateEnvelope)
async def get_candidate(ID: str, request: Request, who: Who, conversation: Flag = False, note: Flag = True) -> Response:
    """A candidate by OID, external_oid or ex_id; ``conversation`` adds its messages, ``note=false`` drops notes."""
    _known_parameters(request, GET_PARAMETERS)
    return FastJSONResponse(await who.read(lambda r: envelope(r, find(r, ID), note, conversation)))


Text = Annotated[str | None, Query(max_length=255)]
When = Annotated[datetime | None, Query(description="ISO 8601; without a zone, UTC")]


def _query_parameters(endpoint: Callable[..., Any]) -> frozenset[str]:
    """The query parameters a route of this router declares, as FastAPI reads them off the endpoint's signature."""
    route = next(r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is endpoint)
    return frozenset(p.alias for p in route.dependant.query_params)


GET_PARAMETERS = _query_parameters(get_candidate)


def _known_parameters(request: Request, known: frozenset[str]) -> None:
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
    found = {key(name): value for name, value in query.items() if value is not None}
    if key("source") in found:
        found[key("source")] = _source(found[key("source")])
    return found


@router.get("/candidates", response_model=wire.CandidateList)
async def list_candidates(
    request: Request,
    who: Who,
    limit: Annotated[int, Query(ge=1, le=50)] = 50,
    offset: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=20_000, description="1-based; offset = (page - 1) * limit")] = None,
    start_date: When = None,
    end_date: When = None,
    created_start_date: When = None,
    email: Text = None,
    ex_id: Text = None,
    status: Annotated[str | None, Query(max_length=10)] = None,
    job_req_id: Text = None,
    start_keyword: Text = None,
    group_name: Text = None,
    location_id: Text = None,
    source: Annotated[str | None, Query(max_length=20)] = None,
    profile_id: Text = None,
    candidate_journey_status: Text = None,
    job_loc_code: Text = None,
    conversation: Flag = False,
    interviews: Flag = False,
    note: Flag = False,
    include_attributes: Flag = False,
) -> Response:
    """The company's candidates in creation order, each as ``{candidate, stage, conversation, note}``; ``count``
    is the total that match the filters. ``start_date``/``end_date`` bound the last update, ``created_start_date``
    the creation."""
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
    attributes = _attribute_filters(
        {
            "start_keyword": start_keyword,
            "group_name": group_name,
            "location_id": location_id,
            "source": source,
            "profile_id": profile_id,
            "candidate_journey_status": candidate_journey_status,
            "job_loc_code": job_loc_code,
            "job_req_id": job_req_id,
        }
    )
    filters = Filters(
        equal=equal,
        attributes=attributes,
        created_after=_utc(created_start_date),
        ranges={"updated_at": (_utc(start_date), _utc(end_date))},
    )

    def listed(r: Reader) -> dict[str, Any]:
        people = r.candidates(filters, PageRequest(limit=limit, offset=skip)).items
        items = _items(r, people, note, conversation, interviews, include_attributes)
        return on_wire(
            {
                "success": True,
                "limit": limit,
                "count": r.count_candidates(filters),
                "offset": skip,
                "candidates": items,
            }
        )

    return FastJSONResponse(await who.read(listed))


LIST_PARAMETERS = _query_parameters(list_candidates)


def _items(
    r: Reader, people: list[Candidate], note: bool, conversation: bool, interviews: bool, attributes: bool
) -> list[dict[str, Any]]:
    """The list's items; notes and messages are read only when asked for."""
    notes = _notes(r, people) if note else {}
    talks = _conversations(r, people) if conversation else {}
    items = []
    for person in people:
        shown = notes.get(person.id) if note else None
        item: dict[str, Any] = {
            "candidate": translate.candidate(person, shown, with_attributes=attributes),
            "stage": translate.stage(person),
            "conversation": talks.get(person.id, []),
            "note": "\n".join(shown) if shown else None,
        }
        if interviews:  # Candidly schedules no interviews: the shape, never a made-up time
            item["interview"] = on_wire({"past_interview_at": None, "scheduled_at": None, "interviewed": False})
        items.append(on_wire(item))
    return items


@router.put("/candidates/{ID}", response_model=wire.CandidateEnvelope, openapi_extra=BODY)
@router.patch("/candidates/{ID}", response_model=wire.CandidateEnvelope, openapi_extra=BODY)
async def update_candidate(
    ID: str, sent: Annotated[CandidateRequest, Depends(candidate_request)], who: Who
) -> Response:
    """Change only the fields sent; ``candidate_attribute_data`` merges, ``note`` appends a note. JSON or multipart."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    return await answered(who, await who.read(lambda r: _update(r, find(r, ID), sent)))


@router.delete("/candidates/{ID}", response_model=wire.Success)
async def delete_candidate(ID: str, who: Who) -> Response:
    """Delete a candidate: gone from get and list afterwards."""
    person = await who.read(lambda r: find(r, ID))
    await who.execute(c.DeleteCandidate(person.id))
    return FastJSONResponse(SUCCESS)
