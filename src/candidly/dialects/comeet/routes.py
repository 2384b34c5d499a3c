"""Comeet's candidate endpoints: create in a position, get, list, update; notes, files and duplicates; downloads."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.comeet import auth, files, listing, translate
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.caller import SALARY, Caller, caller
from candidly.dialects.comeet.errors import ComeetError
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.principals import Scope
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["candidates"], dependencies=auth.SECURED)
# Signed links: the link is the credential.
downloads = APIRouter(tags=["files"])


def _require_salary_scope(who: Caller, body: wire.CandidateFields) -> None:
    if SALARY in body.model_fields_set and not who.principal.has(Scope.READ_SALARY):
        raise ComeetError(403, "no_permission", f"{SALARY}: access to this field is restricted")


def _same_partner_id(who: Caller, partner_id: str) -> list[Application]:
    found = who.services.queries.page(
        who.principal, Scope.READ_CANDIDATES, "applications", who.organization_id,
        Filters(equal={"external_id": partner_id}), PageRequest(limit=100),
    )  # fmt: skip
    return list(found.items)


def _check_conflict(earlier: list[Application], position_uid: str) -> None:
    """409 only while the same partner id is in progress in the same position (docs/vendors/comeet.md, decision 6)."""
    for application in earlier:
        if application.opening_id == position_uid and application.status in (None, translate.IN_PROGRESS):
            raise ComeetError(
                409, "candidate_post_conflict",
                "A candidate with this partner_candidate_id is already in progress in this position",
                candidate_uid=application.id,
            )  # fmt: skip


@router.post("/candidates", status_code=201, response_model=wire.CandidateOut)
def create_candidate(body: wire.CandidateCreate, request: Request) -> Response:
    """Create a candidate (a hiring process) in a position; the person is reused when the partner id or email match."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    _require_salary_scope(who, body)
    opening = who.position(body.position_uid)
    earlier = [] if body.partner_candidate_id is None else _same_partner_id(who, body.partner_candidate_id)
    _check_conflict(earlier, opening.id)
    person = translate.person_changes(body)
    process = translate.process_changes(body, opening.settings.get("custom_fields") or [], {})
    patch = {**process.pop("attributes_patch", {}), translate.NS + "source": translate.source(body)}
    command = c.CreateApplication(
        opening_id=opening.id, candidate_id=earlier[0].candidate_id if earlier else None,
        candidate={**person, "attributes": _present(person.pop("attributes_patch", {}))},
        fields={**process, "status": translate.IN_PROGRESS, "attributes": _present(patch), "source": "comeet",
                "labels": translate.tags(body)},
        reuse_person_by_email=True, attachments=translate.attachments(body), notes=translate.notes(body),
    )  # fmt: skip
    created: Application = who.execute(command)
    return FastJSONResponse(who.render(who.view(created.id)), status_code=201)


@router.get("/candidates/{uid}", response_model=wire.CandidateOut)
def get_candidate(
    uid: str,
    request: Request,
    include: Annotated[list[Annotated[str, StringConstraints(max_length=40)]] | None, Query(max_length=20)] = None,
) -> Response:
    """One candidate; ``include=salary_expectations`` asks for the restricted field (403 without its scope)."""
    who = caller(request)
    return FastJSONResponse(who.render(who.view(uid), include))


@router.get("/candidates", response_model=wire.CandidatesOut,
            openapi_extra=listing.documented(listing.CANDIDATE_FILTERS))  # fmt: skip
def list_candidates(request: Request) -> Response:
    """The account's candidates in creation order, deleted ones as tombstones; ``status`` is a comma list (any)."""
    who = caller(request)
    positions = who.positions(Filters(), PageRequest(limit=10_000)).items
    return candidates_page(who, request, [p.id for p in positions])


def candidates_page(who: Caller, request: Request, opening_ids: list[str]) -> Response:
    """One page of the candidates of ``opening_ids`` that the request's filters select, and the next page's URL."""
    wanted = listing.candidates(request, opening_ids)
    page = who.services.queries.application_views(who.principal, who.organization_id, wanted.filters, wanted.page)
    following = listing.next_page(request, who.services.settings.public_base_url, page.next_cursor)
    return FastJSONResponse({"candidates": [who.render(view) for view in page.items], "next_page": following})


@router.patch("/candidates/{uid}", response_model=wire.CandidateOut)
def update_candidate(uid: str, body: wire.CandidateUpdate, request: Request) -> Response:
    """Change only the properties sent; ``updated_by`` is recorded as the actor of the change."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    _require_salary_scope(who, body)
    current = who.live_view(uid)
    allowed = current.opening.settings.get("custom_fields") or []
    command = c.UpdateApplication(
        application_id=current.application.id,
        changes=translate.process_changes(body, allowed, current.application.attributes),
        candidate_changes=translate.person_changes(body),
        attachments=translate.attachments(body), notes=translate.notes(body),
    )  # fmt: skip
    who.as_updater(command, body.updated_by)
    return FastJSONResponse(who.render(who.view(uid)))


@router.post("/candidates/{uid}/notes", status_code=201, response_model=wire.NoteOut)
def post_note(uid: str, body: wire.NoteIn, request: Request) -> Response:
    """Add a note to a candidate, written by ``created_by`` (recorded as the actor). The path takes only POST."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    current = who.live_view(uid)
    author = body.created_by or wire.NoteAuthor()
    name = " ".join(p for p in (author.first_name, author.last_name) if p) or None
    command = c.UpdateApplication(application_id=current.application.id, notes=(body.text,))
    who.as_author(command, author.type, name, author.email or None, "created_by.email")
    written = {"type": author.type, "first_name": author.first_name, "last_name": author.last_name,
               "email": author.email or None}  # fmt: skip
    note = {"text": body.text, "time_created": translate.comeet_time(who.services.clock.now()), "created_by": written}
    return FastJSONResponse(note, status_code=201)


@router.get("/candidates/{uid}/files", response_model=wire.FilesOut)
def list_files(uid: str, request: Request) -> Response:
    """The files sent with a candidate (``files``), never the resume or the picture, each with an expiring link."""
    who = caller(request)
    return FastJSONResponse({"files": who.render(who.live_view(uid))["files"]})


@router.get("/sourcing/candidates/find_duplicates", response_model=list[wire.CandidateOut], tags=["sourcing"],
            openapi_extra=listing.documented(translate.DUPLICATE_KEYS, paged=False))  # fmt: skip
def find_duplicates(request: Request) -> Response:
    """The hiring processes of every person matching the email, the first and last name, the LinkedIn URL or the
    phone number given (any of them)."""
    who = caller(request)
    criteria = translate.duplicate_criteria(listing.only(request, translate.DUPLICATE_KEYS, paged=False))
    people: set[str] = set()
    for filters in criteria:
        found = who.services.queries.page(
            who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters, PageRequest(limit=100)
        )
        people.update(p.id for p in found.items)
    if not people:
        return FastJSONResponse([])
    positions = [p.id for p in who.positions(Filters(), PageRequest(limit=10_000)).items]
    mine = Filters(equal={"candidate_id": sorted(people), "opening_id": positions})
    views = who.services.queries.application_views(who.principal, who.organization_id, mine, PageRequest(limit=1000))
    return FastJSONResponse([who.render(view) for view in views.items])


@downloads.get(
    "/files/{attachment_id}", response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}}
)
def download(
    attachment_id: str, request: Request,
    key: Annotated[str, Query(max_length=64)], expires: Annotated[int, Query(ge=0, le=2**40)],
    signature: Annotated[str, Query(max_length=128)],
) -> Response:  # fmt: skip
    """A file a candidate answer linked to, while its signed link lasts (no credential needed)."""
    services = request.app.state.services
    principal = services.auth.by_key_id(key)
    if not files.check_signature(principal, attachment_id, expires, signature, services.clock.now()):
        raise ComeetError(403, "no_permission", "the file link has expired or is not valid")
    found, content = services.queries.attachment(principal, principal.organization(), attachment_id)
    headers = {"Content-Disposition": content_disposition(found.name), "Cache-Control": "private"}
    return Response(content, media_type=found.content_type or "application/octet-stream", headers=headers)


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def content_disposition(name: str) -> str:
    """An attachment header any name survives: an ASCII fallback, and the name itself per RFC 5987 (RFC 6266)."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._- ") else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
