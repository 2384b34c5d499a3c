"""One receiver cannot hold up another: sends run side by side, capped per receiver, with a circuit breaker;
a burst drains; an outcome the database could not take is kept and recorded once it is back."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from candidly.bootstrap import Services, build_services
from candidly.delivery import worker as worker_module
from candidly.delivery.worker import Worker
from candidly.domain.deliveries import Delivery
from candidly.settings import Settings
from candidly.storage import tables as t
from candidly.web.app import create_app
from tests.delivery.conftest import Receiver, SmtpServer, delivery_settings, make_worker, serving
from tests.delivery.test_reliability import queue
from tests.helpers import FakeClock, TestClient, make_opening, make_org


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    return delivery_settings(database_url, smtp.port, delivery_per_receiver=2, delivery_concurrency=8)


@contextmanager
def running(worker: Worker) -> Iterator[None]:
    """The worker's own loop on a thread, as ``candidly serve`` runs it."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=120)


def all_deliveries(services: Services) -> list[Delivery]:
    """Every delivery of every organization, as stored."""
    with services.database.engine.connect() as conn:
        return [Delivery(**{k: v for k, v in r._mapping.items() if not k.startswith("lease")})
                for r in conn.execute(select(t.deliveries))]  # fmt: skip


def numbers(receiver: Receiver) -> Counter[int]:
    return Counter(json.loads(r.body)["n"] for r in receiver.requests)


def test_a_receiver_that_hangs_costs_a_healthy_one_nothing(services: Services, clock: FakeClock) -> None:
    worker = make_worker(services, clock)
    with serving() as hanging, serving() as healthy:
        hanging.gate.clear()
        queue(worker, hanging.url, 10)  # older, so first in line
        queue(worker, healthy.url, 10)
        with running(worker):
            assert healthy.wait_for(10), "the healthy receiver's deliveries did not arrive"
            assert hanging.wait_for(2)
            # The hanging receiver holds exactly its share of the senders, and the clock never moved:
            # the healthy deliveries went out in the same instant, behind nobody's timeout.
            assert len(hanging.requests) == 2
            assert sorted(numbers(healthy)) == list(range(10))
            hanging.gate.set()
    sent = [d for d in all_deliveries(services) if d.target == healthy.url]
    assert {(d.status, d.attempts, d.delivered_at) for d in sent} == {("delivered", 1, clock.now())}


@pytest.mark.parametrize("skipped", [500, 0], ids=["left-out-of-claims", "claimed-and-put-back"])
def test_a_receiver_that_keeps_timing_out_is_backed_off_then_probed(
    database_url: str, smtp: SmtpServer, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, skipped: int
) -> None:
    monkeypatch.setattr(worker_module, "MAX_SKIPPED", skipped)  # 0: as if too many receivers were backed off
    settings = delivery_settings(database_url, smtp.port, delivery_per_receiver=2, delivery_timeout_seconds=0.5)
    services = build_services(settings, clock)
    worker = make_worker(services, clock)
    with serving() as hanging:
        hanging.gate.clear()
        queue(worker, hanging.url, 10)
        worker.run_once()
        # Timeouts two at a time, until five in a row open the breaker: the rest are not even tried.
        assert len(hanging.requests) == 6
        assert Counter(d.attempts for d in all_deliveries(services)) == {1: 6, 0: 4}
        clock.advance(seconds=20)
        worker.run_once()
        assert len(hanging.requests) == 6  # still backed off (30 s)
        hanging.gate.set()
        clock.advance(seconds=11)
        worker.run_once()  # one probe gets through, succeeds, and the receiver is closed again: the rest go
    assert len(hanging.requests) == 16  # six timeouts, then each delivery once
    assert sorted(json.loads(r.body)["n"] for r in hanging.requests[6:]) == list(range(10))
    assert {d.status for d in all_deliveries(services)} == {"delivered"}
    services.database.engine.dispose()


def test_a_burst_of_creates_with_emails_and_webhooks_drains(
    services: Services, clock: FakeClock, smtp: SmtpServer
) -> None:
    worker = make_worker(services, clock)
    with ExitStack() as stack:
        receivers = [stack.enter_context(serving()) for _ in range(3)]
        client = stack.enter_context(TestClient(create_app(services.settings, clock, services)))
        org = make_org(client)
        task = make_opening(client, org)
        for r in receivers:
            hook = {"url": r.url, "events": ["application.created"]}
            assert client.post("/api/v1/webhooks", json=hook, headers=org.headers).status_code == 201
        tasks = f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates"
        created = set()
        for n in range(60):
            body: dict[str, Any] = {"kind": "temporary-candidate", "fullname": f"P {n}", "email": f"p{n}@example.com",
                                    "inviteByEmail": {"emailTemplateName": "invite"}}  # fmt: skip
            response = client.post(tasks, json=body, headers=org.headers)
            assert response.status_code == 200, response.text
            created.add(response.json()["candidateId"])
        with running(worker):  # stopping lets the sends under way finish and be recorded
            assert all(r.wait_for(60) for r in receivers)
            assert smtp.inbox.wait_for(60)
    for r in receivers:
        assert {json.loads(x.body)["data"]["id"] for x in r.requests} == created and len(r.requests) == 60
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(f"p{n}@example.com" for n in range(60))
    assert {(d.status, d.attempts) for d in all_deliveries(services)} == {("delivered", 1)}


def test_outcomes_the_database_could_not_take_are_recorded_once_it_is_back_and_never_sent_twice(
    sqlite_url: str, smtp: SmtpServer, clock: FakeClock, receiver: Receiver
) -> None:
    settings = delivery_settings(sqlite_url, smtp.port)
    services = build_services(settings, clock)
    own = build_services(settings, clock, migrate=False)  # the worker's connections give up on a lock at once

    @event.listens_for(own.database.engine, "connect")
    def _impatient(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    # Building the services opened a connection with the server's 10 s busy timeout; pooled, it would make one
    # recording wait 10 s for the lock instead of giving up at once. Every connection from now on is impatient.
    own.database.engine.dispose()
    worker = make_worker(own, clock)
    queue(worker, receiver.url, 3)
    receiver.gate.clear()
    sending = threading.Thread(target=worker.dispatch)
    sending.start()
    assert receiver.wait_for(3)
    outage = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    outage.execute("BEGIN IMMEDIATE")  # the database takes no write while the sends finish
    receiver.gate.set()
    sending.join(timeout=60)
    assert {(d.status, d.attempts) for d in all_deliveries(services)} == {("pending", 0)}
    outage.execute("ROLLBACK")
    outage.close()
    worker.run_once()  # the database is back: the outcomes are recorded, and nothing is sent again
    assert {(d.status, d.attempts) for d in all_deliveries(services)} == {("delivered", 1)}
    assert sorted(numbers(receiver)) == [0, 1, 2] and len(receiver.requests) == 3
    for s in (services, own):
        s.database.engine.dispose()


def test_a_crashed_workers_claim_comes_back_after_one_send_and_a_margin_not_minutes(
    settings: Settings, services: Services, clock: FakeClock, receiver: Receiver
) -> None:
    crashed, survivor = make_worker(services, clock), make_worker(services, clock)
    queue(crashed, receiver.url, 1)
    with services.database.unit_of_work(write=True) as uow:  # claim, then "crash" before sending
        [_claimed] = uow.deliveries.claim(crashed.owner, clock.now(), clock.now() + crashed.lease, 10)  # type: ignore[attr-defined]
        uow.commit()
    one_send = settings.delivery_timeout_seconds + settings.template_render_seconds
    clock.advance(seconds=one_send)
    assert survivor.dispatch() == 0  # a send could still be under way
    clock.advance(seconds=31)
    assert survivor.dispatch() == 1
    assert len(receiver.requests) == 1
