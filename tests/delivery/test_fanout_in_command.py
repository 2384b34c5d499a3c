"""A command writes the deliveries its events cause in its own transaction: they commit or roll back with its change,
and the worker only sends them. Events an older version logged without their deliveries are still fanned out, once.
That each command's deliveries stay in its own savepoint under group commit: tests/reliability/test_group_commit.py.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from candidly.service.bus import MessageBus
from tests.delivery.conftest import Receiver, SmtpServer
from tests.delivery.test_email import invite
from tests.helpers import FakeClock, Org, TestClient, make_opening


def subscribe(client: TestClient, org: Org, url: str, *events: str) -> str:
    response = client.post("/api/v1/webhooks", json={"url": url, "events": list(events)}, headers=org.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def logged(client: TestClient, org: Org) -> list[tuple[str, str | None]]:
    """The delivery log as the native API shows it: (kind, event type) of each, sorted."""
    response = client.get("/api/v1/deliveries", headers=org.headers)
    assert response.status_code == 200, response.text
    return sorted((d["kind"], d["event_type"]) for d in response.json()["items"])


def test_a_create_commits_its_deliveries_with_it_and_the_worker_only_sends_them(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer, receiver: Receiver
) -> None:
    opening = make_opening(client, org)
    subscribe(client, org, receiver.url, "candidate.created", "application.created")
    invite(services, org, opening)
    # Before the worker ever ran: the email and both webhooks are in the log, committed with the create.
    assert logged(client, org) == [
        ("email", "invitation.requested"),
        ("webhook", "application.created"),
        ("webhook", "candidate.created"),
    ]
    assert worker.fan_out() == 0  # no event waits for the worker's fan-out
    worker.run_once()
    assert len(smtp.inbox.messages) == 1
    assert sorted(r.headers["webhook-id"] for r in receiver.successes) == sorted(
        d["id"] for d in client.get("/api/v1/deliveries?kind=webhook", headers=org.headers).json()["items"]
    )
    assert worker.run_once() == 0  # each sent once
    assert (len(smtp.inbox.messages), len(receiver.requests)) == (1, 2)


def test_an_invitation_for_later_is_written_with_its_send_time(
    client: TestClient, org: Org, services: Services, clock: FakeClock
) -> None:
    later = clock.now() + timedelta(hours=6)
    invite(services, org, make_opening(client, org), send_at=later)
    [email] = client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"]
    assert (email["status"], email["next_attempt_at"]) == ("pending", later.isoformat().replace("+00:00", "Z"))


def test_events_an_older_version_left_unfanned_are_sent_by_the_worker_once(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer, receiver: Receiver
) -> None:
    """A database upgraded in place may hold events logged before commands wrote their deliveries."""
    opening = make_opening(client, org)
    subscribe(client, org, receiver.url, "candidate.created")
    older = MessageBus(services.database, services.clock)  # a bus without the fan-out step: what an older version did
    invite(dataclasses.replace(services, bus=older), org, opening)
    assert logged(client, org) == []
    worker.run_once()
    invite(services, org, opening)  # a current create beside the leftover: fanned out by its own command
    worker.run_once()
    assert worker.run_once() == 0
    assert len(smtp.inbox.messages) == 2
    assert len(receiver.successes) == 2
    assert logged(client, org) == [("email", "invitation.requested")] * 2 + [("webhook", "candidate.created")] * 2
