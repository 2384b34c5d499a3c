"""TestInvite's test session search (POST .../test-instances/filter) and expand, over core test sessions.

A TestInvite client creates candidates through the dialect; their sessions are started and completed in the core
(the native session endpoints, as the access page and the test delivery do); the client then finds them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from tests.delivery.conftest import Receiver, complete_session, finished_session, start_session
from tests.helpers import FakeClock, Org, TestClient, make_opening, table_counts

TASKS = "/testinvite/api/integration/rest/v1/tasks"
SCORE = {"pointsAchieved": 3, "maxAchievablePoints": 4, "achievementRatio": 0.75}
SECTIONS = [{"uuid": "sec-1", "scoreboard": {**SCORE, "noOfQuestions": 4}}]
START = 1768467600  # the FakeClock's start, in seconds


@pytest.fixture
def task(client: TestClient, org: Org) -> dict[str, Any]:
    return make_opening(client, org)


def create(client: TestClient, org: Org, task: dict[str, Any], **body: Any) -> str:
    """A candidate made through TestInvite's create; its candidateId."""
    response = client.post(
        f"{TASKS}/{task['id']}/candidates", json={"kind": "temporary-candidate", **body}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return str(response.json()["candidateId"])


def started(client: TestClient, org: Org, candidate: str, step_id: str) -> str:
    response = start_session(client, org, candidate, step_id)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def search(client: TestClient, org: Org, task: dict[str, Any], body: dict[str, Any], query: str = "") -> Any:
    response = client.post(f"{TASKS}/{task['id']}/test-instances/filter{query}", json=body, headers=org.headers)
    assert response.status_code == 200, response.text
    return response.json()


def ids(answer: Any) -> list[str]:
    return [i["testInstanceId"] for i in answer["testInstances"]]


@pytest.fixture
def world(client: TestClient, org: Org, task: dict[str, Any], clock: FakeClock) -> dict[str, str]:
    """Ada (group a, label l1) finished step 1 and is in step 2; an hour later Bo (group b) started step 2."""
    s1, s2 = task["steps"][0]["id"], task["steps"][1]["id"]
    ada = create(client, org, task, fullname="Ada Lovelace", email="ada@example.com", group="a", labels=["l1"],
                 credential1="ada-1", tracking={"uniqId": "u-ada"})  # fmt: skip
    bo = create(client, org, task, fullname="Bo Diddley", email="bo@example.com", group="b")
    done = finished_session(client, org, ada, s1, {"scoreboard": SCORE, "sections": SECTIONS})["id"]
    ongoing = started(client, org, ada, s2)
    clock.advance(hours=1)
    other = started(client, org, bo, s2)
    return {"ada": ada, "bo": bo, "done": done, "ongoing": ongoing, "other": other, "s1": s1, "s2": s2}


def test_meta_filters_by_status_step_group_and_label(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, str]
) -> None:
    everything = search(client, org, task, {"kind": "meta"})
    assert ids(everything) == [world["done"], world["ongoing"], world["other"]]
    assert everything["pagination"] == {"limit": 10, "lastDocId": None, "next": None}
    complete = search(client, org, task, {"kind": "meta", "status": "COMPLETE"})
    assert ids(complete) == [world["done"]]
    assert complete["testInstances"][0]["result"] == {"completedAt": START, "scoreboard": SCORE}
    assert ids(search(client, org, task, {"kind": "meta", "stepId": world["s2"]})) == [world["ongoing"], world["other"]]
    assert ids(search(client, org, task, {"kind": "meta", "group": "b"})) == [world["other"]]
    assert ids(search(client, org, task, {"kind": "meta", "label": "l1", "status": "STARTED"})) == [world["ongoing"]]
    assert ids(search(client, org, task, {"kind": "meta", "status": "RESETUP"})) == []
    assert ids(search(client, org, task, {"kind": "meta", "group": "nobody"})) == []


def test_meta_filters_by_the_time_a_session_started_in_milliseconds(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, str]
) -> None:
    later = (START + 3600) * 1000
    assert ids(search(client, org, task, {"kind": "meta", "from": later})) == [world["other"]]
    assert ids(search(client, org, task, {"kind": "meta", "to": later - 1})) == [world["done"], world["ongoing"]]
    window = {"kind": "meta", "from": START * 1000, "to": START * 1000}
    assert ids(search(client, org, task, window)) == [world["done"], world["ongoing"]]


def test_info_finds_one_candidate_s_sessions_by_what_identifies_them(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, str]
) -> None:
    code = client.get(f"{TASKS}/{task['id']}/candidates/{world['bo']}", headers=org.headers).json()["invitationCode"]
    ada = [world["done"], world["ongoing"]]
    for body in ({"email": "ada@example.com"}, {"displayName": "Ada Lovelace"}, {"credential1": "ada-1"},
                 {"uniqId": "u-ada"}, {"email": "ada@example.com", "uniqId": "u-ada"}):  # fmt: skip
        assert ids(search(client, org, task, {"kind": "info", **body})) == ada, body
    assert ids(search(client, org, task, {"kind": "info", "code": code})) == [world["other"]]
    assert ids(search(client, org, task, {"kind": "info", "email": "ADA@example.com"})) == []
    assert ids(search(client, org, task, {"kind": "info", "email": "ada@example.com", "uniqId": "other"})) == []


def test_pages_follow_last_doc_id(client: TestClient, org: Org, task: dict[str, Any], world: dict[str, str]) -> None:
    first = search(client, org, task, {"kind": "meta"}, "?limit=2&mode=detailed")
    assert ids(first) == [world["done"], world["ongoing"]] and "candidate" in first["testInstances"][0]
    assert first["pagination"] == {"limit": 2, "lastDocId": world["ongoing"],
                                   "next": f"?limit=2&lastDocId={world['ongoing']}&mode=detailed"}  # fmt: skip
    second = search(client, org, task, {"kind": "meta"}, first["pagination"]["next"])
    assert ids(second) == [world["other"]] and second["pagination"] == {"limit": 2, "lastDocId": None, "next": None}


def test_expand_reads_a_completed_session_s_scoreboard_and_per_section_results(
    client: TestClient, org: Org, task: dict[str, Any], world: dict[str, str]
) -> None:
    [found] = search(client, org, task, {"kind": "meta", "status": "COMPLETE"})["testInstances"]
    url = f"{TASKS}/{task['id']}/test-instances/{found['testInstanceId']}/expand"
    response = client.post(url, json={"expand": ["test", "uniqId", "creditCost", "identityPhoto", "roomForm"]},
                           headers=org.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"] == {"completedAt": START, "scoreboard": SCORE, "sections": SECTIONS, "dimensions": [],
                              "effects": []}  # fmt: skip
    assert body["candidate"] == {"id": world["ada"], "kind": "temp"} and body["group"] == "a"
    assert body["test"] == {"testId": world["s1"], "organizationId": org.id, "source": "own-test"}
    assert (body["uniqId"], body["creditCost"], body["identityPhoto"], body["roomForm"]) == ("u-ada", 0,
                                                                                             {"url": None}, {})  # fmt: skip
    plain = client.post(url, json={"expand": []}, headers=org.headers).json()
    shown = client.get(f"{TASKS}/{task['id']}/test-instances/{world['done']}?mode=detailed", headers=org.headers)
    assert plain == shown.json() and "uniqId" not in plain
    # The expand page writes the path without v1.
    unversioned = f"/testinvite/api/integration/rest/tasks/{task['id']}/test-instances/{world['done']}/expand"
    assert client.post(unversioned, json={"expand": ["uniqId"]}, headers=org.headers).json()["uniqId"] == "u-ada"
    ongoing = client.post(f"{TASKS}/{task['id']}/test-instances/{world['ongoing']}/expand", headers=org.headers)
    assert ongoing.status_code == 200 and ongoing.json()["result"] is False


def test_the_callback_carries_what_the_search_finds(
    client: TestClient, org: Org, task: dict[str, Any], worker: Worker, receiver: Receiver
) -> None:
    callback = {"url": receiver.url, "resource": "detailed"}
    candidate = create(client, org, task, email="cy@example.com", callback=callback)
    session = started(client, org, candidate, task["steps"][0]["id"])
    assert ids(search(client, org, task, {"kind": "meta", "status": "COMPLETE"})) == []
    assert complete_session(client, org.headers, session, {"scoreboard": SCORE}).status_code == 200
    worker.run_once()
    [request] = receiver.requests
    found = search(client, org, task, {"kind": "info", "email": "cy@example.com"}, "?mode=detailed")
    assert found["testInstances"] == [json.loads(request.body)]


@pytest.mark.parametrize(
    ("body", "query", "named"),
    [({"kind": "meta", "status": "DONE"}, "", "status"), ({"kind": "sql"}, "", "kind: must be meta or info"),
     ({}, "", "kind: must be meta or info"), ({"kind": "meta", "from": "yesterday"}, "", "from"),
     ({"kind": "meta", "from": 2000, "to": 1000}, "", "from"), ({"kind": "meta"}, "?limit=0", "limit"),
     ({"kind": "info", "email": "x" * 321}, "", "email"), ({"kind": "meta"}, "?lastDocId=" + "x" * 65, "lastDocId")],
)  # fmt: skip
def test_a_bad_search_is_a_400_naming_the_field(
    client: TestClient, org: Org, services: Services, task: dict[str, Any], body: Any, query: str, named: str
) -> None:
    before = table_counts(services)
    response = client.post(f"{TASKS}/{task['id']}/test-instances/filter{query}", json=body, headers=org.headers)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"message", "code"} and named in response.json()["message"]
    assert table_counts(services) == before


def test_bad_expansions_and_others_sessions_are_refused(
    client: TestClient, org: Org, other_org: Org, task: dict[str, Any], world: dict[str, str]
) -> None:
    url = f"{TASKS}/{task['id']}/test-instances/{world['done']}/expand"
    bad = client.post(url, json={"expand": ["everything"]}, headers=org.headers)
    assert bad.status_code == 400 and bad.json()["message"].startswith("expand[0]")
    assert client.post(url, json={}, headers=other_org.headers).status_code == 404
    other_task = make_opening(client, org)
    missing = client.post(f"{TASKS}/{other_task['id']}/test-instances/{world['done']}/expand", headers=org.headers)
    assert missing.status_code == 404 and missing.json()["message"] == f"test instance {world['done']!r} not found"
    assert client.post(f"{TASKS}/{task['id']}/test-instances/filter", json={"kind": "meta"},
                       headers=other_org.headers).status_code == 404  # fmt: skip
