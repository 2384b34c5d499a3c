"""Comeet's candidate endpoints: create in a position, get, list, update; notes, files and duplicates; downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints

from candidly.dialects.base import FastJSONResponse, bind_caller, surface_services
from candidly.dialects.comeet import auth, files, listing, translate
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.caller import (
    Render,
    Who,
    as_author,
    as_updater,
    live_view,
    position,
    position_ids,
    view,
)
from candidly.dialects.comeet.errors import ComeetError
from candidly.dialects.comeet.fields import NS, SALARY, answer_name, answered, path, wire_name
from candidly.dialects.tokens import principal_of_key_id
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.principals import Scope
from candidly.service.caller import Caller
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import ApplicationView, Reader

router = APIRouter(tags=["candidates"], dependencies=auth.SECURED)
# Signed links: the link is the credential.
downloads = APIRouter(tags=["files"])


def _require_salary_scope(who: Caller, body: wire.CandidateFields) -> None:
    if SALARY in body.model_fields_set and not who.principal.has(Scope.READ_SALARY):
        raise ComeetError(403, "no_permission", f"{wire_name(SALARY)}: access to this field is restricted")


def _same_partner_id(r: Reader, partner_id: str | None) -> list[Application]:
    if partner_id is None:
        return []
    return list(r.applications(Filters(equal={"external_id": partner_id}), PageRequest(limit=100)).items)


def _check_conflict(earlier: list[Application], position_uid: str) -> None:
    """409 only while the same partner id is in progress in the same position (docs/vendors/comeet.md, decision 6)."""
    for application in earlier:
        if application.opening_id == position_uid and application.status in (None, translate.IN_PROGRESS):
            raise ComeetError(
                409,
                "candidate_post_conflict",
                f"A candidate with this {wire_name('partner_candidate_id')} is already in progress in this position",
                candidate_uid=application.id,
            )


def _answer(render: Render, uid: str | None = None) -> Callable[[Reader, Application], dict[str, Any]]:
    """A write's answer, read in its own transaction: the candidate it created or changed, as GET shows it."""
    return lambda r, written: render.candidate(view(r, uid or written.id))


@router.post("/candidates", status_code=201, response_model=wire.CandidateOut)
async def create_candidate(body: wire.CandidateCreate, request: Request, who: Who) -> Response:
    """Create a candidate (a hiring process) in a position; the person is reused when the partner id or email match."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    _require_salary_scope(who, body)
    # What the command is built from: the position (its custom fields) and the partner id's earlier processes.
    opening, earlier = await who.read(
        lambda r: (position(r, body.position_uid), _same_partner_id(r, body.partner_candidate_id))
    )
    _check_conflict(earlier, opening.id)
    person = translate.person_changes(body)
    process = translate.process_changes(body, opening.settings.get("custom_fields") or [], {})
    patch = {**process.pop("attributes_patch", {}), NS + "source": translate.source(body)}
    command = c.CreateApplication(
        opening_id=opening.id,
        candidate_id=earlier[0].candidate_id if earlier else None,
        candidate={**person, "attributes": _present(person.pop("attributes_patch", {}))},
        fields={
            **process,
            "status": translate.IN_PROGRESS,
            "attributes": _present(patch),
            "source": "comeet",
            "labels": translate.tags(body),
        },
        reuse_person_by_email=True,
        attachments=translate.attachments(body),
        notes=translate.notes(body),
    )
    return FastJSONResponse(await who.execute(command, answer=_answer(Render.of(request, who))), status_code=201)


@router.get("/candidates/{uid}", response_model=wire.CandidateOut)
async def get_candidate(
    uid: str,
    request: Request,
    who: Who,
    include: Annotated[list[Annotated[str, StringConstraints(max_length=40)]] | None, Query(max_length=20)] = None,
) -> Response:
    """One candidate; ``include=salary_expectations`` asks for the restricted field (403 without its scope)."""
    render = Render.of(request, who)
    return FastJSONResponse(await who.read(lambda r: render.candidate(view(r, uid), include)))


@router.get(
    "/candidates", response_model=wire.CandidatesOut, openapi_extra=listing.documented(listing.CANDIDATE_FILTERS)
)
async def list_candidates(request: Request, who: Who) -> Response:
    """The account's candidates in creation order, deleted ones as tombstones; ``status`` is a comma list (any)."""
    return await candidates_page(who, request, position_ids)


async def candidates_page(who: Caller, request: Request, opening_ids: Callable[[Reader], list[str]]) -> Response:
    """One page of the candidates of the positions ``opening_ids`` reads that the request's filters select, and
    the next page's URL: all read in one transaction."""
    render = Render.of(request, who)

    def read(r: Reader) -> tuple[list[dict[str, Any]], str | None]:
        wanted = listing.candidates(request, opening_ids(r))
        page = r.application_views(wanted.filters, wanted.page)
        return [render.candidate(v) for v in page.items], page.next_cursor

    candidates, cursor = await who.read(read)
    following = listing.next_page(request, render.base_url, cursor)
    return FastJSONResponse(answered({"candidates": candidates, "next_page": following}))


@router.patch("/candidates/{uid}", response_model=wire.CandidateOut)
async def update_candidate(uid: str, body: wire.CandidateUpdate, request: Request, who: Who) -> Response:
    """Change only the properties sent; ``updated_by`` is recorded as the actor of the change."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    _require_salary_scope(who, body)
    current = await who.read(lambda r: live_view(r, uid))  # what the change is checked against
    allowed = current.opening.settings.get("custom_fields") or []
    command = c.UpdateApplication(
        application_id=current.application.id,
        changes=translate.process_changes(body, allowed, current.application.attributes),
        candidate_changes=translate.person_changes(body),
        attachments=translate.attachments(body),
        notes=translate.notes(body),
    )
    updater = as_updater(who, body.updated_by)
    return FastJSONResponse(await updater.execute(command, answer=_answer(Render.of(request, who), uid)))


@router.post("/candidates/{uid}/notes", status_code=201, response_model=wire.NoteOut)
async def post_note(uid: str, body: wire.NoteIn, request: Request, who: Who) -> Response:
    """Add a note to a candidate, written by ``created_by`` (recorded as the actor). The path takes only POST."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    current = await who.read(lambda r: live_view(r, uid))
    author = body.created_by or wire.NoteAuthor()
    name = " ".join(p for p in (author.first_name, author.last_name) if p) or None
    command = c.UpdateApplication(application_id=current.application.id, notes=(body.text,))
    await as_author(who, author.type, name, author.email or None, path("created_by", "email")).execute(command)
    written = answered({**author.model_dump(), "email": author.email or None})
    now = surface_services(request).clock.now()
    note = {"text": body.text, "time_created": translate.comeet_time(now), "created_by": written}
    return FastJSONResponse(answered(note), status_code=201)


@router.get("/candidates/{uid}/files", response_model=wire.FilesOut)
async def list_files(uid: str, request: Request, who: Who) -> Response:
    """The files sent with a candidate (``files``), never the resume or the picture, each with an expiring link."""
    render = Render.of(request, who)
    named = answer_name("files")
    return FastJSONResponse(answered({"files": await who.read(lambda r: render.candidate(live_view(r, uid))[named])}))


@router.get(
    "/sourcing/candidates/find_duplicates",
    response_model=list[wire.CandidateOut],
    tags=["sourcing"],
    openapi_extra=listing.documented(translate.DUPLICATE_KEYS, paged=False),
)
async def find_duplicates(request: Request, who: Who) -> Response:
    """The hiring processes of every person matching the email, the first and last name, the LinkedIn URL or the
    phone number given (any of them)."""
    criteria = translate.duplicate_criteria(listing.only(request, translate.DUPLICATE_KEYS, paged=False))
    render = Render.of(request, who)
    return FastJSONResponse(await who.read(lambda r: [render.candidate(v) for v in _duplicates(r, criteria)]))


def _duplicates(r: Reader, criteria: list[Filters]) -> list[ApplicationView]:
    """The processes, in the account's positions, of the people any of ``criteria`` finds."""
    people = {p.id for filters in criteria for p in r.candidates(filters, PageRequest(limit=100)).items}
    if not people:
        return []
    mine = Filters(equal={"candidate_id": sorted(people), "opening_id": position_ids(r)})
    return r.application_views(mine, PageRequest(limit=1000)).items


@downloads.get(
    "/files/{attachment_id}", response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}}
)
async def download(
    attachment_id: str,
    request: Request,
    key: Annotated[str, Query(max_length=64)],
    expires: Annotated[int, Query(ge=0, le=2**40)],
    signature: Annotated[str, Query(max_length=128)],
) -> Response:
    """A file a candidate answer linked to, while its signed link lasts (no credential needed)."""
    services = surface_services(request)
    principal = await principal_of_key_id(services, key)
    if not files.check_signature(principal, attachment_id, expires, signature, services.clock.now()):
        raise ComeetError(403, "no_permission", "the file link has expired or is not valid")
    who = bind_caller(request, principal, "comeet", principal.organization())
    found, content = await who.read(lambda r: r.attachment(attachment_id))
    headers = {"Content-Disposition": content_disposition(found.name), "Cache-Control": "private"}
    return Response(content, media_type=found.content_type or "application/octet-stream", headers=headers)


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def content_disposition(name: str) -> str:
    """An attachment header any name survives: an ASCII fallback, and the name itself per RFC 5987 (RFC 6266)."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._- ") else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
