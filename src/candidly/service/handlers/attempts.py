"""Attempts: start an application's attempt at a step within its rules, and complete it with a result."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.attempts import Attempt
from candidly.domain.errors import live
from candidly.domain.events import EventType
from candidly.domain.principals import Scope
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context
from candidly.service.handlers.applications import load_application
from candidly.service.handlers.openings import load_opening
from candidly.service.ports import UnitOfWork


@handles(c.StartAttempt, answers_with=Scope.READ_CANDIDATES)
def start_session(uow: UnitOfWork, ctx: Context, cmd: c.StartAttempt) -> Attempt:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    application = load_application(uow, ctx, cmd.application_id)
    opening = load_opening(uow, ctx, application.opening_id)
    used = len(uow.attempts.find(ctx.organization_id, application_id=application.id, step_id=cmd.step_id))
    loaded_version = application.version
    session = application.start_attempt(opening, cmd.step_id, used, ctx.now, cmd.settings)
    uow.attempts.add(session)
    # Saving the application (its session count) bumps its version, which serialises concurrent starts: the
    # loser is replayed and recounts its attempts, so two racing starts cannot both take the last attempt.
    save_versioned(uow.applications, application, "application", loaded_version, None)
    _record(ctx, EventType.SESSION_STARTED, session)
    return session


def _record(ctx: Context, event: EventType, session: Attempt) -> None:
    ctx.record(
        event,
        "session",
        session.id,
        candidate_id=session.candidate_id,
        data={"application_id": session.application_id, "step_id": session.step_id, "attempt": session.attempt},
    )


def load_session(uow: UnitOfWork, ctx: Context, session_id: str) -> Attempt:
    return live(uow.attempts.get(ctx.organization_id, session_id), "session", session_id)


@handles(c.DeleteAttempt)
def delete_session(uow: UnitOfWork, ctx: Context, cmd: c.DeleteAttempt) -> None:
    ctx.actor.principal.require(Scope.DELETE_CANDIDATES)
    session = load_session(uow, ctx, cmd.session_id)
    loaded_version = session.version
    session.remove(ctx.now)
    save_versioned(uow.attempts, session, "session", loaded_version, None)
    _record(ctx, EventType.SESSION_DELETED, session)


@handles(c.CompleteAttempt, answers_with=Scope.READ_CANDIDATES)
def complete_session(uow: UnitOfWork, ctx: Context, cmd: c.CompleteAttempt) -> Attempt:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    session = load_session(uow, ctx, cmd.session_id)
    loaded_version = session.version
    session.complete(cmd.result, ctx.now)
    save_versioned(uow.attempts, session, "session", loaded_version, None)
    _record(ctx, EventType.SESSION_COMPLETED, session)
    return session
