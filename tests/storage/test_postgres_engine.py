"""PostgreSQL's engine: read units of work run without a transaction; a write after one is still all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import func, insert, select

from candidly.service.ports import UnitOfWork
from candidly.storage import tables as t
from candidly.storage.engine import make_engine
from candidly.storage.uow import SqlDatabase, SqlUnitOfWork

pytestmark = pytest.mark.postgres


@pytest.fixture
def one_connection(pg_cluster: Any, pg_database: str) -> Iterator[SqlDatabase]:
    """The database emptied, behind a pool of one connection: every unit of work reuses the one before it."""
    pg_cluster.empty(pg_database.rsplit("/", 1)[1])
    engine = make_engine(pg_database, pool_size=1)  # one at a time, so every checkout gets the pooled one back
    yield SqlDatabase(engine)
    engine.dispose()


def organizations(database: SqlDatabase) -> int:
    with database.unit_of_work(write=False) as uow:
        return int(
            cast(SqlUnitOfWork, uow).conn.execute(select(func.count()).select_from(t.organizations)).scalar_one()
        )


def add_organization(uow: UnitOfWork, name: str) -> None:
    row = {"id": name, "name": name, "created_at": datetime.now(UTC), "candidate_seq": 0, "metadata": {}}
    cast(SqlUnitOfWork, uow).conn.execute(insert(t.organizations).values(row))


def test_a_write_after_a_read_on_the_same_connection_is_still_all_or_nothing(one_connection: SqlDatabase) -> None:
    assert organizations(one_connection) == 0  # the one connection has just served a read
    with pytest.raises(RuntimeError), one_connection.unit_of_work(write=True) as uow:
        add_organization(uow, "org_1")
        raise RuntimeError("the command fails after its first statement")
    assert organizations(one_connection) == 0
    with one_connection.unit_of_work(write=True) as uow:
        add_organization(uow, "org_2")
        uow.commit()
    assert organizations(one_connection) == 1
