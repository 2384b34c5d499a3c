"""Comeet's candidate endpoints: create in a position, get, list, update; and the files their answers link to."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints

from candidly.dialects.base import DialectCaller, FastJSONResponse, actor
from candidly.dialects.comeet import auth, files, translate
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.errors import ComeetError
from candidly.domain import commands as c
from candidly.domain.access import Scope
from candidly.domain.applications import Application
from candidly.domain.errors import NotFound
from candidly.domain.openings import Opening, OpeningKind
from candidly.domain.values import email_address
from candidly.service.ports import Filters, PageRequest
from candidly.service.queries import ApplicationView

router = APIRouter(tags=["candidates"])
SALARY = "salary_expectations"


class Caller(DialectCaller):
    surface = "comeet"

    def as_updater(self, command: Any, updated_by: wire.UpdatedBy | None) -> Any:
        """Run ``command`` with ``updated_by`` recorded as the actor of the change."""
        if updated_by is None:
            return self.execute(command)
        email = None if updated_by.email is None else email_address(updated_by.email, "updated_by.email")
        who = actor(self.principal, self.surface, type=updated_by.type, name=updated_by.name, email=email)
        return self.services.bus.execute(command, who, self.organization_id)

    def view(self, uid: str) -> ApplicationView:
        """A candidate of one of the account's positions (deleted ones too: they answer as tombstones)."""
        found = self.services.queries.application_view(self.principal, self.organization_id, uid)
        if found is None or found.opening.kind != OpeningKind.POSITION:
            raise NotFound("candidate", uid)
        return found

    def render(self, view: ApplicationView, include: list[str] | None = None) -> dict[str, Any]:
        wants_salary = SALARY in (include or [])
        if wants_salary and not self.principal.has(Scope.READ_SALARY):
            raise ComeetError(403, "no_permission", f"{SALARY}: reading it needs the {Scope.READ_SALARY} scope")
        settings = self.services.settings
        expires = self.services.clock.now() + timedelta(seconds=settings.attachment_url_ttl_seconds)

        def url(attachment_id: str) -> str | None:
            return files.signed_url(settings.public_base_url, self.principal, attachment_id, expires)

        return translate.candidate(view, url, self.principal.has(Scope.READ_SALARY), settings.public_base_url)


def caller(request: Request) -> Caller:
    principal = auth.authenticate(request)
    return Caller(request.app.state.services, principal, principal.organization())


def _require_salary_scope(who: Caller, body: wire.CandidateFields) -> None:
    if SALARY in body.model_fields_set and not who.principal.has(Scope.READ_SALARY):
        raise ComeetError(403, "no_permission", f"{SALARY}: access to this field is restricted")


def _position(who: Caller, uid: str) -> Opening:
    try:
        opening = who.services.queries.opening(who.principal, who.organization_id, uid)
    except NotFound:
        opening = None
    if opening is None or opening.kind != OpeningKind.POSITION:
        raise ComeetError(404, "position_not_found", "Position not found")
    return opening


def _same_partner_id(who: Caller, partner_id: str) -> list[Application]:
    found = who.services.queries.page(
        who.principal, Scope.READ_CANDIDATES, "applications", who.organization_id,
        Filters(equal={"external_id": partner_id}), PageRequest(limit=100),
    )  # fmt: skip
    return list(found.items)


def _check_conflict(earlier: list[Application], position_uid: str) -> None:
    """409 only while the same partner id is in progress in the same position (section 3.7)."""
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
    opening = _position(who, body.position_uid)
    earlier = _same_partner_id(who, body.partner_candidate_id)
    _check_conflict(earlier, opening.id)
    person = translate.person_changes(body)
    process = translate.process_changes(body, opening.settings.get("custom_fields") or [], {})
    patch = process.pop("attributes_patch", {})
    command = c.CreateApplication(
        opening_id=opening.id, candidate_id=earlier[0].candidate_id if earlier else None,
        candidate={**person, "attributes": _present(person.pop("attributes_patch", {}))},
        fields={**process, "status": translate.IN_PROGRESS, "attributes": _present(patch), "source": "comeet"},
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


def _bound(value: str | None, field: str) -> datetime | None:
    return None if value is None else translate.parse_time(value, field)


@router.get("/candidates", response_model=list[wire.CandidateOut])
def list_candidates(
    request: Request,
    status: Annotated[str | None, Query(max_length=200)] = None,
    created_before: Annotated[str | None, Query(alias="time_created:before", max_length=40)] = None,
    created_after: Annotated[str | None, Query(alias="time_created:after", max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:  # fmt: skip
    """The account's candidates in creation order; ``status`` is a comma list (any of them)."""
    who = caller(request)
    equal: dict[str, Any] = {}
    if status is not None:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in wire.STATUSES]
        if unknown:
            raise ComeetError(400, "invalid_value", f"status: {unknown[0]!r} is not one of {', '.join(wire.STATUSES)}")
        # A process no one has moved is in progress: its stored status is empty.
        equal["status"] = [*wanted, None] if translate.IN_PROGRESS in wanted else wanted
    positions = who.services.queries.page(
        who.principal, Scope.READ_OPENINGS, "openings", who.organization_id,
        Filters(equal={"kind": OpeningKind.POSITION.value}), PageRequest(limit=10_000),
    ).items  # fmt: skip
    equal["opening_id"] = [p.id for p in positions]
    filters = Filters(equal=equal, created_after=_bound(created_after, "time_created:after"),
                      created_before=_bound(created_before, "time_created:before"))  # fmt: skip
    page = who.services.queries.application_views(
        who.principal, who.organization_id, filters, PageRequest(limit=limit, offset=offset)
    )
    return FastJSONResponse([who.render(view) for view in page.items])


@router.patch("/candidates/{uid}", response_model=wire.CandidateOut)
def update_candidate(uid: str, body: wire.CandidateUpdate, request: Request) -> Response:
    """Change only the properties sent; ``updated_by`` is recorded as the actor of the change."""
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    _require_salary_scope(who, body)
    current = who.view(uid)
    if current.application.deleted_at is not None:
        raise NotFound("candidate", uid)
    allowed = current.opening.settings.get("custom_fields") or []
    command = c.UpdateApplication(
        application_id=current.application.id,
        changes=translate.process_changes(body, allowed, current.application.attributes),
        candidate_changes=translate.person_changes(body),
        attachments=translate.attachments(body), notes=translate.notes(body),
    )  # fmt: skip
    who.as_updater(command, body.updated_by)
    return FastJSONResponse(who.render(who.view(uid)))


@router.get(
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
    found = services.queries.attachment(principal, principal.organization(), attachment_id)
    headers = {"Content-Disposition": f'attachment; filename="{_safe(found["name"])}"', "Cache-Control": "private"}
    return Response(found["content"], media_type=found["content_type"] or "application/octet-stream", headers=headers)


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name)
