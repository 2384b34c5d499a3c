"""Who a request acts as, bound once per request: the one caller type every surface hands its routes.

A ``Caller`` knows the principal, the organization it acts in and the actor the event log records (the
surface's name), and reaches the database only through the ``DatabaseExecutor`` (and, for commands on SQLite,
the ``GroupWriter``): each method is one awaitable that runs one unit of work on a database thread, so an
``async def`` route never blocks the event loop and a request never opens a second transaction.

    view = await who.read(lambda r: r.application(application_id))          # one read-only transaction
    body = await who.execute(cmd, answer=lambda r, app: render(app, r.effective_steps(app)))  # one write

No HTTP here: each surface binds a Caller in one dependency (``dialects.base.caller_dependency``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar, overload

from candidly.domain.principals import Actor, Principal
from candidly.service.bus import MessageBus
from candidly.service.executor import DatabaseExecutor
from candidly.service.group_commit import GroupWriter
from candidly.service.ports import Database, UnitOfWork
from candidly.service.reader import Reader

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Backend:
    """What a caller's work runs on: the bus for commands, the database for reads, the executor reaching both,
    and on SQLite the group writer that commits the commands arriving together in one transaction."""

    bus: MessageBus
    database: Database
    executor: DatabaseExecutor
    writer: GroupWriter | None = None  # SQLite's group commit; None runs each command alone on the executor


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    organization_id: str
    actor: Actor
    backend: Backend

    async def read(self, fn: Callable[[Reader], T]) -> T:
        """``fn(reader)`` in one read-only transaction on a database thread: every read of a request, at once."""
        return await self.backend.executor.run(lambda: self._read_now(fn))

    def _read_now(self, fn: Callable[[Reader], T]) -> T:
        with self.backend.database.unit_of_work(write=False) as uow:
            return fn(self.reader(uow))

    @overload
    async def execute(self, command: Any) -> Any: ...
    @overload
    async def execute(self, command: Any, answer: Callable[[Reader, Any], T]) -> T: ...

    async def execute(self, command: Any, answer: Callable[[Reader, Any], Any] | None = None) -> Any:
        """Run ``command`` as this caller; with ``answer``, return ``answer(reader, result)``, read inside the
        command's transaction (no second transaction to re-read what it wrote)."""
        in_uow = None if answer is None else (lambda uow, result: answer(self.reader(uow), result))
        bus, actor, org = self.backend.bus, self.actor, self.organization_id
        if self.backend.writer is not None:
            return await self.backend.writer.submit(command, actor, org, in_uow)
        return await self.backend.executor.run(lambda: bus.execute(command, actor, org, answer=in_uow))

    def acting_as(self, kind: str, name: str | None, email: str | None) -> Caller:
        """The same caller, recording someone the client names as the actor of its changes (Comeet's updated_by)."""
        return replace(self, actor=replace(self.actor, type=kind, name=name, email=email))

    def reader(self, uow: UnitOfWork) -> Reader:
        return Reader(uow, self.principal, self.organization_id)
