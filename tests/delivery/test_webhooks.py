"""Webhooks over real HTTP: signed per Standard Webhooks, retried with backoff, dead-lettered, retried by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from candidly.domain.events import WEBHOOK_EVENT_TYPES
from tests.delivery.conftest import Receiver, finished_session, free_port, make_worker
from tests.helpers import FakeClock, Org, TestClient, make_opening, table_counts

SCORE = {"pointsAchieved": 1, "maxAchievablePoints": 1, "achievementRatio": 1.0}


def subscribe(client: TestClient, org: Org, url: str, events: list[str] | None = None) -> dict[str, Any]:
    body = {"url": url, "events": events or ["candidate.created"]}
    response = client.post("/api/v1/webhooks", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def new_candidate(client: TestClient, org: Org) -> dict[str, Any]:
    response = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=org.headers)
    assert response.status_code == 201
    return dict(response.json())


def deliveries(client: TestClient, org: Org) -> list[dict[str, Any]]:
    items = client.get("/api/v1/deliveries", headers=org.headers).json()["items"]
    return [client.get(f"/api/v1/deliveries/{d['id']}", headers=org.headers).json() for d in items]


def drive(worker: Worker, clock: FakeClock, passes: int) -> None:
    """Run the worker ``passes`` times, moving the clock past any backoff in between."""
    for _ in range(passes):
        worker.run_once()
        clock.advance(hours=2)


def test_the_signature_verifies_with_the_standardwebhooks_package(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver, clock: FakeClock
) -> None:
    hook = subscribe(client, org, receiver.url)
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["candidate.created"]
    candidate = new_candidate(client, org)
    clock.set(datetime.now(UTC))  # receivers reject timestamps more than five minutes off their own clock
    worker.run_once()
    [request] = receiver.requests
    payload = Webhook(hook["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "candidate.created" and payload["data"]["id"] == candidate["id"]
    with pytest.raises(Exception, match="signature"):
        Webhook(subscribe(client, org, receiver.url)["secret"]).verify(request.body, request.headers)


def test_only_subscribed_event_types_are_sent(client: TestClient, org: Org, worker: Worker, receiver: Receiver) -> None:
    subscribe(client, org, receiver.url, ["application.deleted"])
    new_candidate(client, org)
    worker.run_once()
    assert receiver.requests == []


def test_a_receiver_that_fails_twice_gets_exactly_one_successful_delivery(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver, clock: FakeClock
) -> None:
    receiver.script = [500, 503]
    subscribe(client, org, receiver.url)
    new_candidate(client, org)
    worker.run_once()
    worker.run_once()  # the retry is not due yet: backoff, not a hot loop
    assert len(receiver.requests) == 1
    drive(worker, clock, 4)
    assert [r.status for r in receiver.requests] == [500, 503, 200]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # one message id across retries
    [delivery] = deliveries(client, org)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert [(a["outcome"], a["status_code"]) for a in delivery["attempt_log"]] == [
        ("failed", 500), ("failed", 503), ("delivered", 200)
    ]  # fmt: skip


def test_backoff_grows_between_attempts(client: TestClient, org: Org, worker: Worker, receiver: Receiver) -> None:
    receiver.script = [500] * 10
    subscribe(client, org, receiver.url)
    new_candidate(client, org)
    clock: FakeClock = worker.clock  # type: ignore[assignment]
    waits = []
    for _ in range(3):
        worker.run_once()
        due = datetime.fromisoformat(deliveries(client, org)[0]["next_attempt_at"])
        waits.append(due - clock.now())
        clock.set(due)
    assert waits[0] < waits[1] < waits[2]


def test_a_dead_receiver_ends_dead_lettered_with_its_error(
    client: TestClient, org: Org, worker: Worker, clock: FakeClock
) -> None:
    subscribe(client, org, f"http://127.0.0.1:{free_port()}/gone")
    new_candidate(client, org)
    drive(worker, clock, 6)
    [delivery] = deliveries(client, org)
    assert delivery["status"] == "dead" and delivery["attempts"] == 4  # delivery_max_attempts
    assert "ConnectError" in delivery["last_error"]
    assert len(delivery["attempt_log"]) == 4


def test_a_dead_letter_can_be_retried_by_hand(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver, clock: FakeClock
) -> None:
    receiver.script = [500] * 4
    subscribe(client, org, receiver.url)
    new_candidate(client, org)
    drive(worker, clock, 5)
    [dead] = deliveries(client, org)
    assert dead["status"] == "dead"
    response = client.post(f"/api/v1/deliveries/{dead['id']}/retry", headers=org.headers)
    assert response.status_code == 202 and response.json()["status"] == "pending"
    worker.run_once()
    [delivered] = deliveries(client, org)
    assert delivered["status"] == "delivered" and len(delivered["attempt_log"]) == 5
    assert [a["outcome"] for a in delivered["attempt_log"]] == ["failed"] * 4 + ["delivered"]
    again = client.post(f"/api/v1/deliveries/{dead['id']}/retry", headers=org.headers)
    assert again.status_code == 409


def test_loopback_targets_are_refused_unless_the_operator_allows_them(
    client: TestClient, org: Org, services: Services, receiver: Receiver, clock: FakeClock
) -> None:
    subscribe(client, org, receiver.url)
    new_candidate(client, org)
    services.settings.outbound_allow_private = False  # after subscribing: a subscription would be refused now
    strict = make_worker(services, clock)
    strict.run_once()
    assert receiver.requests == []
    [delivery] = deliveries(client, org)
    assert delivery["status"] == "dead" and "loopback" in delivery["last_error"]
    assert len(delivery["attempt_log"]) == 1  # refused at once: retrying cannot change the answer


def test_a_deleted_subscription_stops_receiving(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver
) -> None:
    hook = subscribe(client, org, receiver.url)
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=org.headers).status_code == 204
    assert client.get("/api/v1/webhooks", headers=org.headers).json() == []
    new_candidate(client, org)
    worker.run_once()
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # The surface's refusal; the other rules of a subscription are checked without HTTP in tests/service.
        ({"url": "ftp://example.com/x", "events": ["candidate.created"]}, "url"),
    ],
)
def test_a_bad_subscription_names_its_field_and_writes_nothing(
    client: TestClient, org: Org, services: Services, body: dict[str, Any], field: str
) -> None:
    before = table_counts(services)
    response = client.post("/api/v1/webhooks", json=body, headers=org.headers)
    assert response.status_code == 422 and response.json()["field"] == field
    assert table_counts(services) == before


def test_webhooks_and_deliveries_are_per_organization(
    client: TestClient, org: Org, other_org: Org, worker: Worker, receiver: Receiver
) -> None:
    hook = subscribe(client, org, receiver.url)
    new_candidate(client, other_org)
    worker.run_once()
    assert receiver.requests == []  # the other organization's candidate is not ours to hear about
    new_candidate(client, org)
    worker.run_once()
    [delivery] = deliveries(client, org)
    assert client.get(f"/api/v1/webhooks/{hook['id']}", headers=other_org.headers).status_code == 404
    assert client.get(f"/api/v1/deliveries/{delivery['id']}", headers=other_org.headers).status_code == 404
    assert client.post(f"/api/v1/deliveries/{delivery['id']}/retry", headers=other_org.headers).status_code == 404
    assert client.get("/api/v1/deliveries", headers=other_org.headers).json()["items"] == []
    assert json.loads(receiver.requests[0].body)["data"]["object"] == "candidate"


def test_every_webhook_event_type_is_delivered(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver
) -> None:
    subscribe(client, org, receiver.url, sorted(WEBHOOK_EVENT_TYPES))
    opening = make_opening(client, org)
    person = new_candidate(client, org)
    assert client.patch(f"/api/v1/candidates/{person['id']}", json={"last_name": "L"}, headers=org.headers).is_success
    body = {"opening_id": opening["id"], "candidate_id": person["id"]}
    application = client.post("/api/v1/applications", json=body, headers=org.headers).json()
    assert client.patch(f"/api/v1/applications/{application['id']}", json={"rating": 4}, headers=org.headers).is_success
    finished_session(client, org, application["id"], opening["steps"][0]["id"], {"scoreboard": SCORE})
    assert client.delete(f"/api/v1/applications/{application['id']}", headers=org.headers).status_code == 204
    assert client.delete(f"/api/v1/candidates/{person['id']}", headers=org.headers).status_code == 204
    worker.run_once()
    assert {json.loads(r.body)["type"] for r in receiver.requests} == WEBHOOK_EVENT_TYPES


def test_a_subscription_made_after_a_burst_of_writes_receives_none_of_them(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver
) -> None:
    task = make_opening(client, org)
    tasks = f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates"

    def create(n: int) -> str:
        body = {"kind": "temporary-candidate", "fullname": f"Person {n}"}
        response = client.post(tasks, json=body, headers=org.headers)
        assert response.status_code == 200, response.text
        return str(response.json()["candidateId"])

    for n in range(30):  # still waiting in the outbox: the worker has not run
        create(n)
    subscribe(client, org, receiver.url, ["application.created"])
    later = {create(n) for n in range(30, 33)}
    worker.run_once()
    assert {json.loads(r.body)["data"]["id"] for r in receiver.requests} == later
    assert len(receiver.requests) == 3


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook", "http://localhost/hook", "https://[::1]/x", "http://100.100.100.200/x",
        # The shorthand forms of IPv4 that resolvers accept (inet_aton): 127.0.0.1, 0.0.0.0 and 10.0.0.1 in disguise.
        "http://127.1/x", "http://2130706433/x", "http://0x7f000001/x", "http://017700000001/x", "http://0/x",
        "http://0x7f.0.0.1/x", "http://10.1/x",
    ],
)  # fmt: skip
def test_a_url_the_sender_would_refuse_is_refused_at_subscription(
    client: TestClient, org: Org, services: Services, url: str
) -> None:
    services.settings.outbound_allow_private = False
    before = table_counts(services)
    response = client.post("/api/v1/webhooks", json={"url": url, "events": ["candidate.created"]}, headers=org.headers)
    assert response.status_code == 422 and response.json()["field"] == "url"
    assert "CANDIDLY_OUTBOUND_ALLOW_PRIVATE" in response.json()["detail"]
    assert table_counts(services) == before
    public = {"url": "https://hooks.example.com/x", "events": ["candidate.created"]}
    assert client.post("/api/v1/webhooks", json=public, headers=org.headers).status_code == 201
