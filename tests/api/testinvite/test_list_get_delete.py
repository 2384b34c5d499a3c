"""TestInvite list (pagination that keeps filters), get with mode, and delete only for untouched candidates."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from candidly.bootstrap import Services
from tests.api.testinvite.conftest import BASE, create
from tests.helpers import Org, TestClient, table_counts


def test_pages_carry_totals_and_links_that_keep_the_filters(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    for i in range(5):
        create(client, org, task, fullname="Same Name", email=f"p{i}@example.com")
    create(client, org, task, fullname="Other Person")
    url = f"{BASE}/{task['id']}/candidates"
    first = client.get(f"{url}?limit=2&fullname=Same%20Name&mode=detailed", headers=org.headers).json()
    assert first["pagination"]["totalItems"] == 5 and first["pagination"]["totalPages"] == 3
    assert first["pagination"]["previous"] is None
    assert parse_qs(first["pagination"]["next"][1:]) == {
        "limit": ["2"],
        "page": ["2"],
        "mode": ["detailed"],
        "fullname": ["Same Name"],
    }
    second = client.get(url + first["pagination"]["next"], headers=org.headers).json()
    assert len(second["candidates"]) == 2 and "organizationId" in second["candidates"][0]
    last = client.get(f"{url}?limit=2&page=3&fullname=Same%20Name", headers=org.headers).json()
    assert len(last["candidates"]) == 1 and last["pagination"]["next"] is None
    everyone = client.get(url, headers=org.headers).json()
    assert everyone["pagination"]["totalItems"] == 6 and set(everyone["candidates"][0]) >= {
        "candidateId",
        "invitationCode",
    }
    assert "organizationId" not in everyone["candidates"][0]


def test_email_and_code_filters_match_exactly(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    ada = create(client, org, task, email="ada@example.com")
    create(client, org, task, email="bob@example.com")
    url = f"{BASE}/{task['id']}/candidates"
    by_email = client.get(f"{url}?email=ada@example.com", headers=org.headers).json()["candidates"]
    by_code = client.get(f"{url}?code={ada['invitationCode']}", headers=org.headers).json()["candidates"]
    assert [c["candidateId"] for c in by_email] == [c["candidateId"] for c in by_code] == [ada["candidateId"]]
    assert client.get(f"{url}?email=ADA@example.com", headers=org.headers).json()["candidates"] == []


def test_bad_paging_is_400(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    url = f"{BASE}/{task['id']}/candidates"
    for query in ("limit=0", "page=0", "limit=-1", "limit=x", "mode=everything"):
        response = client.get(f"{url}?{query}", headers=org.headers)
        assert response.status_code == 400 and set(response.json()) == {"message", "code"}, query


def test_get_answers_basic_or_detailed(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    ada = create(client, org, task, fullname="Ada")
    url = f"{BASE}/{task['id']}/candidates/{ada['candidateId']}"
    assert client.get(url, headers=org.headers).json() == ada
    assert client.get(f"{url}?mode=default", headers=org.headers).json() == ada
    detailed = client.get(f"{url}?mode=detailed", headers=org.headers).json()
    assert detailed["group"] == "default" and detailed["source"] == "pre-registration"
    assert client.get(f"{BASE}/{task['id']}/candidates/nope", headers=org.headers).status_code == 404


def test_delete_answers_an_empty_object_then_404(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    ada = create(client, org, task)
    url = f"{BASE}/{task['id']}/candidates/{ada['candidateId']}"
    response = client.delete(url, headers=org.headers)
    assert (response.status_code, response.json()) == (200, {})
    assert client.get(url, headers=org.headers).status_code == 404
    assert client.delete(url, headers=org.headers).status_code == 404
    assert client.get(f"{BASE}/{task['id']}/candidates", headers=org.headers).json()["pagination"]["totalItems"] == 0


def test_a_candidate_with_a_test_session_cannot_be_deleted(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    ada = create(client, org, task)
    started = client.post(
        f"/api/v1/applications/{ada['candidateId']}/sessions",
        json={"step_id": task["steps"][0]["id"]},
        headers=org.headers,
    )
    assert started.status_code == 201, started.text
    before = table_counts(services)
    response = client.delete(f"{BASE}/{task['id']}/candidates/{ada['candidateId']}", headers=org.headers)
    assert response.status_code == 403 and set(response.json()) == {"message", "code"}
    assert response.json()["message"] == "a candidate who has logged in or has test sessions cannot be deleted"
    assert table_counts(services) == before


def test_the_dialect_publishes_its_openapi_document(client: TestClient) -> None:
    doc = client.get("/testinvite/openapi.json").json()
    assert "/api/integration/rest/v1/tasks/{task_id}/candidates" in doc["paths"]
    assert "/api/integration/rest/v1/tasks/{task_id}/candidates/{candidate_id}" in doc["paths"]
