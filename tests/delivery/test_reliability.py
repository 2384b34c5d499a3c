"""Deliveries survive restarts and crashed workers, and concurrent workers never send one twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from candidly.bootstrap import Services, build_services
from candidly.delivery.worker import Worker
from candidly.domain.deliveries import Delivery, DeliveryKind
from candidly.domain.events import Event
from candidly.domain.ids import new_id
from candidly.service.ports import Filters, PageRequest
from candidly.settings import Settings
from candidly.storage.outbox import SqlDeliveries
from candidly.web.app import create_app
from tests.delivery.conftest import Receiver, SmtpServer, delivery_settings, make_worker
from tests.helpers import FakeClock, TestClient, make_org


def subscribe_and_create(client: TestClient, receiver: Receiver) -> str:
    org = make_org(client)
    body = {"url": receiver.url, "events": ["candidate.created"]}
    assert client.post("/api/v1/webhooks", json=body, headers=org.headers).status_code == 201
    assert client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=org.headers).status_code == 201
    return org.id


def test_deliveries_pending_when_the_server_stops_are_sent_after_it_starts_again(
    settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    first = build_services(settings, clock)
    with TestClient(create_app(settings, clock, first)) as client:  # run_worker is off: nothing is sent
        subscribe_and_create(client, receiver)
    first.database.engine.dispose()
    assert receiver.requests == []

    settings.run_worker = True
    second = build_services(settings, clock)
    with TestClient(create_app(settings, clock, second)):  # the in-process worker starts with the app
        assert receiver.wait_for(1), "the restarted server's worker did not deliver"
    second.database.engine.dispose()
    assert len(receiver.successes) == 1


def test_a_crashed_workers_claim_expires_and_another_worker_sends(
    settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    services = build_services(settings, clock)
    with TestClient(create_app(settings, clock, services)) as client:
        subscribe_and_create(client, receiver)
    crashed = make_worker(services, clock)
    crashed.fan_out()
    with services.database.unit_of_work(write=True) as uow:  # claim, then "crash" before sending
        claimed = uow.deliveries.claim(crashed.owner, clock.now(), clock.now() + crashed.lease, 10)  # type: ignore[attr-defined]
        uow.commit()
    assert len(claimed) == 1
    survivor = make_worker(services, clock)
    assert survivor.dispatch() == 0  # still leased
    clock.advance(seconds=crashed.lease.total_seconds() + 1)
    assert survivor.dispatch() == 1
    assert len(receiver.successes) == 1
    services.database.engine.dispose()


def queue(worker: Worker, url: str, count: int) -> None:
    """Put ``count`` callbacks straight into the outbox, as a burst of completed sessions would."""
    org_id = new_id()
    now = worker.clock.now()
    with worker.database.unit_of_work(write=True) as uow:
        outbox: SqlDeliveries = uow.deliveries  # type: ignore[assignment]
        outbox.add_many([
            Delivery(id=new_id(), organization_id=org_id, kind=DeliveryKind.CALLBACK, target=url,
                     payload={"n": n}, created_at=now, next_attempt_at=now - timedelta(seconds=1))
            for n in range(count)
        ])  # fmt: skip
        uow.commit()


def test_two_workers_deliver_five_hundred_items_and_none_twice(
    settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    one, two = build_services(settings, clock), build_services(settings, clock, migrate=False)
    workers = [make_worker(one, clock), make_worker(two, clock)]
    queue(workers[0], receiver.url, 520)
    handled = Counter[str]()

    def work(worker: Worker) -> None:
        while worker.dispatch():
            handled[worker.owner] += 1

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(json.loads(r.body)["n"] for r in receiver.requests)
    assert sorted(counts) == list(range(520))
    assert set(counts.values()) == {1}
    assert all(handled[w.owner] > 0 for w in workers), "both workers should have taken part"
    for services in (one, two):
        services.database.engine.dispose()


def test_candidly_worker_runs_on_its_own_and_stops_on_sigterm(
    sqlite_url: str, smtp: SmtpServer, clock: FakeClock, receiver: Receiver, tmp_path: Path
) -> None:
    settings = delivery_settings(sqlite_url, smtp.port)  # one backend is enough to prove the command
    services = build_services(settings, clock)
    with TestClient(create_app(settings, clock, services)) as client:
        subscribe_and_create(client, receiver)
    services.database.engine.dispose()
    env = {**os.environ, "CANDIDLY_DATABASE_URL": settings.database_url, "CANDIDLY_OUTBOUND_ALLOW_PRIVATE": "true",
           "CANDIDLY_WORKER_POLL_SECONDS": "0.1", "CANDIDLY_LOG_LEVEL": "warning",
           "CANDIDLY_SECRET_KEY": settings.secret_key or ""}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "candidly", "worker"], env=env, cwd=tmp_path)
    try:
        assert receiver.wait_for(1), "candidly worker did not deliver"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert len(receiver.successes) == 1


def test_a_malformed_event_is_dead_lettered_and_does_not_block_the_outbox(
    client: TestClient, services: Services, worker: Worker, receiver: Receiver, clock: FakeClock
) -> None:
    org_id = subscribe_and_create(client, receiver)
    broken = Event(id=new_id(), organization_id=org_id, type="invitation.requested", subject_type="application",
                   subject_id="nope", occurred_at=clock.now(), actor={}, data={})  # fmt: skip
    with services.database.unit_of_work(write=True) as uow:
        uow.events.append([broken])
        uow.commit()
    worker.run_once()
    assert len(receiver.successes) == 1  # the healthy event went out
    assert worker.run_once() == 0  # and nothing is left to fan out
    with services.database.unit_of_work(write=False) as uow:
        [dead] = uow.deliveries.page(org_id, Filters(equal={"kind": "email"}), PageRequest()).items
    assert dead.status == "dead" and "fan-out failed" in (dead.last_error or "")
