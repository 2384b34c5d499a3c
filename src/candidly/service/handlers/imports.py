"""Bulk import: many people (optionally into one opening) per command, each row validated on its own."""

from __future__ import annotations

import secrets

from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.errors import InvalidField
from candidly.domain.events import EventType
from candidly.domain.ids import new_id, new_invitation_code
from candidly.domain.people import Candidate, ImportResult, Rejected
from candidly.domain.principals import Scope
from candidly.service.bus import handles
from candidly.service.context import Context
from candidly.service.handlers.openings import load_opening
from candidly.service.ports import UnitOfWork


@handles(c.ImportCandidates)
def import_candidates(uow: UnitOfWork, ctx: Context, cmd: c.ImportCandidates) -> ImportResult:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    opening = load_opening(uow, ctx, cmd.opening_id, field="opening_id") if cmd.opening_id else None
    result = ImportResult()
    people: list[Candidate] = []
    today = ctx.now.date()
    for number, row in cmd.rows:
        person = Candidate(
            id=new_id(),
            organization_id=ctx.organization_id,
            seq=0,
            public_ref=secrets.token_urlsafe(16),
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        try:
            person.apply(row, today)
        except InvalidField as exc:
            result.rejected.append(Rejected(number, exc.field, exc.reason))
            continue
        people.append(person)
    if not people:
        return result
    first = uow.organizations.next_candidate_seq(ctx.organization_id, len(people))
    for offset, person in enumerate(people):
        person.seq = first + offset
        # The audit trail names the import, not every field: the row itself is the record of what was set.
        ctx.record(EventType.CANDIDATE_CREATED, "candidate", person.id, candidate_id=person.id, data={"import": True})
    uow.candidates.add_many(people)
    if opening is not None:
        uow.applications.add_many(
            [_application(ctx, person, opening.id, opening.default_group, opening.language) for person in people]
        )
        uow.openings.add_counts(ctx.organization_id, opening.id, len(people))
    result.created = [p.id for p in people]
    return result


def _application(ctx: Context, person: Candidate, opening_id: str, group: str, language: str) -> Application:
    return Application(
        id=new_id(),
        organization_id=ctx.organization_id,
        candidate_id=person.id,
        opening_id=opening_id,
        created_at=ctx.now,
        updated_at=ctx.now,
        group=group,
        language=language,
        invitation_code=new_invitation_code(),
        status_changed_at=ctx.now,
    )


__all__ = ["ImportResult", "Rejected", "import_candidates"]
