"""Callbacks: a completed session is POSTed, as a TestInvite test instance with the caller's params."""

from __future__ import annotations

import json
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from candidly.domain import commands as c
from candidly.domain.errors import InvalidField
from candidly.domain.principals import Actor
from tests.delivery.conftest import Receiver, finished_session, start_session
from tests.helpers import Org, TestClient, make_opening, table_counts

SCORE = {"pointsAchieved": 8, "maxAchievablePoints": 10, "achievementRatio": 0.8}
RESULT = {"scoreboard": SCORE, "noOfQuestions": 10, "sections": [{"uuid": "s-1", "scoreboard": SCORE}]}


def application_with_callback(services: Services, org: Org, opening: dict[str, Any], callback: dict[str, Any]) -> Any:
    """What TestInvite's create-candidate with ``callback`` stores."""
    actor = Actor(services.auth.authenticate(org.token), surface="test")
    command = c.CreateApplication(
        opening["id"], candidate={"first_name": "Ada", "email": "ada@example.com"},
        fields={"callback": callback, "labels": ["x"], "group": "g1"},
    )  # fmt: skip
    return services.bus.execute(command, actor, org.id)


@pytest.mark.parametrize("resource", ["basic", "detailed"])
def test_a_completed_session_is_posted_to_the_callback_in_the_requested_mode(
    client: TestClient, org: Org, services: Services, worker: Worker, receiver: Receiver, resource: str
) -> None:
    opening = make_opening(client, org)
    step_id = opening["steps"][0]["id"]
    callback = {"url": receiver.url, "params": {"ref": "abc-1"}, "resource": resource}
    application = application_with_callback(services, org, opening, callback)
    session = finished_session(client, org, application.id, step_id, RESULT)
    worker.run_once()
    [request] = receiver.requests
    body = json.loads(request.body)
    assert body["testInstanceId"] == session["id"] and body["taskId"] == opening["id"]
    assert body["ticketId"] == application.id and body["stepId"] == step_id and body["status"] == "COMPLETE"
    assert body["params"] == {"ref": "abc-1"} and body["ignored"] is False
    # The guide's detailed scoreboard counts the questions too; the basic one has three numbers.
    scores = {**SCORE, "noOfQuestions": 10} if resource == "detailed" else SCORE
    assert body["result"]["scoreboard"] == scores and body["result"]["completedAt"] == 1768467600
    if resource == "detailed":
        assert body["candidate"] == {"id": application.id, "kind": "temp"}
        assert body["group"] == "g1" and body["labels"] == ["x"] and body["organizationId"] == org.id
        assert body["result"]["sections"] == RESULT["sections"] and body["result"]["noOfQuestions"] == 10
    else:
        assert "candidate" not in body and "sections" not in body["result"]


def test_no_callback_is_sent_for_a_started_session_or_without_a_callback(
    client: TestClient, org: Org, services: Services, worker: Worker, receiver: Receiver
) -> None:
    opening = make_opening(client, org)
    s1, s2 = opening["steps"][0]["id"], opening["steps"][1]["id"]
    application = application_with_callback(services, org, opening, {"url": receiver.url, "resource": "basic"})
    assert start_session(client, org, application.id, s1).status_code == 201
    plain = client.post(
        "/api/v1/applications",
        json={"opening_id": opening["id"], "candidate": {"first_name": "Bo"}},
        headers=org.headers,
    ).json()
    finished_session(client, org, plain["id"], s2, RESULT)
    worker.run_once()
    assert receiver.requests == []


def test_a_session_completed_webhook_carries_the_result(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver
) -> None:
    body = {"url": receiver.url, "events": ["session.completed"]}
    assert client.post("/api/v1/webhooks", json=body, headers=org.headers).status_code == 201
    opening = make_opening(client, org)
    application = client.post(
        "/api/v1/applications",
        json={"opening_id": opening["id"], "candidate": {"first_name": "Bo"}},
        headers=org.headers,
    ).json()
    session = finished_session(client, org, application["id"], opening["steps"][0]["id"], RESULT)
    worker.run_once()
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert payload["type"] == "session.completed" and payload["data"]["id"] == session["id"]
    assert payload["data"]["application_id"] == application["id"]
    assert payload["data"]["session"]["result"] == RESULT and payload["data"]["session"]["status"] == "COMPLETE"


@pytest.mark.parametrize(
    ("callback", "field"),
    [
        ({"resource": "basic"}, "callback.url"),
        ({"url": "javascript:alert(1)", "resource": "basic"}, "callback.url"),
        ({"url": "https://example.com/cb", "resource": "everything"}, "callback.resource"),
        ({"url": "https://example.com/cb", "params": ["a"]}, "callback.params"),
    ],
)
def test_a_bad_callback_names_its_field_and_writes_nothing(
    client: TestClient, org: Org, services: Services, callback: dict[str, Any], field: str
) -> None:
    opening = make_opening(client, org)
    before = table_counts(services)
    with pytest.raises(InvalidField) as error:
        application_with_callback(services, org, opening, callback)
    assert error.value.field == field
    assert table_counts(services) == before
