"""Test sessions through the native API: started, completed, refused with a 409 or a 422 that writes nothing.

The rules behind the refusals (attempt limits and their overrides, step and login windows, programs, completing once)
are checked without HTTP in ``tests/service/test_attempts.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.delivery.conftest import complete_session, start_session
from tests.helpers import Org, TestClient, make_opening, table_counts

RESULT = {"scoreboard": {"pointsAchieved": 7, "maxAchievablePoints": 10, "achievementRatio": 0.7},
          "sections": [{"uuid": "sec-1", "scoreboard": {"pointsAchieved": 7, "maxAchievablePoints": 10,
                                                        "achievementRatio": 0.7}}]}  # fmt: skip


@pytest.fixture
def opening(client: TestClient, org: Org) -> dict[str, Any]:
    return make_opening(client, org)


def steps(opening: dict[str, Any]) -> tuple[str, str]:
    """The ids of the sample opening's steps: s1 (one attempt, closes 2030) and s2 (unlimited)."""
    return opening["steps"][0]["id"], opening["steps"][1]["id"]


def make_application(client: TestClient, org: Org, opening: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"opening_id": opening["id"], "candidate": {"first_name": "Ada", "email": "ada@example.com"}, **fields}
    response = client.post("/api/v1/applications", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def assert_refused(
    client: TestClient, org: Org, services: Services, application_id: str, step_id: str, reason: str
) -> None:
    """The start is refused with a reason, and nothing is written."""
    before = table_counts(services)
    response = start_session(client, org, application_id, step_id)
    assert response.status_code == 409, response.text
    assert reason in response.json()["detail"]
    assert table_counts(services) == before


def test_a_session_starts_and_completes_with_its_result(client: TestClient, org: Org, opening: dict[str, Any]) -> None:
    application = make_application(client, org, opening)
    s1, _ = steps(opening)
    started = start_session(client, org, application["id"], s1)
    assert started.status_code == 201, started.text
    assert started.json()["status"] == "STARTED" and started.json()["attempt"] == 1
    session_id = started.json()["id"]
    done = complete_session(client, org.headers, session_id, RESULT)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "COMPLETE" and done.json()["result"] == RESULT
    assert done.json()["completed_at"] == "2026-01-15T09:00:00Z"
    listed = client.get(f"/api/v1/applications/{application['id']}/sessions", headers=org.headers).json()
    assert [s["id"] for s in listed] == [session_id]
    assert client.get(f"/api/v1/applications/{application['id']}", headers=org.headers).json()["session_count"] == 1


def test_attempts_beyond_the_step_limit_are_refused(
    client: TestClient, org: Org, opening: dict[str, Any], services: Services
) -> None:
    application = make_application(client, org, opening)
    s1, s2 = steps(opening)
    assert start_session(client, org, application["id"], s1).status_code == 201
    assert_refused(client, org, services, application["id"], s1, "attempt")
    for _ in range(3):  # s2 is unlimited
        assert start_session(client, org, application["id"], s2).status_code == 201


def test_an_unknown_step_is_an_invalid_field(client: TestClient, org: Org, opening: dict[str, Any]) -> None:
    application = make_application(client, org, opening)
    response = start_session(client, org, application["id"], "nope")
    assert response.status_code == 422 and response.json()["field"] == "step_id"


def test_a_result_without_a_scoreboard_is_rejected_and_changes_nothing(
    client: TestClient, org: Org, opening: dict[str, Any], services: Services
) -> None:
    application = make_application(client, org, opening)
    session = start_session(client, org, application["id"], steps(opening)[0]).json()
    before = table_counts(services)
    bad = {"scoreboard": {"pointsAchieved": "seven", "maxAchievablePoints": 10, "achievementRatio": 0.7}}
    response = complete_session(client, org.headers, session["id"], bad)
    assert response.status_code == 422 and response.json()["field"] == "result.scoreboard.pointsAchieved"
    assert table_counts(services) == before


def test_another_organizations_sessions_are_not_found(
    client: TestClient, org: Org, other_org: Org, opening: dict[str, Any]
) -> None:
    application = make_application(client, org, opening)
    session = start_session(client, org, application["id"], steps(opening)[0]).json()
    assert client.get(f"/api/v1/sessions/{session['id']}", headers=other_org.headers).status_code == 404
    assert complete_session(client, other_org.headers, session["id"], RESULT).status_code == 404
    assert start_session(client, other_org, application["id"], steps(opening)[0]).status_code == 404
