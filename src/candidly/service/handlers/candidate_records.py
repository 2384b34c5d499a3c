"""A candidate's record as the candidate and application handlers both write it: load, create, update, files and notes.

Its own module (not handlers/candidates.py) because the application handlers create and change candidates while
the candidate handlers put candidates into openings: both import this, neither imports the other's handlers.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from candidly.domain import commands as c
from candidly.domain.attachments import Attachment, Note
from candidly.domain.errors import live
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.people import NOTE_MAX, Candidate
from candidly.domain.values import text
from candidly.service.bus import save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.ports import UnitOfWork


def new_candidate(uow: UnitOfWork, ctx: Context, fields: Mapping[str, Any]) -> Candidate:
    """Build, check and add a person; records candidate.created."""
    candidate = Candidate(
        id=new_id(),
        organization_id=ctx.organization_id,
        seq=uow.organizations.next_candidate_seq(ctx.organization_id),
        public_ref=secrets.token_urlsafe(16),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    candidate.apply(fields, ctx.now.date())
    uow.candidates.add(candidate)
    ctx.record(
        EventType.CANDIDATE_CREATED,
        "candidate",
        candidate.id,
        candidate_id=candidate.id,
        changes=changes_between({}, candidate.snapshot()),
    )
    return candidate


def load_candidate(uow: UnitOfWork, ctx: Context, candidate_id: str, field: str | None = None) -> Candidate:
    return live(uow.candidates.get(ctx.organization_id, candidate_id), "candidate", candidate_id, field)


def update_candidate_fields(
    uow: UnitOfWork,
    ctx: Context,
    candidate: Candidate,
    changes: Mapping[str, Any],
    if_version: int | None,
) -> None:
    """Apply ``changes`` to a loaded candidate, save it under optimistic locking, record the event."""
    loaded_version, before = candidate.version, candidate.snapshot()
    candidate.apply(changes, ctx.now.date())
    candidate.updated_at = ctx.now
    save_versioned(uow.candidates, candidate, "candidate", loaded_version, if_version)
    ctx.record(
        EventType.CANDIDATE_UPDATED,
        "candidate",
        candidate.id,
        candidate_id=candidate.id,
        changes=changes_between(before, candidate.snapshot()),
    )


def add_files_and_notes(
    uow: UnitOfWork,
    ctx: Context,
    candidate_id: str,
    application_id: str | None,
    attachments: tuple[c.AttachmentSpec, ...],
    notes: tuple[str, ...],
) -> None:
    """Store the command's files and notes with the person (and the application), in the command's transaction."""
    for spec in attachments:
        attachment = Attachment(
            id=new_id(),
            organization_id=ctx.organization_id,
            candidate_id=candidate_id,
            application_id=application_id,
            kind=text(spec.kind, "attachments.kind", max_length=40),
            name=text(spec.name, "attachments.name", min_length=1, max_length=255),
            content_type=spec.content_type,
            size=len(spec.content),
            created_at=ctx.now,
        )
        uow.blobs.add_attachment(attachment, spec.content)
    for body in notes:
        uow.blobs.add_note(
            Note(
                id=new_id(),
                organization_id=ctx.organization_id,
                candidate_id=candidate_id,
                application_id=application_id,
                body=text(body, "note", min_length=1, max_length=NOTE_MAX),
                author=ctx.actor.as_dict(),
                created_at=ctx.now,
            )
        )
