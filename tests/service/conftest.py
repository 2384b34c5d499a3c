"""The fast layer: commands through the bus over the in-memory database, outcomes read back from it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pytest

import candidly.service.handlers  # noqa: F401 - registers every handler with the bus
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.errors import DomainError
from candidly.domain.events import Event
from candidly.domain.openings import Opening
from candidly.domain.people import Candidate
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.service.bus import MessageBus
from candidly.storage.memory import InMemoryDatabase, InMemoryUnitOfWork
from tests.helpers import FakeClock

OPERATOR = Actor(Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True))


@dataclass
class Service:
    """One organization on an in-memory database, and a key of it holding every scope."""

    database: InMemoryDatabase
    bus: MessageBus
    clock: FakeClock
    org: str
    key_id: str

    def actor(self, *scopes: str, key_id: str | None = None) -> Actor:
        """A key of the organization holding ``scopes`` (all of them when none are named)."""
        held = frozenset(scopes) if scopes else ALL_SCOPES
        return Actor(Principal(key_id=key_id or self.key_id, organization_ids=(self.org,), scopes=held))

    def run(self, command: Any, actor: Actor | None = None, org: str | None = None) -> Any:
        return self.bus.execute(command, actor or self.actor(), self.org if org is None else org)

    @contextmanager
    def read(self) -> Iterator[InMemoryUnitOfWork]:
        with self.database.unit_of_work(write=False) as uow:
            yield cast(InMemoryUnitOfWork, uow)

    def events(self, type_: str | None = None) -> list[Event]:
        """The committed event log (the outbox), oldest first; only events of ``type_`` when given."""
        with self.read() as uow:
            return [e for e in uow.events.every() if type_ is None or e.type == type_]

    def tables(self) -> dict[str, dict[Any, Any]]:
        """Every committed row: equal before and after means nothing was written."""
        return {name: dict(rows) for name, rows in self.database.tables.items()}

    @contextmanager
    def refuses(self, error: type[DomainError], says: str = "", **attrs: Any) -> Iterator[None]:
        """The block raises ``error`` (with these attributes, its message saying ``says``) and commits nothing."""
        before = self.tables()
        with pytest.raises(error) as raised:
            yield
        assert says in raised.value.message, raised.value.message
        for name, value in attrs.items():
            assert getattr(raised.value, name) == value, (name, raised.value)
        assert self.tables() == before

    # Builders, through the commands a client would send.

    def opening(self, **fields: Any) -> Opening:
        command = c.CreateOpening(**{**SAMPLE_OPENING, **fields})
        return cast(Opening, self.run(command))

    def candidate(self, **fields: Any) -> Candidate:
        return cast(
            Candidate,
            self.run(
                c.CreateCandidate(
                    fields=cast(c.CandidateChanges, {"first_name": "Ada", "email": "ada@example.com", **fields})
                )
            ),
        )

    def application(self, opening: Opening, **command: Any) -> Application:
        person = command.pop("candidate", {"first_name": "Ada", "email": "ada@example.com"})
        return cast(Application, self.run(c.CreateApplication(opening_id=opening.id, candidate=person, **command)))


SAMPLE_OPENING: dict[str, Any] = {
    "kind": "task",
    "name": "Backend assessment",
    "steps": (
        c.StepSpec(
            name="Coding test",
            key="s1",
            attempt_limit=1,
            active_before=datetime(2030, 1, 1, tzinfo=UTC),
            launch_url="https://tests.example/coding",
        ),
        c.StepSpec(name="Personality", key="s2"),
    ),
    "programs": (c.ProgramSpec(name="Fast track", step_keys=("s1",)),),
    "email_templates": (c.TemplateSpec(name="invite", subject="Hi", body="Your code: {{ invitation_code }}"),),
}


@pytest.fixture
def service(clock: FakeClock) -> Service:
    database = InMemoryDatabase()
    bus = MessageBus(database, clock)
    org, issued = bus.execute(c.CreateOrganization("Acme"), OPERATOR)
    return Service(database=database, bus=bus, clock=clock, org=org.id, key_id=issued.key.id)
