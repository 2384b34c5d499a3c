"""Who a Comeet request acts as (``Who``), and how it reads and renders candidates and positions for that caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, ParamSpec

from fastapi import Depends, Request

from candidly.dialects.base import caller_dependency, surface_services
from candidly.dialects.comeet import auth, files, translate
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.errors import ComeetError
from candidly.dialects.comeet.fields import SALARY, answer_name, path
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.openings import Opening, OpeningKind
from candidly.domain.principals import Principal, Scope
from candidly.domain.values import email_address
from candidly.service.caller import Caller
from candidly.service.ports import Filters, Page, PageRequest
from candidly.service.reader import ApplicationView, Reader

Who = Annotated[Caller, Depends(caller_dependency("comeet", principal=auth.principal))]
P = ParamSpec("P")


def as_updater(who: Caller, updated_by: wire.UpdatedBy | None) -> Caller:
    """The caller with ``updated_by`` recorded as the actor of its changes (itself when the client names no one)."""
    if updated_by is None:
        return who
    return as_author(who, updated_by.type, updated_by.name, updated_by.email, path("updated_by", "email"))


def as_author(who: Caller, kind: str, name: str | None, email: str | None, email_field: str) -> Caller:
    """The caller acting as the person the client names (an updater, a note's writer)."""
    return who.acting_as(kind, name, _writer_email(email, email_field))


def view(r: Reader, uid: str) -> ApplicationView:
    """A candidate of one of the account's positions (deleted ones too: they answer as tombstones)."""
    if uid.isdigit():
        # The numeric id Comeet's UI shows is no API uid: not_found (docs/vendors/comeet.md, decision 5).
        raise ComeetError(404, "not_found", "The provided ID could not be found")
    found = r.application_view(uid)
    if found is None or found.opening.kind != OpeningKind.POSITION:
        raise NotFound("candidate", uid)
    return found


def live_view(r: Reader, uid: str) -> ApplicationView:
    """A candidate that may still be changed: a deleted one is not found."""
    found = view(r, uid)
    if found.application.deleted_at is not None or found.candidate.deleted_at is not None:
        raise NotFound("candidate", uid)
    return found


@dataclass(frozen=True, slots=True)
class Render:
    """How one request renders candidates: file links signed with its key, lasting until ``expires``."""

    principal: Principal
    base_url: str
    expires: datetime

    @classmethod
    def of(cls, request: Request, who: Caller) -> Render:
        services = surface_services(request)
        ttl = timedelta(seconds=services.settings.attachment_url_ttl_seconds)
        return cls(who.principal, services.settings.public_base_url, services.clock.now() + ttl)

    def candidate(self, view: ApplicationView, include: list[str] | None = None) -> dict[str, Any]:
        salary = answer_name(SALARY)
        if salary in (include or []) and not self.principal.has(Scope.READ_SALARY):
            raise ComeetError(403, "no_permission", f"{salary}: reading it needs the {Scope.READ_SALARY} scope")

        def url(attachment_id: str) -> str | None:
            return files.signed_url(self.base_url, self.principal, attachment_id, self.expires)

        return translate.candidate(view, url, self.principal.has(Scope.READ_SALARY), self.base_url)


def position(r: Reader, uid: str) -> Opening:
    """A position of the account; 404 ``position_not_found`` for anything else."""
    try:
        opening: Opening | None = r.opening(uid)
    except NotFound:
        opening = None
    if opening is None or opening.kind != OpeningKind.POSITION:
        raise ComeetError(404, "position_not_found", "Position not found")
    return opening


def positions(r: Reader, filters: Filters, request: PageRequest) -> Page[Opening]:
    return r.openings(Filters(equal={**filters.equal, "kind": OpeningKind.POSITION.value}), request)


def position_ids(r: Reader) -> list[str]:
    """Every position of the account: the candidates Comeet lists are theirs."""
    return [p.id for p in positions(r, Filters(), PageRequest(limit=10_000)).items]


def render_positions(r: Reader, openings: list[Opening]) -> list[dict[str, Any]]:
    """Positions with the users they name, read in one query."""
    users = r.opening_members([o.lead_recruiter_id for o in openings if o.lead_recruiter_id])
    return [translate.position(o, users.get(o.lead_recruiter_id or "")) for o in openings]


def _writer_email(email: str | None, field: str) -> str | None:
    """Who wrote a change is recorded, not checked: a valid address is normalized, anything else kept as written.

    Seed 003's own example sends an ``updated_by.email`` that is no address; refusing the change for it would lose
    the client's real edit (docs/vendors/comeet.md, decision 7)."""
    if email is None or not email.strip():
        return None
    try:
        return email_address(email, field)
    except InvalidField:
        return email.strip()
