"""A command writes the deliveries its events cause in its own transaction: they commit or roll back with its change,
and the worker only sends them. Events an older version logged without their deliveries are still fanned out, once.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Coroutine, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import and_, select

from candidly.bootstrap import Services, build_services, build_worker
from candidly.delivery.worker import Worker
from candidly.domain import commands as c
from candidly.domain.deliveries import WebhookSubscription
from candidly.domain.errors import Conflict
from candidly.domain.people import Candidate
from candidly.service.bus import MessageBus
from candidly.service.caller import Caller
from candidly.settings import Settings
from candidly.storage import tables as t
from tests.delivery.conftest import Receiver, SmtpServer
from tests.delivery.test_email import invite
from tests.helpers import FakeClock, Org, TestClient, make_opening
from tests.reliability.test_group_commit import OPERATOR, caller, claim, create, in_one_batch, rows, writer


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


# Under group commit: each command's deliveries are in its own savepoint. --------------------------------------


@pytest.fixture
def group(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    built = build_services(settings, clock)
    if built.backend.writer is None:
        built.database.engine.dispose()
        pytest.skip("the group writer is SQLite's")
    yield built
    writer(built).stop()
    built.database.engine.dispose()


@pytest.fixture
def acme(group: Services) -> Org:
    org, issued = group.bus.execute(c.CreateOrganization("Acme"), OPERATOR)
    return Org(org.id, issued.token, issued.key.id, "")


def webhook(who: Caller, url: str, *, fails: bool = False) -> Coroutine[Any, Any, Any]:
    """A request subscribing ``url`` to candidate.created; with ``fails``, its answer fails after the handler wrote
    the subscription, so its savepoint is rolled back."""

    def answer(_reader: Any, subscription: WebhookSubscription) -> WebhookSubscription:
        if fails:
            raise KeyError("the answer could not be read")
        return subscription

    return who.execute(c.CreateWebhook(url, ("candidate.created",)), answer=answer)


def webhook_deliveries(services: Services) -> list[tuple[str | None, str]]:
    """(subscription, the event's subject) of every webhook delivery."""
    d, e = t.deliveries.c, t.events.c
    joined = t.deliveries.join(t.events, and_(e.organization_id == d.organization_id, e.id == d.event_id))
    with services.database.engine.connect() as conn:
        found = conn.execute(select(d.subscription_id, e.subject_id).select_from(joined).where(d.kind == "webhook"))
        return sorted((sub, subject) for sub, subject in found)


def test_a_command_rolled_back_in_its_batch_takes_its_deliveries_with_it(group: Services, acme: Org) -> None:
    """The second create with the same Idempotency-Key fails on the key, after its fan-out: nothing of it stays."""
    who = caller(group, acme)
    hook = asyncio.run(webhook(who, "https://hooks.example/created"))
    first, again = claim("once"), claim("once")
    outcomes, begun = in_one_batch(group, [create(who, "Ada", first), create(who, "Ada", again)])
    assert begun == 1
    ada, refused = outcomes
    assert isinstance(ada, Candidate) and isinstance(refused, Conflict)
    assert webhook_deliveries(group) == [(hook.id, ada.id)]
    assert rows(group, t.deliveries) == 1


def test_subscriptions_made_or_undone_within_a_batch_are_seen_by_the_commands_after_them(
    group: Services, acme: Org
) -> None:
    """The live subscriptions are read once per batch, and again after a command in it writes one (kept or not)."""
    who = caller(group, acme)
    outcomes, begun = in_one_batch(
        group,
        [
            create(who, "Ada"),  # no subscription yet
            lambda: webhook(who, "https://hooks.example/undone", fails=True),  # written, then rolled back
            create(who, "Bo"),  # sees none
            lambda: webhook(who, "https://hooks.example/kept"),
            create(who, "Cy"),  # sees the kept one
        ],
    )
    assert begun == 1
    ada, undone, bo, kept, cy = outcomes
    assert isinstance(undone, KeyError) and isinstance(kept, WebhookSubscription)
    assert all(isinstance(p, Candidate) for p in (ada, bo, cy))
    assert webhook_deliveries(group) == [(kept.id, cy.id)]
    assert build_worker(group).fan_out() == 0
