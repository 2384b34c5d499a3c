"""Composition root: build every service from Settings. Nothing here runs at import time."""

from __future__ import annotations

from dataclasses import dataclass

from candidly.delivery.worker import Worker
from candidly.dialects.testinvite.test_instances import render_test_instance
from candidly.domain.ids import Clock, SystemClock
from candidly.service import handlers  # noqa: F401 - registers every command handler with the bus
from candidly.service.auth import Authenticator
from candidly.service.bus import MessageBus
from candidly.service.queries import Queries
from candidly.settings import Settings
from candidly.storage.engine import make_engine
from candidly.storage.migrate import upgrade
from candidly.storage.uow import SqlDatabase


@dataclass(frozen=True, slots=True)
class Services:
    """What the surfaces and the worker are given: they never build their own."""

    settings: Settings
    clock: Clock
    database: SqlDatabase
    bus: MessageBus
    queries: Queries
    auth: Authenticator


def build_services(settings: Settings, clock: Clock | None = None, *, migrate: bool = True) -> Services:
    """Connect to the database (applying migrations unless told not to) and wire the services."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    database = SqlDatabase(engine)
    clock = clock or SystemClock()
    return Services(
        settings=settings,
        clock=clock,
        database=database,
        bus=MessageBus(database, clock),
        queries=Queries(database),
        auth=Authenticator(database, settings.admin_token),
    )


def build_worker(services: Services) -> Worker:
    """The delivery worker over the same database and clock as the surfaces."""
    # Only TestInvite's surface accepts a ``callback``, so callbacks arrive in its test-instance shape.
    return Worker(services.database, services.clock, services.settings, callback_renderer=render_test_instance)
