"""The port's implementations side by side: every contract test runs on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from candidly.domain.applications import Application
from candidly.domain.ids import new_id
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate
from candidly.service.ports import Database, UnitOfWork
from candidly.storage.engine import make_engine
from candidly.storage.memory import InMemoryDatabase
from candidly.storage.secrets import SecretBox
from candidly.storage.tables import metadata
from candidly.storage.uow import SqlDatabase
from tests.helpers import SECRET_KEY

T0 = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database behind the port: in memory, a SQLite file, or a new PostgreSQL database."""
    if request.param == "memory":
        yield InMemoryDatabase()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database(f"c{os.getpid()}_{uuid.uuid4().hex[:12]}")
    engine = make_engine(url)
    metadata.create_all(engine)  # the schema the migration makes (tests/storage checks they match), made faster
    yield SqlDatabase(engine, SecretBox([SECRET_KEY]))
    engine.dispose()


def write(database: Database, *entities: Any) -> None:
    """Add entities in one committed unit of work, each through its repository."""
    with database.unit_of_work(write=True) as uow:
        for entity in entities:
            repository(uow, entity).add(entity)
        uow.commit()


def repository(uow: UnitOfWork, entity: Any) -> Any:
    return {
        Organization: uow.organizations, Candidate: uow.candidates, Opening: uow.openings,
        Application: uow.applications,
    }[type(entity)]  # fmt: skip


@pytest.fixture
def org(database: Database) -> str:
    """An organization's id, with the organization stored."""
    organization = Organization(id=new_id(), name="Acme", created_at=T0)
    write(database, organization)
    return organization.id


def person(org: str, minutes: int = 0, **fields: Any) -> Candidate:
    """A candidate created ``minutes`` after T0 (sequence numbers and references made unique here)."""
    at = T0 + timedelta(minutes=minutes)
    return Candidate(
        id=new_id(), organization_id=org, seq=next(_seq), public_ref=new_id(), created_at=at, updated_at=at, **fields
    )


def opening(org: str, **fields: Any) -> Opening:
    return Opening(
        id=new_id(), organization_id=org, kind="task", name="Backend", created_at=T0, updated_at=T0, **fields
    )


def application(org: str, candidate: Candidate, job: Opening, **fields: Any) -> Application:
    return Application(
        id=new_id(), organization_id=org, candidate_id=candidate.id, opening_id=job.id, created_at=T0, updated_at=T0,
        **fields,
    )  # fmt: skip


_seq = iter(range(1, 1_000_000))
