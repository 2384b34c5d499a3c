"""The message bus: runs each command's handler in one unit of work and commits its events, and the deliveries
they cause, with it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, overload

from candidly.domain.commands import Command, R
from candidly.domain.deliveries import Delivery
from candidly.domain.errors import Conflict, StaleVersion
from candidly.domain.ids import Clock
from candidly.domain.principals import Actor, Scope
from candidly.service.context import Context
from candidly.service.idempotency import IdempotencyClaim, settle_claim
from candidly.service.ports import Database, UnitOfWork

C = TypeVar("C", bound=Command[Any])
A = TypeVar("A")
T = TypeVar("T")
Handler = Callable[[UnitOfWork, Context, Any], Any]
# The deliveries (emails, callbacks, webhooks) the events a command recorded in its context cause, built in its
# unit of work: the delivery layer's fan-out, wired in bootstrap (the service layer knows no delivery).
FanOutStep = Callable[[UnitOfWork, Context], Sequence[Delivery]]

# Filled by candidly.service.handlers: command type -> handler.
HANDLERS: dict[type[Command[Any]], Handler] = {}
# Command type -> the scope needed to see what its handler returns (the record it wrote, personal data).
ANSWER_SCOPES: dict[type[Command[Any]], Scope] = {}


def handles(
    command_type: type[Command[R]], *, answers_with: Scope | None = None
) -> Callable[[Callable[[UnitOfWork, Context, C], R]], Callable[[UnitOfWork, Context, C], R]]:
    """Register the decorated function as the handler of ``command_type``.

    The handler must return the command's ``R`` (mypy checks it); that it takes the command it is registered for
    is checked by tests/service/test_bus_registry.py, which the type system cannot express.

    ``answers_with`` is the scope a caller must hold to be handed the handler's result. The bus checks it after
    the handler (so a key missing the write scope is told that one first) and before the commit: a key that may
    write but not read gets a 403 and changes nothing, rather than its change saved and then either the record
    shown (more than its scopes allow) or a 403 after the fact.
    """

    def register(fn: Callable[[UnitOfWork, Context, C], R]) -> Callable[[UnitOfWork, Context, C], R]:
        HANDLERS[command_type] = fn
        if answers_with is not None:
            ANSWER_SCOPES[command_type] = answers_with
        return fn

    return register


class RetryableConflict(Exception):
    """Raised by a repository write that lost an optimistic race; the bus replays the command."""


class ShuttingDown(Exception):
    """The bus was closed (the server's shutdown grace period ran out): the command's change was rolled back."""


class MessageBus:
    """Executes commands. A command without If-Match that loses a race is replayed on fresh state.

    On PostgreSQL every writer of a busy row but one loses each round, and the losers would meet again at once:
    a random pause, doubling up to a cap, spreads them out. One that still loses after all attempts is told to
    send again (a Conflict), not answered with a server error. On SQLite writers take turns and never lose.
    """

    ATTEMPTS = 30
    FIRST_PAUSE_SECONDS = 0.002
    MAX_PAUSE_SECONDS = 0.05

    def __init__(self, database: Database, clock: Clock, fan_out: FanOutStep | None = None) -> None:
        self.database = database
        self.clock = clock
        # None: events wait in the outbox for the delivery worker's fan-out (a bus built without delivery, tests).
        self.fan_out = fan_out
        self.closed = False

    def open(self) -> None:
        self.closed = False

    def close(self) -> None:
        """Refuse every commit until ``open``: a request the server stopped waiting for must not write afterwards."""
        self.closed = True

    @overload
    def execute(self, command: Command[R], actor: Actor, organization_id: str = "", answer: None = None) -> R: ...

    @overload
    def execute(
        self, command: Command[R], actor: Actor, organization_id: str, answer: Callable[[UnitOfWork, R], A]
    ) -> A: ...

    def execute(
        self,
        command: Command[Any],
        actor: Actor,
        organization_id: str = "",
        answer: Callable[[UnitOfWork, Any], Any] | None = None,
    ) -> Any:
        """Run ``command``; return ``answer(uow, result)`` when given, else the handler's result.

        ``answer`` runs in the command's own transaction, after the handler and the answer-scope check and before
        the commit: what the response shows (the record with what it joins) is read without a second transaction,
        and an answer that fails rolls the change back. It is replayed with the command on a lost race.
        """
        return self.replaying(lambda: self._run_once(command, actor, organization_id, answer))

    def replaying(self, run: Callable[[], T]) -> T:
        """``run()``, replayed while it loses an optimistic race (RetryableConflict), then a Conflict."""
        for attempt in range(self.ATTEMPTS):
            try:
                return run()
            except RetryableConflict:
                pause = min(self.MAX_PAUSE_SECONDS, self.FIRST_PAUSE_SECONDS * 2**attempt)
                time.sleep(random.uniform(0, pause))  # noqa: S311 -- jitter, not a secret
        raise Conflict("the resource kept changing while this request ran; send it again")

    def _run_once(
        self,
        command: Command[Any],
        actor: Actor,
        organization_id: str,
        answer: Callable[[UnitOfWork, Any], Any] | None,
    ) -> Any:
        with self.database.unit_of_work(write=True) as uow:
            result, claim = self.run_in(uow, command, actor, organization_id, answer)
            uow.commit()
        if claim is not None:
            claim.settled = True
        return result

    def run_in(
        self,
        uow: UnitOfWork,
        command: Command[Any],
        actor: Actor,
        organization_id: str,
        answer: Callable[[UnitOfWork, Any], Any] | None,
    ) -> tuple[Any, IdempotencyClaim | None]:
        """Everything a command does inside an open unit of work, short of the commit: the handler, the
        answer-scope check, the answer, the events and their deliveries, the Idempotency-Key claim and the shutdown
        check.

        Returns the answer (or the handler's result) and the claim to mark settled once the commit succeeds.
        Both ``_run_once`` (its own transaction) and the group writer (a savepoint in a shared one) use it.
        """
        ctx = Context(actor=actor, organization_id=organization_id, now=self.clock.now())
        result = HANDLERS[type(command)](uow, ctx, command)
        if (shown := ANSWER_SCOPES.get(type(command))) is not None:
            actor.principal.require(shown)  # raised inside the unit of work: the change rolls back
        if answer is not None:
            result = answer(uow, result)
        self._log(uow, ctx)
        # The request's Idempotency-Key is recorded with the change it answers: both commit, or neither.
        claim = settle_claim(uow.idempotency, command)
        if self.closed:
            raise ShuttingDown("the server is shutting down; the change was not made")
        return result, claim

    def _log(self, uow: UnitOfWork, ctx: Context) -> None:
        """Append the command's events to the outbox, and with a fan-out step their deliveries too, marked
        published: they commit (or roll back) with the change, and the worker only sends them."""
        if self.fan_out is None or not ctx.events:
            uow.events.append(ctx.events)
            return
        uow.events.append(ctx.events, published_at=ctx.now)
        uow.deliveries.add_many(self.fan_out(uow, ctx))


def save_versioned(repo: Any, entity: Any, kind: str, loaded_version: int, if_version: int | None) -> None:
    """Write a changed entity under optimistic locking.

    With If-Match the caller's version must be current (else StaleVersion, a 412). Without it, a
    concurrent change between our read and write makes the bus replay the command on fresh state,
    so no acknowledged update is ever overwritten by a stale copy.
    """
    if if_version is not None and if_version != loaded_version:
        raise StaleVersion(kind, entity.id, loaded_version)
    if not repo.update(entity, loaded_version):
        raise RetryableConflict(kind)
