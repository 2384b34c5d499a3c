"""Composition root: build every service from Settings. Nothing here runs at import time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from candidly.delivery.capture import CapturingSender
from candidly.delivery.senders import Sender
from candidly.delivery.worker import Worker
from candidly.dialects.testinvite.instances import render_test_instance
from candidly.domain.commands import GdprSweep
from candidly.domain.ids import Clock, SteerableClock, SystemClock
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.service import handlers  # noqa: F401 - registers every command handler with the bus
from candidly.service.auth import Authenticator
from candidly.service.bus import MessageBus
from candidly.service.caller import Backend
from candidly.service.executor import POSTGRES_THREADS, SQLITE_THREADS, DatabaseExecutor
from candidly.service.group_commit import GroupWriter
from candidly.settings import Settings
from candidly.storage.engine import make_engine
from candidly.storage.idempotency import SqlIdempotencyStore
from candidly.storage.marker import claim_mode
from candidly.storage.migrate import upgrade
from candidly.storage.secrets import open_box
from candidly.storage.uow import SqlDatabase, sqlite_path


@dataclass(frozen=True, slots=True)
class Services:
    """What the surfaces and the worker are given: they never build their own."""

    settings: Settings
    clock: Clock
    database: SqlDatabase
    bus: MessageBus
    auth: Authenticator
    backend: Backend  # the bus, the database and the executor every request's Caller runs on
    # Test mode only: where the worker's sends go instead of the network (web/test_mode.py reads it).
    outbox: CapturingSender | None = None


def build_services(settings: Settings, clock: Clock | None = None, *, migrate: bool = True) -> Services:
    """Connect to the database (applying migrations unless told not to) and wire the services.

    Raises ``TestModeRefused`` when test mode is asked for on a database that holds non-test data.
    """
    # On PostgreSQL a pooled connection for each thread of the request executor (built below).
    engine = make_engine(settings.database_url, pool_size=settings.database_threads or POSTGRES_THREADS)
    if migrate:
        upgrade(engine)
    box = open_box(engine, settings.secret_key, settings.secret_key_previous, sqlite_path(settings.database_url))
    database = SqlDatabase(engine, box)
    clock = clock or (SteerableClock() if settings.test_mode else SystemClock())
    try:
        claim_mode(database, test_mode=settings.test_mode, now=clock.now())
    except Exception:
        engine.dispose()
        raise
    bus = MessageBus(database, clock)
    threads = settings.database_threads
    if threads is None:
        threads = SQLITE_THREADS if database.is_sqlite else POSTGRES_THREADS
    writer = GroupWriter(bus, database) if database.is_sqlite and settings.group_commit else None
    return Services(
        settings=settings,
        clock=clock,
        database=database,
        bus=bus,
        backend=Backend(bus, database, DatabaseExecutor(threads), writer),
        auth=Authenticator(database, settings.admin_token),
        outbox=CapturingSender(clock) if settings.test_mode else None,
    )


def build_worker(services: Services, sender: Sender | None = None) -> Worker:
    """The delivery worker over the same database and clock as the surfaces; ``sender`` replaces the network."""
    # Only TestInvite's surface accepts a ``callback``, so callbacks arrive in its test-instance shape.
    return Worker(
        services.database,
        services.clock,
        services.settings,
        callback_renderer=render_test_instance,
        housekeeping=(lambda: gdpr_sweep(services), lambda: forget_idempotency_keys(services)),
        sender=sender or services.outbox,
    )


SYSTEM = Actor(
    Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True), surface="worker", type="system"
)


def gdpr_sweep(services: Services) -> int:
    """Erase every candidate whose GDPR expiry date has passed, keeping a tombstone (batches of 500)."""
    erased = 0
    while count := services.bus.execute(GdprSweep(services.clock.now().date()), SYSTEM):
        erased += count
    return erased


def forget_idempotency_keys(services: Services) -> int:
    return SqlIdempotencyStore(services.database).purge(services.clock.now() - timedelta(hours=24))
