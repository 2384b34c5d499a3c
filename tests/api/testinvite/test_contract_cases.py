"""The seeds' example bodies, kept as contract cases and replayed against the dialect."""

from __future__ import annotations

from typing import Any

from tests.api.testinvite.conftest import BASE, case, ids_of
from tests.helpers import Org, TestClient


def test_the_create_seed_for_a_temporary_candidate_answers_the_basic_object(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    contract = case("create_temporary", ids_of(task))
    response = client.post(f"{BASE}/{task['id']}/candidates", json=contract["request"], headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in contract["response"]} == contract["response"]
    assert set(body) == {
        "candidateId",
        "kind",
        "taskId",
        "loggedIn",
        "fullname",
        "email",
        "invitationCode",
        "directAccessUrl",
    }
    assert body["directAccessUrl"] == f"https://candidly.test/access/{body['invitationCode']}"


def test_the_create_seed_for_an_internal_candidate_copies_the_user(
    client: TestClient, org: Org, task: dict[str, Any], user: dict[str, Any]
) -> None:
    contract = case("create_internal", ids_of(task, user))
    response = client.post(f"{BASE}/{task['id']}/candidates", json=contract["request"], headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in contract["response"]} == contract["response"]


def test_the_update_seed_answers_the_detailed_object(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    ids = ids_of(task)
    created = client.post(
        f"{BASE}/{task['id']}/candidates", json=case("create_temporary", ids)["request"], headers=org.headers
    ).json()
    contract = case("update", ids)
    response = client.patch(
        f"{BASE}/{task['id']}/candidates/{created['candidateId']}", json=contract["request"], headers=org.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in contract["response"]} == contract["response"]
    assert body["organizationId"] == org.id
