"""PostgreSQL: a command that took a candidate number or changed an opening's count holds back no other command,
and what is written with the COMMIT (counts, events) is there for whatever the command runs after it is noted.

Two SqlDatabase objects over one database are two server processes (nodes). Every connection gives up waiting
for a lock after a while (``lock_timeout``), so a command that would wait on another one still open in this same
thread fails instead of hanging: before numbers came in blocks, the second command below waited for the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event

from candidly.domain.events import Event
from candidly.domain.ids import new_id
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.service.ports import UnitOfWork
from candidly.storage.engine import make_engine
from candidly.storage.numbers import BLOCK
from candidly.storage.uow import SqlDatabase

pytestmark = pytest.mark.postgres

ORG, OPENING = "org_numbers", "opening_numbers"
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _give_up_waiting(engine: Engine) -> Engine:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("SET lock_timeout = '10s'")
        dbapi_connection.commit()

    return engine


@pytest.fixture
def nodes(pg_cluster: Any, pg_database: str) -> Iterator[tuple[SqlDatabase, SqlDatabase]]:
    """The database emptied, with one organization and one opening, behind two nodes."""
    pg_cluster.empty(pg_database.rsplit("/", 1)[1])
    engines = [_give_up_waiting(make_engine(pg_database)) for _ in range(2)]
    first, second = SqlDatabase(engines[0]), SqlDatabase(engines[1])
    with first.unit_of_work(write=True) as uow:
        add_organization(uow, ORG)
        uow.openings.add(
            Opening(id=OPENING, organization_id=ORG, kind="task", name="Coding", created_at=NOW, updated_at=NOW)
        )
        uow.commit()
    yield first, second
    for engine in engines:
        engine.dispose()


def add_organization(uow: UnitOfWork, name: str) -> None:
    uow.organizations.add(Organization(id=name, name=name, created_at=NOW))


def count(database: SqlDatabase) -> int:
    with database.unit_of_work(write=False) as uow:
        opening = uow.openings.get(ORG, OPENING)
        assert opening is not None
        return opening.application_count


def test_a_command_still_open_holds_back_no_other_in_its_organization_or_opening(
    nodes: tuple[SqlDatabase, SqlDatabase],
) -> None:
    a, b = nodes
    with a.unit_of_work(write=True) as first:
        taken_first = first.organizations.next_candidate_seq(ORG)
        first.openings.add_counts(ORG, OPENING, 1)
        stored = first.openings.get(ORG, OPENING)
        assert stored is not None and stored.application_count == 1  # the command sees its own change
        with b.unit_of_work(write=True) as second:  # another node's, while the first is open: no waiting
            taken_second = second.organizations.next_candidate_seq(ORG)
            second.openings.add_counts(ORG, OPENING, 1)
            second.commit()
        assert count(b) == 1  # the second's; the first has not committed
        first.commit()
    assert count(a) == 2
    assert taken_first != taken_second


def test_nodes_never_hand_out_a_number_twice(nodes: tuple[SqlDatabase, SqlDatabase]) -> None:
    taken: list[int] = []
    for i in range(3 * BLOCK):
        with nodes[i % 2].unit_of_work(write=True) as uow:
            taken.append(uow.organizations.next_candidate_seq(ORG, 1 + i % 3))
            if i % 5:
                uow.commit()  # every fifth rolls back: its numbers go back to its node, to be handed out again
    with nodes[0].unit_of_work(write=True) as uow:
        taken.append(uow.organizations.next_candidate_seq(ORG, 2 * BLOCK))  # more than a block at once
        uow.commit()
    counts = [1 + i % 3 for i in range(3 * BLOCK)] + [2 * BLOCK]
    committed = [range(first, first + n) for i, (first, n) in enumerate(zip(taken, counts, strict=True)) if i % 5]
    numbers = [number for block in committed for number in block]
    assert len(numbers) == len(set(numbers))


def test_an_organization_created_in_the_same_command_numbers_from_its_transaction(
    nodes: tuple[SqlDatabase, SqlDatabase],
) -> None:
    a, _ = nodes
    with a.unit_of_work(write=True) as uow:
        add_organization(uow, "org_new")
        assert uow.organizations.next_candidate_seq("org_new") == 1  # no block: the row is not committed yet
        uow.commit()
    with a.unit_of_work(write=True) as uow:
        assert uow.organizations.next_candidate_seq("org_new") == 2  # blocks start after what was taken


def test_events_appended_are_there_for_the_statements_after_them_and_go_with_a_rollback(
    nodes: tuple[SqlDatabase, SqlDatabase],
) -> None:
    a, _ = nodes
    event = Event(
        id=new_id(), organization_id=ORG, type="candidate.created", subject_type="candidate", subject_id="c1",
        candidate_id="c1", actor={"kind": "test"}, changes={}, data={}, occurred_at=NOW,
    )  # fmt: skip
    with a.unit_of_work(write=True) as uow:
        uow.events.append([event])
        assert [e.id for e in uow.events.for_candidate(ORG, "c1")] == [event.id]  # written before this read
    with a.unit_of_work(write=True) as uow:
        assert uow.events.for_candidate(ORG, "c1") == []  # rolled back with its unit of work
        uow.events.append([event])
        uow.commit()  # written in the COMMIT's round trip
    with a.unit_of_work(write=False) as uow:
        assert [e.id for e in uow.events.for_candidate(ORG, "c1")] == [event.id]
