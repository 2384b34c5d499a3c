"""The unit of work: one connection, one transaction, every repository bound to it."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, Engine, event, text

from candidly.domain.attempts import Attempt
from candidly.domain.people import User
from candidly.domain.status_maps import StatusMap
from candidly.service.ports import SavepointUnitOfWork, TransactionLost, UnitOfWork
from candidly.storage import tables as t
from candidly.storage.erasure import SqlErasure
from candidly.storage.idempotency import SqlIdempotencyLedger
from candidly.storage.migrate import is_at_head
from candidly.storage.numbers import NumberBlocks
from candidly.storage.outbox import SqlDeliveries, SqlWebhooks
from candidly.storage.repositories import (
    ApiKeyRepo,
    ApplicationRepo,
    CandidateRepo,
    OpeningRepo,
    OrganizationRepo,
    SqlBlobs,
    SqlEventLog,
    SqlRepository,
    take_numbers,
)
from candidly.storage.secrets import SecretBox


class SqlUnitOfWork:
    """Repositories over one transaction; nothing is kept unless ``commit()`` is called."""

    def __init__(self, conn: Connection, box: SecretBox, numbers: NumberBlocks | None = None) -> None:
        self.conn = conn
        self.organizations = OrganizationRepo(conn, numbers)
        self.api_keys = ApiKeyRepo(conn, box)
        self.users = SqlRepository(conn, t.users, User)
        # Where numbers come in blocks (PostgreSQL), counters and events are written at the COMMIT: see commit().
        self.openings = OpeningRepo(conn, defer_counts=numbers is not None)
        self.candidates = CandidateRepo(conn)
        self.applications = ApplicationRepo(conn)
        self.events = SqlEventLog(conn, defer=numbers is not None)
        self.blobs = SqlBlobs(conn)
        self.attempts = SqlRepository(conn, t.attempts, Attempt)
        self.status_maps = SqlRepository(conn, t.status_maps, StatusMap)
        self.webhooks = SqlWebhooks(conn, box)
        self.deliveries = SqlDeliveries(conn)
        self.erasure = SqlErasure(conn)
        self.idempotency = SqlIdempotencyLedger(conn)
        # Every repository that keeps the rows its command wrote (``SqlRepository._written``), found rather than
        # listed, so that one added later is forgotten at each savepoint's end too.
        self._repositories = [r for r in vars(self).values() if isinstance(r, SqlRepository)]
        self._committed = False
        self._commit_sent = False

    def commit(self) -> None:
        self._commit_sent = True
        if self.openings.pending_counts:
            self._commit_with_counts()
        else:
            self.events.flush()
            self.conn.commit()
        self._committed = True

    def _commit_with_counts(self) -> None:
        """The events, the openings' counter changes and the COMMIT sent together, in psycopg's pipeline (the
        errors of any of them raised by the commit, through SQLAlchemy, as any other commit's).

        Each counter UPDATE locks its opening's row until the COMMIT, which the server then runs at once, without
        waiting for this process (its next statement, the GIL): concurrent creates in one opening wait on the row
        only for the server's own commit. Leaving the pipeline costs a round trip of its own (a Sync), after the
        COMMIT: worth it where a row lock is at stake, not for the events alone.
        """
        driver = self.conn.connection.driver_connection  # a psycopg connection: deferring is PostgreSQL's
        assert driver is not None
        with driver.pipeline():
            self.events.flush()
            self.openings.apply_counts()
            self.conn.commit()

    def abandon(self) -> None:
        """Leave without committing: roll back, and free the candidate numbers taken (if no COMMIT was sent,
        the transaction cannot have committed, whatever the rollback meets)."""
        if not self._commit_sent:
            self.organizations.give_back()
        self.conn.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """SAVEPOINT ... RELEASE around the block, ROLLBACK TO when it raises (the group writer's, per command).

        Straight to the driver, as the engine's BEGIN is: SQLAlchemy's begin_nested() took about a fifth of a
        create's time in the writer (cProfile), and SQLAlchemy keeps no state about savepoints it did not open. A failing
        statement leaves SQLite's transaction open, so ROLLBACK TO undoes just this block; after the few errors
        on which SQLite rolls the whole transaction back itself (SQLITE_FULL, SQLITE_IOERR, ...) there is no
        savepoint left to roll back to, and TransactionLost says that nothing before it can commit either.
        """
        driver = self.conn.connection.driver_connection
        assert driver is not None  # a pooled connection always has its driver's
        driver.execute("SAVEPOINT command")
        try:
            yield
        except BaseException as error:
            try:
                driver.execute("ROLLBACK TO command")
                driver.execute("RELEASE command")
            except Exception:  # "no such savepoint": SQLite already rolled everything back because of ``error``
                raise TransactionLost("the transaction ended with this command's error") from error
            raise
        finally:
            self._forget_written()
        driver.execute("RELEASE command")

    def _forget_written(self) -> None:
        """The next command of the batch reads rows from the database, not as the last one wrote (or undid) them."""
        for repo in self._repositories:
            repo.forget()


# The unit of work's event log, in its connection's info while it is open.
_EVENT_LOG = "candidly_event_log"


def _write_events_first(conn: Connection, *_: object) -> None:
    """Before any statement of a unit of work, the events it appended and has not written (PostgreSQL defers them
    to the COMMIT): whatever runs after an append (a fan-out marking them published, a read) finds them there."""
    log = conn.info.get(_EVENT_LOG)
    if log is not None and log.pending:
        log.flush()


class SqlDatabase:
    """Hands out units of work. On SQLite, writers in this process take turns on a lock first.

    SQLite allows one writer at a time; queuing writers on a Python lock is cheaper and fairer than
    letting them spin on SQLITE_BUSY. Readers do not queue: in WAL mode they read a snapshot beside
    the writer (measured: serialising readers too halved read throughput).
    """

    def __init__(self, engine: Engine, box: SecretBox | None = None) -> None:
        self.engine = engine
        self.box = box or SecretBox(())  # no key: nothing sealed can be stored or read
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock() if self.is_sqlite else None
        # SQLite's writers take turns anyway: its numbers come from the counter in the writer's transaction.
        self._numbers = None if self.is_sqlite else NumberBlocks(partial(take_numbers, engine))
        if not self.is_sqlite and not event.contains(engine, "before_execute", _write_events_first):
            event.listen(engine, "before_execute", _write_events_first)

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[UnitOfWork]:
        if write and self._write_lock is not None:
            with self._write_lock, self._open(write=True) as uow:
                yield uow
        else:
            with self._open(write=write) as uow:
                yield uow

    @contextmanager
    def write_batch(self) -> Iterator[SavepointUnitOfWork]:
        """A write unit of work (after this process's other writers) whose commands each take a savepoint."""
        with self.unit_of_work(write=True) as uow:
            sql = cast(SqlUnitOfWork, uow)
            # BEGIN now, not with the first command: a BEGIN that fails is the batch's error, not one command's.
            sql.conn.begin()
            batch: SavepointUnitOfWork = sql  # the type checker proves the adapter fits the port
            yield batch

    @contextmanager
    def connection(self, *, write: bool) -> Iterator[Connection]:
        """A bare connection in a transaction, for storage-level bookkeeping outside the domain (committed on exit)."""
        with self.unit_of_work(write=write) as uow:
            conn = cast(SqlUnitOfWork, uow).conn
            yield conn
            uow.commit()

    @contextmanager
    def _open(self, *, write: bool) -> Iterator[UnitOfWork]:
        with self.engine.connect() as conn:
            # Both ways: on PostgreSQL an explicit read runs without a transaction (storage/engine.py).
            conn = conn.execution_options(candidly_write=write)
            uow: SqlUnitOfWork = SqlUnitOfWork(conn, self.box, self._numbers if write else None)
            checked: UnitOfWork = uow  # the type checker proves the adapter fits the port
            info = conn.info  # the pooled connection's: read now, while the connection is surely valid
            info[_EVENT_LOG] = uow.events
            try:
                yield checked
            finally:
                info.pop(_EVENT_LOG, None)
                if not uow._committed:
                    uow.abandon()

    def refresh_statistics(self, table_names: Iterable[str]) -> None:
        """Have the planner see rows a bulk load just wrote: ``VACUUM (ANALYZE)`` these tables (PostgreSQL).

        Until autovacuum's next pass PostgreSQL plans over the statistics of the tables as they were: InstaView's
        job-and-status total ran as a nested loop, 30-40 ms at 1,000 people in a job and 1.1-2.1 s at 6,000. With
        statistics it is a hash join (4.7-5.3 ms at 6,000), and with the visibility map VACUUM writes it reads the
        candidates from an index alone (2.2-2.7 ms). VACUUM reads only the pages not yet all-visible: about 5 % of
        an import of 50,000 into an opening. SQLite plans without statistics here, and ``ANALYZE`` changed neither
        its plan of that total nor its time (1,000 and 6,000 people): nothing is run there.
        """
        if self.is_sqlite:
            return
        tables = [t.metadata.tables[name] for name in table_names]  # only this schema's tables, named as created
        with self.engine.connect() as conn:
            # Outside a transaction (a read's connection has none, storage/engine.py): VACUUM refuses to run in one.
            conn = conn.execution_options(candidly_write=False)
            quote = conn.dialect.identifier_preparer.format_table
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(quote(table) for table in tables)}")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def at_head(self) -> bool:
        return is_at_head(self.engine)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, if any (used to report where the data lives)."""
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) and url != "sqlite:///:memory:" else None
