"""Handlers for candidate commands: create, update, delete, and GDPR erasure."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.errors import NotFound
from candidly.domain.events import EventType
from candidly.domain.people import Candidate
from candidly.domain.principals import Scope
from candidly.domain.values import MAX_NAME, text
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context
from candidly.service.handlers.applications import remove_application, set_openings
from candidly.service.handlers.candidate_records import (
    add_files_and_notes,
    load_candidate,
    new_candidate,
    update_candidate_fields,
)
from candidly.service.ports import UnitOfWork

MESSAGE_MAX = 5_000


@handles(c.CreateCandidate, answers_with=Scope.READ_CANDIDATES)
def create_candidate(uow: UnitOfWork, ctx: Context, cmd: c.CreateCandidate) -> Candidate:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    candidate = new_candidate(uow, ctx, cmd.fields)
    if cmd.opening_ids:
        set_openings(uow, ctx, candidate, cmd.opening_ids)
    add_files_and_notes(uow, ctx, candidate.id, None, cmd.attachments, cmd.notes)
    return candidate


@handles(c.UpdateCandidate, answers_with=Scope.READ_CANDIDATES)
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
    ctx.record(EventType.CANDIDATE_DELETED, "candidate", candidate.id, candidate_id=candidate.id)


@handles(c.SetSubscription)
def set_subscription(uow: UnitOfWork, ctx: Context, cmd: c.SetSubscription) -> Candidate:
    """Flag (or unflag) a candidate as unsubscribed; recorded as candidate.updated when it changes."""
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    candidate = load_candidate(uow, ctx, cmd.candidate_id)
    if candidate.unsubscribed == cmd.unsubscribed:
        return candidate
    loaded_version, before = candidate.version, candidate.unsubscribed
    candidate.unsubscribed, candidate.updated_at = cmd.unsubscribed, ctx.now
    save_versioned(uow.candidates, candidate, "candidate", loaded_version, None)
    ctx.record(
        EventType.CANDIDATE_UPDATED,
        "candidate",
        candidate.id,
        candidate_id=candidate.id,
        changes={"unsubscribed": [before, cmd.unsubscribed]},
    )
    return candidate


@handles(c.MessageCandidate)
def message_candidate(uow: UnitOfWork, ctx: Context, cmd: c.MessageCandidate) -> None:
    """Record a message to a candidate; the outbox turns the event into an email (see delivery/fanout.py)."""
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    candidate = load_candidate(uow, ctx, cmd.candidate_id)
    data = {"message": text(cmd.message, "message", min_length=1, max_length=MESSAGE_MAX)}
    if cmd.subject is not None:
        data["subject"] = text(cmd.subject, "subject", min_length=1, max_length=MAX_NAME)
    ctx.record(EventType.CANDIDATE_MESSAGED, "candidate", candidate.id, candidate_id=candidate.id, data=data)


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
    """Blank the person, their applications, and what the event log, the outbox and stored answers copied."""
    loaded_version = candidate.version
    applications = uow.applications.find(ctx.organization_id, candidate_id=candidate.id)
    handles, names = _handles(candidate, applications), _names(candidate, applications)
    candidate.blank()
    candidate.erased_at = candidate.updated_at = ctx.now
    candidate.deleted_at = candidate.deleted_at or ctx.now
    save_versioned(uow.candidates, candidate, "candidate", loaded_version, None)
    removed = uow.blobs.delete_attachments(ctx.organization_id, candidate.id)
    uow.blobs.delete_notes(ctx.organization_id, candidate.id)
    for application in applications:
        if application.deleted_at is None:  # a live one leaves its opening's count, as a removal does
            uow.openings.add_counts(ctx.organization_id, application.opening_id, -1)
        _blank_application(application, ctx)
        save_versioned(uow.applications, application, "application", application.version, None)
    uow.erasure.forget_person(ctx.organization_id, candidate.id, handles, names)
    ctx.record(
        EventType.CANDIDATE_ERASED,
        "candidate",
        candidate.id,
        candidate_id=candidate.id,
        data={"reason": reason, "attachments_removed": removed},
    )


def _handles(candidate: Candidate, applications: list[Application]) -> list[str]:
    """What only this person has, as text another table may have kept: ids, contact details, external ids."""
    held = [candidate.id, candidate.email, candidate.phone, candidate.external_id]
    for a in applications:
        held += [a.id, a.external_id, a.uniq_id, *a.extra_emails]
    return [m for m in held if m and len(m) >= 3]


def _names(candidate: Candidate, applications: list[Application]) -> list[str]:
    """What names the person but others may share (names, chosen credentials): scrubbed, never searched by."""
    held = [candidate.fullname, candidate.first_name, candidate.last_name, candidate.middle_name]
    held += [c for a in applications for c in (a.credential1, a.credential2)]
    return [m for m in held if m and len(m) >= 3]


def _blank_application(application: Application, ctx: Context) -> None:
    """Keep an application's bare facts (opening, dates, stage); drop whatever names or describes the person."""
    application.external_data, application.tags, application.extra_emails = {}, {}, []
    application.credential1 = application.credential2 = None
    application.external_id = application.uniq_id = application.uniq_key = application.invitation_code = None
    application.salary_expectations = application.callback = None
    application.attributes = {}
    application.deleted_at = application.deleted_at or ctx.now


@handles(c.GdprSweep)
def gdpr_sweep(uow: UnitOfWork, ctx: Context, cmd: c.GdprSweep) -> int:
    """Erase candidates whose GDPR expiry date has passed (run by the worker, as the system)."""
    expired = uow.candidates.expiring(cmd.today, limit=500)
    for candidate in expired:
        ctx.organization_id = candidate.organization_id
        erase_person(uow, ctx, candidate, "gdpr_expiry")
    return len(expired)
