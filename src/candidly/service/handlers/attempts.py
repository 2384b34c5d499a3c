"""Attempts: start an application's attempt at a step within its rules, and complete it with a result."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.applications import Application, EffectiveStep, effective_steps
from candidly.domain.attempts import COMPLETE, STARTED, Attempt, clean_result
from candidly.domain.errors import NotAllowed, NotFound
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.openings import Opening
from candidly.domain.principals import Scope
from candidly.domain.values import json_object
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context
from candidly.service.handlers.applications import load_enterable
from candidly.service.handlers.openings import load_opening
from candidly.service.ports import UnitOfWork

# What a starter may say about an attempt (questions, language, a time, metadata): bounded like any client JSON.
SETTINGS_LIMITS = {"max_bytes": 64 * 1024, "max_depth": 6, "max_keys": 500}


def _startable_step(application: Application, opening: Opening, step_id: str, ctx: Context) -> EffectiveStep:
    """The step as it applies to ``application``, if an attempt may start now; else why not."""
    if opening.step(step_id) is None:
        raise NotFound("step", step_id, field="step_id")
    step = next((s for s in effective_steps(application, opening) if s.step_id == step_id), None)
    if step is None:
        raise NotAllowed("the step is not in the candidate's programs", field="step_id")
    if not step.open_at(ctx.now):
        raise NotAllowed("the step is not active or outside its window", field="step_id")
    return step


@handles(c.StartAttempt, answers_with=Scope.READ_CANDIDATES)
def start_session(uow: UnitOfWork, ctx: Context, cmd: c.StartAttempt) -> Attempt:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    application = load_enterable(uow, ctx, cmd.application_id)
    opening = load_opening(uow, ctx, application.opening_id)
    step = _startable_step(application, opening, cmd.step_id, ctx)
    used = len(uow.attempts.find(ctx.organization_id, application_id=application.id, step_id=step.step_id))
    if step.attempts_left(used) == 0:
        raise NotAllowed(f"the step allows {step.attempt_limit} attempt(s) and all are used", field="step_id")
    session = Attempt(
        id=new_id(), organization_id=ctx.organization_id, application_id=application.id,
        candidate_id=application.candidate_id, opening_id=opening.id, step_id=step.step_id,
        attempt=used + 1, started_at=ctx.now, settings=json_object(cmd.settings, "settings", **SETTINGS_LIMITS),
    )  # fmt: skip
    uow.attempts.add(session)
    # Bumping the application's version serialises concurrent starts: the loser is replayed and
    # recounts its attempts, so two racing starts cannot both take the last attempt.
    loaded_version = application.version
    application.session_count += 1
    save_versioned(uow.applications, application, "application", loaded_version, None)
    ctx.record(
        EventType.SESSION_STARTED, "session", session.id, candidate_id=application.candidate_id,
        data={"application_id": application.id, "step_id": step.step_id, "attempt": session.attempt},
    )  # fmt: skip
    return session


def _record(ctx: Context, event: EventType, session: Attempt) -> None:
    ctx.record(
        event, "session", session.id, candidate_id=session.candidate_id,
        data={"application_id": session.application_id, "step_id": session.step_id, "attempt": session.attempt},
    )  # fmt: skip


def load_session(uow: UnitOfWork, ctx: Context, session_id: str) -> Attempt:
    session = uow.attempts.get(ctx.organization_id, session_id)
    if session is None or session.deleted_at is not None:
        raise NotFound("session", session_id)
    return session


@handles(c.DeleteAttempt)
def delete_session(uow: UnitOfWork, ctx: Context, cmd: c.DeleteAttempt) -> None:
    ctx.actor.principal.require(Scope.DELETE_CANDIDATES)
    session = load_session(uow, ctx, cmd.session_id)
    loaded_version = session.version
    session.deleted_at = ctx.now
    save_versioned(uow.attempts, session, "session", loaded_version, None)
    _record(ctx, EventType.SESSION_DELETED, session)


@handles(c.CompleteAttempt, answers_with=Scope.READ_CANDIDATES)
def complete_session(uow: UnitOfWork, ctx: Context, cmd: c.CompleteAttempt) -> Attempt:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    session = load_session(uow, ctx, cmd.session_id)
    if session.status != STARTED:
        raise NotAllowed("the session is already complete")
    loaded_version = session.version
    session.result = clean_result(cmd.result)
    session.status = COMPLETE
    session.completed_at = ctx.now
    save_versioned(uow.attempts, session, "session", loaded_version, None)
    _record(ctx, EventType.SESSION_COMPLETED, session)
    return session
