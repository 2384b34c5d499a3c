"""The bus around every handler: Idempotency-Key claims settled with the change, and no commit after shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from candidly.domain import commands as c
from candidly.domain.errors import Conflict, InvalidField
from candidly.service.bus import ShuttingDown
from candidly.service.idempotency import CURRENT_CLAIM, IdempotencyClaim
from candidly.storage.idempotency import ANSWER_PENDING, WITHHELD
from tests.service.conftest import Service


@contextmanager
def claimed(service: Service, key: str) -> Iterator[IdempotencyClaim]:
    """A request carrying ``Idempotency-Key: key``, as the edge hands it to the bus."""
    claim = IdempotencyClaim(scope="digest", key=key, request_hash="h", at=service.clock.now())
    token = CURRENT_CLAIM.set(claim)
    try:
        yield claim
    finally:
        CURRENT_CLAIM.reset(token)


def test_a_key_is_recorded_with_the_change_and_a_second_request_with_it_changes_nothing(service: Service) -> None:
    with claimed(service, "k1") as claim:
        service.candidate()
        service.candidate(first_name="Bob")  # the request's second command: the key is already settled
    assert claim.settled and claim.keeps_answer
    with service.read() as uow:
        stored = uow.idempotency.stored("digest", "k1")
    assert stored is not None and stored.status_code == ANSWER_PENDING
    with claimed(service, "k1") as racing, service.refuses(Conflict, field="Idempotency-Key"):
        service.candidate(first_name="Cy")
    assert not racing.settled


def test_a_refused_request_leaves_its_key_free(service: Service) -> None:
    with claimed(service, "k2") as claim, service.refuses(InvalidField):
        service.candidate(email="broken")
    assert not claim.settled
    with claimed(service, "k2") as retry:
        service.candidate()
    assert retry.settled


def test_an_answer_holding_a_secret_is_never_kept(service: Service) -> None:
    with claimed(service, "k3") as claim:
        service.run(c.CreateWebhook("https://hooks.example/in", ("candidate.created",)))
    assert claim.settled and not claim.keeps_answer
    with service.read() as uow:
        stored = uow.idempotency.stored("digest", "k3")
    assert stored is not None and stored.status_code == WITHHELD


def test_a_closed_bus_commits_nothing_until_opened_again(service: Service) -> None:
    service.bus.close()
    before = service.tables()
    with pytest.raises(ShuttingDown):
        service.candidate()
    assert service.tables() == before
    service.bus.open()
    assert service.candidate().seq == 1


def test_every_command_has_handler_tests_here() -> None:
    """A new command gets its tests in this layer too: each command class is sent by some test of tests/service."""
    import dataclasses
    import inspect
    from pathlib import Path

    sources = "".join(p.read_text() for p in Path(__file__).parent.glob("*.py"))
    commands = [
        k for _, k in inspect.getmembers(c, inspect.isclass) if issubclass(k, c.Command) and dataclasses.is_dataclass(k)
    ]
    assert len(commands) > 20
    assert [k.__name__ for k in commands if f"c.{k.__name__}(" not in sources] == []
