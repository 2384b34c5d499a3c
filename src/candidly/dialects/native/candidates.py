"""Native routes for candidates (people) and applications (a candidate in an opening)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, iso
from candidly.dialects.native import schemas as wire
from candidly.dialects.native.deps import IfMatch, Who, versioned
from candidly.dialects.native.translate import application_out, candidate_out, event_out, page_out
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["candidates"])
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=64)]
Text = Annotated[str | None, Query(max_length=255)]


@router.post("/candidates", status_code=201, response_model=wire.CandidateOut)
async def create_candidate(body: wire.CandidateCreate, who: Who) -> Response:
    """Create a person, optionally putting them into openings."""
    fields = cast(c.CandidateChanges, body.model_dump(exclude_unset=True, exclude={"opening_ids"}))
    return versioned(candidate_out(await who.execute(c.CreateCandidate(fields, tuple(body.opening_ids)))), 201)


@router.get("/candidates/{candidate_id}", response_model=wire.CandidateOut)
async def get_candidate(candidate_id: str, who: Who) -> Response:
    """Fetch a person."""
    return versioned(candidate_out(await who.read(lambda r: r.candidate(candidate_id))))


@router.get("/candidates", response_model=wire.PageOut)
async def list_candidates(
    who: Who,
    limit: Limit = 50,
    cursor: Cursor = None,
    email: Text = None,
    external_id: Text = None,
    status: Text = None,
    search: Text = None,
) -> Response:
    """List people, a keyset page at a time, filtered by email, external id, status or a search text."""
    equal = {k: v for k, v in {"email": email, "external_id": external_id, "status": status}.items() if v}
    page = await who.read(lambda r: r.candidates(Filters(equal=equal, search=search), PageRequest(limit, cursor)))
    return FastJSONResponse(page_out(page, candidate_out))


@router.patch("/candidates/{candidate_id}", response_model=wire.CandidateOut)
async def update_candidate(candidate_id: str, body: wire.CandidatePatch, who: Who, version: IfMatch) -> Response:
    """Change a person; ``opening_ids`` replaces the set of openings they are in."""
    changes = cast(c.CandidateChanges, body.model_dump(exclude_unset=True, exclude={"opening_ids"}))
    openings = None if body.opening_ids is None else tuple(body.opening_ids)
    return versioned(candidate_out(await who.execute(c.UpdateCandidate(candidate_id, changes, version, openings))))


@router.delete("/candidates/{candidate_id}", status_code=204)
async def delete_candidate(candidate_id: str, who: Who, version: IfMatch) -> Response:
    """Delete a person and their applications (they stay in the audit log)."""
    await who.execute(c.DeleteCandidate(candidate_id, version))
    return Response(status_code=204)


@router.get("/candidates/{candidate_id}/events", response_model=list[wire.EventOut])
async def candidate_events(candidate_id: str, who: Who) -> Response:
    """The audit trail of a person: who changed what, when, through which surface."""
    events = await who.read(lambda r: r.events_of(candidate_id))
    return FastJSONResponse([event_out(e) for e in events])


@router.get("/candidates/{candidate_id}/export")
async def export_candidate(candidate_id: str, who: Who) -> Response:
    """Everything held about a person, as JSON (a GDPR access request)."""
    held = await who.read(lambda r: r.everything_about(candidate_id))
    body = {
        "candidate": candidate_out(held.candidate),
        "applications": [application_out(a, []) for a in held.applications],
        "notes": [
            {"id": n.id, "body": n.body, "author": n.author, "created_at": iso(n.created_at)} for n in held.notes
        ],
        "attachments": [
            {
                "id": a.id,
                "kind": a.kind,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "created_at": iso(a.created_at),
            }
            for a in held.attachments
        ],
        "events": [event_out(e) for e in held.events],
    }
    return FastJSONResponse(body)


@router.post("/candidates/{candidate_id}/erase", response_model=wire.CandidateOut)
async def erase_candidate(candidate_id: str, who: Who) -> Response:
    """Erase a person's personal data and attachments now, keeping a tombstone for the audit trail (GDPR)."""
    return FastJSONResponse(candidate_out(await who.execute(c.EraseCandidate(candidate_id))))


def _application_body(r: Reader, application: Application) -> dict[str, Any]:
    """An application with the effective settings of its steps (its opening, read in the same transaction)."""
    return application_out(application, r.effective_steps(application))


def _application_fields(body: wire.ApplicationFields) -> c.ApplicationChanges:
    fields = body.model_dump(exclude_unset=True, exclude={"opening_id", "candidate_id", "candidate"})
    if body.step_overrides is not None:
        fields["step_overrides"] = {k: v.model_dump(exclude_unset=True) for k, v in body.step_overrides.items()}
    return cast(c.ApplicationChanges, fields)


@router.post("/applications", status_code=201, response_model=wire.ApplicationOut, tags=["applications"])
async def create_application(body: wire.ApplicationCreate, who: Who) -> Response:
    """Put a candidate (existing, or new from ``candidate``) into an opening."""
    person = cast(c.CandidateChanges, body.candidate.model_dump(exclude_unset=True) if body.candidate else {})
    cmd = c.CreateApplication(
        body.opening_id,
        candidate_id=body.candidate_id,
        candidate=person,
        fields=_application_fields(body),
    )
    return versioned(await who.execute(cmd, answer=_application_body), 201)


@router.get("/applications/{application_id}", response_model=wire.ApplicationOut, tags=["applications"])
async def get_application(application_id: str, who: Who) -> Response:
    """Fetch an application with the effective settings of each of its steps."""
    return versioned(await who.read(lambda r: _application_body(r, r.application(application_id))))


@router.get("/applications", response_model=wire.PageOut, tags=["applications"])
async def list_applications(
    who: Who,
    limit: Limit = 50,
    cursor: Cursor = None,
    opening_id: Text = None,
    candidate_id: Text = None,
    group: Text = None,
    label: Text = None,
    status: Text = None,
    external_id: Text = None,
) -> Response:
    """List applications, filtered by opening, candidate, group, label, status or external id."""
    equal = {
        k: v
        for k, v in {
            "opening_id": opening_id,
            "candidate_id": candidate_id,
            "group": group,
            "status": status,
            "external_id": external_id,
        }.items()
        if v
    }
    filters = Filters(equal=equal, contains_label=label)
    page = await who.read(lambda r: r.applications(filters, PageRequest(limit, cursor)))
    return FastJSONResponse(page_out(page, lambda a: application_out(a, [])))


@router.patch("/applications/{application_id}", response_model=wire.ApplicationOut, tags=["applications"])
async def update_application(application_id: str, body: wire.ApplicationPatch, who: Who, version: IfMatch) -> Response:
    """Change an application; ``step_overrides`` replaces its per-step overrides."""
    cmd = c.UpdateApplication(application_id, changes=_application_fields(body), if_version=version)
    return versioned(await who.execute(cmd, answer=_application_body))


@router.delete("/applications/{application_id}", status_code=204, tags=["applications"])
async def delete_application(application_id: str, who: Who, version: IfMatch) -> Response:
    """Remove a candidate from an opening."""
    await who.execute(c.DeleteApplication(application_id, version))
    return Response(status_code=204)
