"""Scopes mean what they say: a write-only key reads nothing, a refused call writes nothing, keys mint no more
than they hold, and only the operator revokes a key several organizations share."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.helpers import Org, TestClient, make_key, make_opening, operator_headers, table_counts

WRITE_ONLY = ["write:candidates", "read:openings", "write:openings"]


@pytest.fixture
def world(client: TestClient, org: Org) -> dict[str, Any]:
    opening = make_opening(client, org)
    person = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+14155550100"}
    candidate = client.post("/api/v1/candidates", json=person, headers=org.headers).json()
    application = client.post(
        "/api/v1/applications", json={"opening_id": opening["id"], "candidate_id": candidate["id"]}, headers=org.headers
    ).json()
    return {"opening": opening, "candidate": candidate, "application": application}


def _calls(world: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    opening, candidate, application = world["opening"]["id"], world["candidate"]["id"], world["application"]["id"]
    testinvite = f"/testinvite/api/integration/rest/v1/tasks/{opening}/candidates"
    return [
        ("PATCH", f"/api/v1/candidates/{candidate}", {}),
        ("PATCH", f"/api/v1/candidates/{candidate}", {"first_name": "Eve"}),
        ("POST", "/api/v1/candidates", {"first_name": "Eve"}),
        ("PATCH", f"/api/v1/applications/{application}", {"status": "hired"}),
        ("POST", "/api/v1/applications", {"opening_id": opening, "candidate_id": candidate}),
        ("PATCH", f"{testinvite}/{application}", {"fields": {"group": "late"}}),
        ("POST", testinvite, {"kind": "temporary-candidate", "fullname": "Eve Adams", "email": "eve@example.com"}),
        ("POST", "/instaview/candidates",
         {"firstName": "Eve", "lastName": "Adams", "email": "eve@example.com", "gdprExpiryDate": "2031-06-30"}),
    ]  # fmt: skip


def test_a_write_only_key_reads_nothing_and_writes_nothing(
    client: TestClient, org: Org, world: dict[str, Any], services: Services
) -> None:
    """Each of these answers with the record: a key that may not read it gets 403 before anything is saved."""
    write_only = make_key(client, org, WRITE_ONLY)
    for method, path, body in _calls(world):
        before = table_counts(services)
        response = client.request(method, path, json=body, headers=write_only)
        assert response.status_code == 403, (method, path, response.text)
        assert "ada@example.com" not in response.text and "Lovelace" not in response.text
        assert table_counts(services) == before, (method, path)
    application = client.get(f"/api/v1/applications/{world['application']['id']}", headers=org.headers).json()
    assert (application["status"], application["version"]) == (world["application"]["status"], 1)


def test_a_key_that_may_read_and_write_still_gets_the_record(
    client: TestClient, org: Org, world: dict[str, Any]
) -> None:
    both = make_key(client, org, [*WRITE_ONLY, "read:candidates"])
    response = client.patch(f"/api/v1/candidates/{world['candidate']['id']}", json={}, headers=both)
    assert (response.status_code, response.json()["email"]) == (200, "ada@example.com")


def test_a_key_that_may_write_openings_but_not_read_them_gets_no_opening_and_changes_none(
    client: TestClient, org: Org, world: dict[str, Any], services: Services
) -> None:
    """Creating or changing an opening answers with it (its templates, steps and settings): that needs read:openings."""
    write_only = make_key(client, org, ["write:openings"])
    opening = world["opening"]
    calls = [
        ("POST", "/api/v1/openings", {"kind": "task", "name": "Hidden"}),
        ("PATCH", f"/api/v1/openings/{opening['id']}", {"name": "Renamed"}),
        ("POST", "/instaview/v1/jobs", {"title": "Hidden", "description": "Build APIs"}),
    ]
    for method, path, body in calls:
        before = table_counts(services)
        response = client.request(method, path, json=body, headers=write_only)
        assert response.status_code == 403, (method, path, response.text)
        assert "read:" in response.text and opening["id"] not in response.text  # InstaView says read:jobs
        assert table_counts(services) == before, (method, path)
    shown = client.get(f"/api/v1/openings/{opening['id']}", headers=org.headers).json()
    assert (shown["name"], shown["version"]) == (opening["name"], opening["version"])


def test_a_key_mints_only_scopes_it_holds(client: TestClient, org: Org, services: Services) -> None:
    admin_only = make_key(client, org, ["admin"])
    before = table_counts(services)
    response = client.post("/api/v1/api-keys", json={"name": "x", "scopes": ["read:salary"]}, headers=admin_only)
    assert response.status_code == 403 and "read:salary" in response.text
    assert table_counts(services) == before
    assert make_key(client, org, ["admin"], name="again")  # its own scopes it may give
    assert client.post("/api/v1/api-keys", json={"name": "y", "scopes": ["read:salary"]}, headers=org.headers)


def test_only_the_operator_revokes_a_key_of_several_organizations(
    client: TestClient, org: Org, other_org: Org, services: Services
) -> None:
    body = {"name": "ats", "scopes": ["read:candidates"], "organization_ids": [org.id, other_org.id]}
    ats = client.post("/api/v1/api-keys", json=body, headers=operator_headers()).json()
    before = table_counts(services)
    refused = client.delete(f"/api/v1/api-keys/{ats['id']}", headers=org.headers)
    assert refused.status_code == 403
    assert table_counts(services) == before
    ats_headers = {"Authorization": f"Bearer {ats['token']}", "X-Organization-Id": other_org.id}
    assert client.get("/api/v1/candidates", headers=ats_headers).status_code == 200
    assert client.delete(f"/api/v1/api-keys/{ats['id']}", headers=operator_headers()).status_code == 204
    assert client.get("/api/v1/candidates", headers=ats_headers).status_code == 401
