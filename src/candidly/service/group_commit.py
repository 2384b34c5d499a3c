"""Group commit on SQLite: the commands that arrive together share one transaction and one COMMIT.

SQLite has one writer. Taking turns command by command, each writer held the write lock for its whole command
while sharing the GIL with the other database threads and the event loop, and paid its own COMMIT: create and
update queued on the lock with the server using less than one core (docs/performance.md). Here one thread, the
group writer, drains a queue: it takes the first command, waits for this process's write lock (other writers --
the delivery worker, outbox claims, ``database.connection(write=True)``, the CLI, erasure -- keep taking turns
with it), then takes whatever else queued meanwhile (at most ``MAX_BATCH``) and runs them in ONE transaction:

    BEGIN IMMEDIATE
      SAVEPOINT  command 1  (handler, answer-scope check, answer, events, Idempotency-Key claim, shutdown check)
      RELEASE
      SAVEPOINT  command 2  ... raises -> ROLLBACK TO: command 2 leaves nothing, the others go on
      ...
    COMMIT   -> only now is each client answered, and each claim marked settled

Each command runs in its own request's contextvars context (its Idempotency-Key claim), through the same
``MessageBus.run_in`` as ``MessageBus.execute``. A failing command is answered its own error; when the COMMIT
fails, every command that had succeeded is answered that error, so nothing is acknowledged that was not kept. When
undoing a savepoint fails (SQLite ended the whole transaction: a full disk, an I/O error), the commands already
run are answered the database's error and the ones not run yet go on in a new transaction.

A command is handed over from the event loop without blocking it (``submit`` queues it and returns an asyncio
future, resolved through ``call_soon_threadsafe``). A request cancelled before its command starts is skipped. The
thread starts with the first command (or the app), and ``stop`` runs what was queued and ends it; the app stops
it after closing the bus, so what it still runs then is refused (``ShuttingDown``) and writes nothing.
PostgreSQL and the in-memory database keep ``MessageBus.execute`` on the executor (``Backend.writer`` is None).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from queue import Empty, SimpleQueue
from typing import Any

from candidly.domain.commands import Command
from candidly.domain.principals import Actor
from candidly.service.bus import MessageBus
from candidly.service.idempotency import IdempotencyClaim
from candidly.service.ports import BatchDatabase, SavepointUnitOfWork, TransactionLost, UnitOfWork

Answer = Callable[[UnitOfWork, Any], Any]
log = logging.getLogger("candidly.service")


class WriterLost(RuntimeError):
    """The group writer's thread ended in the middle of a batch: that batch was rolled back, nothing of it kept."""


@dataclass(slots=True)
class _Job:
    """One command on its way through the group writer, and how it ended."""

    command: Command[Any]
    actor: Actor
    organization_id: str
    answer: Answer | None
    context: contextvars.Context  # the request's: its Idempotency-Key claim
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    result: Any = None
    claim: IdempotencyClaim | None = None
    error: BaseException | None = None
    skipped: bool = False  # its request was cancelled before it ran

    def fail(self, error: BaseException) -> None:
        """Answer ``error`` unless the command already failed on its own (its own error stays the truer one)."""
        if self.error is None:
            self.error, self.claim = error, None


class GroupWriter:
    """One thread that commits the commands queued together in one SQLite transaction, a savepoint each."""

    MAX_BATCH = 64  # bounds how long the first command of a batch waits for the last one's work

    def __init__(self, bus: MessageBus, database: BatchDatabase) -> None:
        self.bus = bus
        self.database = database
        self._guard = threading.Lock()  # the queue and its thread change together
        self._queue: SimpleQueue[_Job | None] = SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._guard:
            self._ensure_thread()

    def submit(
        self, command: Command[Any], actor: Actor, organization_id: str, answer: Answer | None
    ) -> asyncio.Future[Any]:
        """Queue ``command`` (from the event loop, without blocking it); the future holds its answer or error once
        the transaction that holds its change committed."""
        loop = asyncio.get_running_loop()
        job = _Job(command, actor, organization_id, answer, contextvars.copy_context(), loop, loop.create_future())
        with self._guard:
            self._queue.put(job)
            self._ensure_thread()
        return job.future

    def stop(self, timeout: float | None = None) -> None:
        """Run what is queued, then end the thread (waiting at most ``timeout``). A later command starts a new one."""
        with self._guard:
            queue, thread = self._queue, self._thread
            self._queue, self._thread = SimpleQueue(), None
        if thread is not None:
            queue.put(None)
            thread.join(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._serve, args=(self._queue,), name="candidly-group-writer", daemon=True
            )
            self._thread.start()

    def _serve(self, queue: SimpleQueue[_Job | None]) -> None:
        """Run batches until the queue's end mark (``stop`` puts it last in this thread's queue)."""
        jobs: list[_Job] = []
        try:
            self._drain(queue, jobs)
        except BaseException as death:  # not an Exception (those end one command or one batch): this thread ends
            log.critical("the group writer's thread stopped; a new one takes over", exc_info=death)
            self._replace(queue, jobs, death)

    def _replace(self, queue: SimpleQueue[_Job | None], jobs: list[_Job], death: BaseException) -> None:
        """Answer the batch this thread was running an error (its transaction was rolled back on the way out), and
        hand the queue to a new thread, so no client waits for an answer that would never come."""
        lost = WriterLost(f"the database writer stopped ({death!r}); the change was not kept")
        for job in jobs:
            job.fail(lost)  # a job skipped (its request cancelled) stays unanswered: nobody waits for it
        _answer(jobs)
        with self._guard:
            if self._queue is queue:  # not stopped meanwhile: what is queued still gets its turn
                self._thread = None
                self._ensure_thread()

    def _drain(self, queue: SimpleQueue[_Job | None], jobs: list[_Job]) -> None:
        """Run batches from ``queue``; ``jobs`` is the batch under way (read by ``_replace`` if this thread dies)."""
        ended = False
        while jobs or not ended:
            if not jobs:
                first = queue.get()
                if first is None:
                    return
                jobs.append(first)

            def gather(batch: list[_Job]) -> None:
                nonlocal ended
                ended = ended or _take(queue, batch, self.MAX_BATCH)

            left = self._run_batch(jobs, gather)
            _answer(jobs[: len(jobs) - len(left)])
            jobs[:] = left

    def _run_batch(self, jobs: list[_Job], gather: Callable[[list[_Job]], None]) -> list[_Job]:
        """Run ``jobs`` (and what ``gather`` adds to them once the write lock is held) in one transaction, one savepoint
        each, and commit once; each job ends with its result or its error. Returns the jobs left unrun because
        SQLite ended the transaction before their turn: they go on in the next one."""
        ran = 0
        try:
            with self.database.write_batch() as uow:
                gather(jobs)  # what queued while this thread waited for the lock joins the batch
                for job in jobs:
                    ran += 1
                    self._run_one(uow, job)
                uow.commit()
        except TransactionLost as lost:
            cause = lost.__cause__ or lost
            for job in jobs[:ran]:
                job.fail(cause)
            return jobs[ran:]
        except Exception as error:  # BEGIN or COMMIT failed: nothing of the batch was kept
            for job in jobs:
                job.fail(error)
        return []

    def _run_one(self, uow: SavepointUnitOfWork, job: _Job) -> None:
        if job.future.cancelled():  # read across threads: at worst a cancelled request's command still runs
            job.skipped = True
            return
        try:
            job.result, job.claim = job.context.run(self.bus.replaying, lambda: self._in_savepoint(uow, job))
        except TransactionLost:
            raise
        except Exception as error:
            job.error = error

    def _in_savepoint(self, uow: SavepointUnitOfWork, job: _Job) -> tuple[Any, IdempotencyClaim | None]:
        with uow.savepoint():
            return self.bus.run_in(uow, job.command, job.actor, job.organization_id, job.answer)


def _take(queue: SimpleQueue[_Job | None], jobs: list[_Job], cap: int) -> bool:
    """Move what is queued into ``jobs`` up to ``cap``; True when the queue's end mark was reached."""
    while len(jobs) < cap:
        try:
            job = queue.get_nowait()
        except Empty:
            return False
        if job is None:
            return True
        jobs.append(job)
    return False


def _answer(jobs: list[_Job]) -> None:
    """Hand each job's outcome to its request's event loop; a claim is settled only now, after the COMMIT."""
    for job in jobs:
        if job.skipped:
            continue
        if job.error is None and job.claim is not None:
            job.claim.settled = True
        try:
            job.loop.call_soon_threadsafe(_resolve, job)
        except RuntimeError:  # the loop is closed: nobody is waiting for this answer any more
            continue


def _resolve(job: _Job) -> None:
    if job.future.done():  # the request was cancelled while its command ran
        return
    if job.error is not None:
        job.future.set_exception(job.error)
    else:
        job.future.set_result(job.result)
