"""What a TestInvite client parses, checked as the client reads it: absent optional fields, error paths it can
follow back to its own body, and test instances typed as the guide types them."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.testinvite.conftest import BASE, create
from tests.delivery.conftest import finished_session
from tests.helpers import Org, TestClient, make_key, table_counts

SCORE = {"pointsAchieved": 3, "maxAchievablePoints": 4, "achievementRatio": 0.75, "noOfQuestions": 4}


def test_a_candidate_without_name_or_email_has_neither_key(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    created = create(client, org, task)
    url = f"{BASE}/{task['id']}/candidates"
    listed = client.get(f"{url}?mode=detailed", headers=org.headers).json()["candidates"][0]
    fetched = client.get(f"{url}/{created['candidateId']}", headers=org.headers).json()
    updated = client.patch(f"{url}/{created['candidateId']}", json={}, headers=org.headers).json()
    for answer in (created, listed, fetched, updated):
        # ``fullname?: string`` and ``email?: string``: a typed client refuses a null there.
        assert "fullname" not in answer and "email" not in answer, answer
        assert answer["invitationCode"] and answer["directAccessUrl"]


def test_a_body_that_is_not_json_is_refused_as_the_body(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    before = table_counts(services)
    response = client.post(
        f"{BASE}/{task['id']}/candidates",
        content=b'{"kind": "temporary-candidate",',
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("body: is not valid JSON"), response.json()
    untyped = client.post(
        f"{BASE}/{task['id']}/candidates", content=b'{"kind": "temporary-candidate"}', headers=org.headers
    )
    assert untyped.status_code == 400
    assert untyped.json()["message"] == "body: must be a JSON object (sent with Content-Type: application/json)"
    assert table_counts(services) == before


def test_a_search_refusal_names_the_field_not_the_kind_of_search(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    url = f"{BASE}/{task['id']}/test-instances/filter"
    meta = client.post(url, json={"kind": "meta", "status": "DONE"}, headers=org.headers)
    info = client.post(url, json={"kind": "info", "displayName": ""}, headers=org.headers)
    assert (meta.status_code, info.status_code) == (400, 400)
    assert meta.json()["message"].startswith("status: "), meta.json()
    assert info.json()["message"].startswith("displayName: "), info.json()


def test_a_missing_scope_is_named_as_it_is_granted(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    """Messages say "task" for "opening", but a scope's name is what an operator must grant: it stays."""
    response = client.get(BASE, headers=make_key(client, org, ["write:candidates"]))
    assert response.status_code == 403
    assert response.json() == {"message": "missing scope read:openings", "code": "forbidden"}


def test_a_duplicate_uniq_id_in_the_labels_scope_reads_as_a_sentence(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    tracking = {"uniqId": "u-1", "scope": "labels"}
    create(client, org, task, labels=["x"], tracking=tracking)
    again = client.post(
        f"{BASE}/{task['id']}/candidates",
        json={"kind": "temporary-candidate", "labels": ["x"], "tracking": tracking},
        headers=org.headers,
    )
    assert again.status_code == 400
    assert again.json()["message"] == (
        "tracking.uniqId: uniqId 'u-1' is already used by a candidate with the same labels"
    )


def test_test_instances_have_the_guides_shapes(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    """Basic: a scoreboard of three numbers. Detailed: folder is a string, and sections, dimensions and effects
    are lists even when the completion reported none."""
    candidate = create(client, org, task, fullname="Ada Lovelace")["candidateId"]
    session = finished_session(client, org, candidate, task["steps"][0]["id"], {"scoreboard": SCORE})["id"]
    url = f"{BASE}/{task['id']}/test-instances"
    basic = client.get(f"{url}/{session}", headers=org.headers).json()
    assert basic["result"]["scoreboard"] == {"pointsAchieved": 3, "maxAchievablePoints": 4, "achievementRatio": 0.75}
    detailed = client.get(f"{url}/{session}?mode=detailed", headers=org.headers).json()
    assert detailed["folder"] == ""
    assert detailed["result"]["scoreboard"] == SCORE
    assert (detailed["result"]["sections"], detailed["result"]["dimensions"], detailed["result"]["effects"]) == (
        [],
        [],
        [],
    )
    expanded = client.post(f"{url}/{session}/expand", json={"expand": []}, headers=org.headers).json()
    assert expanded["folder"] == "" and expanded["result"]["effects"] == []


def with_candidates(client: TestClient, org: Org, task: dict[str, Any], count: int) -> str:
    """The task's candidate list URL, once ``count`` candidates are in it."""
    for _ in range(count):
        create(client, org, task)
    return f"{BASE}/{task['id']}/candidates"


def test_a_limit_past_the_page_size_is_served_a_full_page_not_refused(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    """TestInvite documents no maximum limit: a client asking for 500 gets pages of 100 and follows ``next``."""
    url = with_candidates(client, org, task, 101)
    first = client.get(f"{url}?limit=500", headers=org.headers)
    assert first.status_code == 200, first.text
    assert len(first.json()["candidates"]) == 100
    paging = first.json()["pagination"]
    assert (paging["limit"], paging["totalItems"], paging["totalPages"]) == (100, 101, 2)
    assert paging["next"] == "?limit=100&page=2&mode=basic"
    rest = client.get(url + paging["next"], headers=org.headers).json()
    assert len(rest["candidates"]) == 1 and rest["pagination"]["next"] is None
    tasks = client.get(f"{BASE}?limit=1000", headers=org.headers)
    assert tasks.status_code == 200 and tasks.json()["pagination"]["limit"] == 100


def test_previous_from_past_the_end_leads_back_to_the_last_page(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    url = with_candidates(client, org, task, 3)
    past = client.get(f"{url}?limit=2&page=9", headers=org.headers).json()
    assert past["candidates"] == [] and past["pagination"]["previous"] == "?limit=2&page=2&mode=basic"
    back = client.get(url + past["pagination"]["previous"], headers=org.headers).json()
    assert len(back["candidates"]) == 1
    empty_task = client.get(f"{BASE}/{task['id']}/test-instances?page=3", headers=org.headers).json()
    assert empty_task["testInstances"] == [] and empty_task["pagination"]["previous"] is None


def test_a_body_too_large_is_a_413_with_a_code_of_its_own(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    before = table_counts(services)
    body = {"kind": "temporary-candidate", "externalData": {"notes": "x" * (1024 * 1024)}}
    response = client.post(f"{BASE}/{task['id']}/candidates", json=body, headers=org.headers)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and set(response.json()) == {"message", "code"}
    assert table_counts(services) == before


def test_a_search_cursor_must_be_a_test_instance_of_the_task(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    candidate = create(client, org, task)["candidateId"]
    session = finished_session(client, org, candidate, task["steps"][0]["id"], {"scoreboard": SCORE})["id"]
    url = f"{BASE}/{task['id']}/test-instances/filter"
    after = client.post(f"{url}?lastDocId={session}", json={"kind": "meta"}, headers=org.headers)
    assert (after.status_code, after.json()["testInstances"]) == (200, [])
    typo = client.post(f"{url}?lastDocId={session}x", json={"kind": "meta"}, headers=org.headers)
    assert typo.status_code == 400
    assert typo.json()["message"] == f"lastDocId: '{session}x' is not a test instance of this task"
