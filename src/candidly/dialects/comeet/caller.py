"""Who a Comeet request acts as, and how it reads and renders candidates and positions for that caller."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request

from candidly.dialects.base import DialectCaller, actor
from candidly.dialects.comeet import auth, files, translate
from candidly.dialects.comeet import schemas as wire
from candidly.dialects.comeet.errors import ComeetError
from candidly.domain.commands import Command, R
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.openings import Opening, OpeningKind
from candidly.domain.principals import Scope
from candidly.domain.values import email_address
from candidly.service.ports import Filters, Page, PageRequest
from candidly.service.queries import ApplicationView

SALARY = "salary_expectations"


class Caller(DialectCaller):
    surface = "comeet"

    def as_updater(self, command: Command[R], updated_by: wire.UpdatedBy | None) -> R:
        """Run ``command`` with ``updated_by`` recorded as the actor of the change."""
        if updated_by is None:
            return self.execute(command)
        return self.as_author(command, updated_by.type, updated_by.name, updated_by.email, "updated_by.email")

    def as_author(self, command: Command[R], kind: str, name: str | None, email: str | None, email_field: str) -> R:
        """Run ``command`` as the person the client names (an updater, a note's writer)."""
        who = actor(self.principal, self.surface, type=kind, name=name, email=_writer_email(email, email_field))
        return self.services.bus.execute(command, who, self.organization_id)

    def view(self, uid: str) -> ApplicationView:
        """A candidate of one of the account's positions (deleted ones too: they answer as tombstones)."""
        if uid.isdigit():
            # The numeric id Comeet's UI shows is no API uid: not_found (docs/vendors/comeet.md, decision 5).
            raise ComeetError(404, "not_found", "The provided ID could not be found")
        found = self.services.queries.application_view(self.principal, self.organization_id, uid)
        if found is None or found.opening.kind != OpeningKind.POSITION:
            raise NotFound("candidate", uid)
        return found

    def live_view(self, uid: str) -> ApplicationView:
        """A candidate that may still be changed: a deleted one is not found."""
        found = self.view(uid)
        if found.application.deleted_at is not None or found.candidate.deleted_at is not None:
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

    def position(self, uid: str) -> Opening:
        """A position of the account; 404 ``position_not_found`` for anything else."""
        try:
            opening = self.services.queries.opening(self.principal, self.organization_id, uid)
        except NotFound:
            opening = None
        if opening is None or opening.kind != OpeningKind.POSITION:
            raise ComeetError(404, "position_not_found", "Position not found")
        return opening

    def positions(self, filters: Filters, request: PageRequest) -> Page[Opening]:
        kind = {"kind": OpeningKind.POSITION.value}
        wanted = Filters(equal={**filters.equal, **kind})
        return self.services.queries.page(
            self.principal, Scope.READ_OPENINGS, "openings", self.organization_id, wanted, request
        )

    def render_positions(self, openings: list[Opening]) -> list[dict[str, Any]]:
        """Positions with the users they name, read in one query."""
        named = [o.lead_recruiter_id for o in openings if o.lead_recruiter_id]
        users = self.services.queries.opening_members(self.principal, self.organization_id, named)
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


def caller(request: Request) -> Caller:
    principal = auth.authenticate(request)
    return Caller(request.app.state.services, principal, principal.organization())
