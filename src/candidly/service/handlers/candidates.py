"""Handlers for candidate commands: create, update, delete, and GDPR erasure."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain import events as ev
from candidly.domain.access import Scope
from candidly.domain.errors import NotFound
from candidly.domain.people import Candidate
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context
from candidly.service.handlers.applications import remove_application, set_openings
from candidly.service.handlers.people import (
    CANDIDATE_FIELDS,
    add_files_and_notes,
    load_candidate,
    new_candidate,
    update_candidate_fields,
)
from candidly.service.ports import UnitOfWork


@handles(c.CreateCandidate)
def create_candidate(uow: UnitOfWork, ctx: Context, cmd: c.CreateCandidate) -> Candidate:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    candidate = new_candidate(uow, ctx, cmd.fields)
    if cmd.opening_ids:
        set_openings(uow, ctx, candidate, cmd.opening_ids)
    add_files_and_notes(uow, ctx, candidate.id, None, cmd.attachments, cmd.notes)
    return candidate


@handles(c.UpdateCandidate)
def update_candidate(uow: UnitOfWork, ctx: Context, cmd: c.UpdateCandidate) -> Candidate:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    candidate = load_candidate(uow, ctx, cmd.candidate_id)
    update_candidate_fields(uow, ctx, candidate, cmd.changes, cmd.if_version)
    if cmd.opening_ids is not None:
        set_openings(uow, ctx, candidate, cmd.opening_ids)
    add_files_and_notes(uow, ctx, candidate.id, None, cmd.attachments, cmd.notes)
    return candidate


@handles(c.DeleteCandidate)
def delete_candidate(uow: UnitOfWork, ctx: Context, cmd: c.DeleteCandidate) -> None:
    ctx.actor.principal.require(Scope.DELETE_CANDIDATES)
    candidate = load_candidate(uow, ctx, cmd.candidate_id)
    loaded_version = candidate.version
    candidate.deleted_at = candidate.updated_at = ctx.now
    save_versioned(uow.candidates, candidate, "candidate", loaded_version, cmd.if_version)
    for application in uow.applications.find(ctx.organization_id, candidate_id=candidate.id, deleted_at=None):
        remove_application(uow, ctx, application)
    ctx.record(ev.CANDIDATE_DELETED, "candidate", candidate.id, candidate_id=candidate.id)


@handles(c.EraseCandidate)
def erase_candidate(uow: UnitOfWork, ctx: Context, cmd: c.EraseCandidate) -> Candidate:
    """Blank everything personal, drop attachments and notes, keep the row as a tombstone."""
    ctx.actor.principal.require(Scope.DELETE_CANDIDATES)
    candidate = uow.candidates.get(ctx.organization_id, cmd.candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotFound("candidate", cmd.candidate_id)
    erase_person(uow, ctx, candidate, cmd.reason)
    return candidate


def erase_person(uow: UnitOfWork, ctx: Context, candidate: Candidate, reason: str) -> None:
    loaded_version = candidate.version
    for key in CANDIDATE_FIELDS:
        setattr(candidate, key, {} if key in ("metadata", "attributes") else None)
    candidate.erased_at = candidate.updated_at = ctx.now
    candidate.deleted_at = candidate.deleted_at or ctx.now
    save_versioned(uow.candidates, candidate, "candidate", loaded_version, None)
    removed = uow.blobs.delete_attachments(ctx.organization_id, candidate.id)
    uow.blobs.delete_notes(ctx.organization_id, candidate.id)
    for application in uow.applications.find(ctx.organization_id, candidate_id=candidate.id):
        application.external_data, application.tags, application.extra_emails = {}, {}, []
        application.credential1 = application.credential2 = None
        application.attributes = {}
        application.deleted_at = application.deleted_at or ctx.now
        save_versioned(uow.applications, application, "application", application.version, None)
    for session in uow.sessions.find(ctx.organization_id, candidate_id=candidate.id):
        if session.settings:  # what an interview was started with may carry the client's metadata about the person
            session.settings = {}
            save_versioned(uow.sessions, session, "session", session.version, None)
    ctx.record(
        ev.CANDIDATE_ERASED, "candidate", candidate.id, candidate_id=candidate.id,
        data={"reason": reason, "attachments_removed": removed},
    )  # fmt: skip


@handles(c.GdprSweep)
def gdpr_sweep(uow: UnitOfWork, ctx: Context, cmd: c.GdprSweep) -> int:
    """Erase candidates whose GDPR expiry date has passed (run by the worker, as the system)."""
    expired = uow.candidates.expiring(cmd.today, limit=500)
    for candidate in expired:
        ctx.organization_id = candidate.organization_id
        erase_person(uow, ctx, candidate, "gdpr_expiry")
    return len(expired)
