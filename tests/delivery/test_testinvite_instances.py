"""TestInvite's test-instance list and get endpoints, over sessions made through the native API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.delivery.conftest import finished_session, start_session
from tests.helpers import Org, TestClient, make_opening

BASE = "/testinvite/api/integration/rest/v1/tasks"
SCORE = {"pointsAchieved": 3, "maxAchievablePoints": 4, "achievementRatio": 0.75}


@pytest.fixture
def task(client: TestClient, org: Org) -> dict[str, Any]:
    return make_opening(client, org)


def candidate(client: TestClient, org: Org, task: dict[str, Any], external_id: str) -> str:
    body = {"opening_id": task["id"], "candidate": {"first_name": "Ada"}, "external_id": external_id, "labels": ["l1"]}
    response = client.post("/api/v1/applications", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def session(client: TestClient, org: Org, application_id: str, step_id: str, complete: bool) -> str:
    if complete:
        return str(finished_session(client, org, application_id, step_id, {"scoreboard": SCORE})["id"])
    started = start_session(client, org, application_id, step_id)
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


@pytest.fixture
def world(client: TestClient, org: Org, task: dict[str, Any]) -> dict[str, Any]:
    s1, s2 = task["steps"][0]["id"], task["steps"][1]["id"]
    ada, bo = candidate(client, org, task, "ext-ada"), candidate(client, org, task, "ext-bo")
    done = session(client, org, ada, s1, complete=True)
    started = session(client, org, ada, s2, complete=False)
    other = session(client, org, bo, s2, complete=False)
    return {"ada": ada, "bo": bo, "done": done, "started": started, "other": other}


def test_a_tasks_test_instances_are_listed_a_page_at_a_time(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, Any]
) -> None:
    response = client.get(f"{BASE}/{task['id']}/test-instances?limit=2", headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [i["testInstanceId"] for i in body["testInstances"]] == [world["done"], world["started"]]
    assert body["pagination"] == {"totalItems": 3, "totalPages": 2, "currentPage": 1, "limit": 2,
                                  "next": "?limit=2&page=2&mode=basic", "previous": None}  # fmt: skip
    first = body["testInstances"][0]
    assert first["status"] == "COMPLETE" and first["ticketId"] == world["ada"] and first["taskId"] == task["id"]
    assert first["result"] == {"completedAt": 1768467600, "scoreboard": SCORE}
    assert body["testInstances"][1]["result"] is False
    second = client.get(f"{BASE}/{task['id']}/test-instances{body['pagination']['next']}", headers=org.headers).json()
    assert [i["testInstanceId"] for i in second["testInstances"]] == [world["other"]]


def test_test_instances_are_filtered_by_candidate_id_ticket_id_or_external_id(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, Any]
) -> None:
    url = f"{BASE}/{task['id']}/test-instances"
    for query in (f"candidateId={world['bo']}", f"ticketId={world['bo']}", "externalId=ext-bo"):
        items = client.get(f"{url}?{query}", headers=org.headers).json()["testInstances"]
        assert [i["testInstanceId"] for i in items] == [world["other"]], query
    assert client.get(f"{url}?externalId=nobody", headers=org.headers).json()["testInstances"] == []


def test_candidate_id_with_external_id_is_a_bad_request(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, Any]
) -> None:
    response = client.get(
        f"{BASE}/{task['id']}/test-instances?candidateId={world['bo']}&externalId=ext-bo", headers=org.headers
    )
    assert response.status_code == 400
    assert "detail" not in response.json()


def test_one_test_instance_in_detailed_mode(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, Any]
) -> None:
    response = client.get(f"{BASE}/{task['id']}/test-instances/{world['done']}?mode=detailed", headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["candidate"] == {"id": world["ada"], "kind": "temp"} and body["labels"] == ["l1"]
    assert body["organizationId"] == org.id and body["result"]["scoreboard"] == SCORE


def test_a_test_instance_of_another_task_or_organization_is_not_found(
    client: TestClient, org: Org, other_org: Org, task: dict[str, Any], world: dict[str, Any]
) -> None:
    other_task = make_opening(client, org)
    assert (
        client.get(f"{BASE}/{other_task['id']}/test-instances/{world['done']}", headers=org.headers).status_code == 404
    )
    assert (
        client.get(f"{BASE}/{task['id']}/test-instances/{world['done']}", headers=other_org.headers).status_code == 404
    )
    assert client.get(f"{BASE}/{task['id']}/test-instances", headers=other_org.headers).status_code == 404


@pytest.mark.parametrize("query", ["limit=0", "page=0", "mode=everything", "limit=x"])
def test_bad_paging_or_mode_is_a_bad_request(client: TestClient, org: Org, task: dict[str, Any], query: str) -> None:
    response = client.get(f"{BASE}/{task['id']}/test-instances?{query}", headers=org.headers)
    assert response.status_code == 400
    assert "detail" not in response.json()
