"""A key of one organization can neither read, change nor delete another's resources (404, never 200)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Org, TestClient, make_opening


def _resources(client: TestClient, org: Org) -> dict[str, str]:
    opening = make_opening(client, org)
    user = client.post("/api/v1/users", json={"username": "u"}, headers=org.headers).json()
    candidate = client.post(
        "/api/v1/candidates", json={"first_name": "Ada", "email": "ada@acme.example"}, headers=org.headers
    ).json()
    application = client.post(
        "/api/v1/applications", json={"opening_id": opening["id"], "candidate_id": candidate["id"]}, headers=org.headers
    ).json()
    return {
        "openings": opening["id"],
        "users": user["id"],
        "candidates": candidate["id"],
        "applications": application["id"],
    }


PATCHES: dict[str, dict[str, Any]] = {
    "openings": {"name": "Hijacked"},
    "users": {"fullname": "Hijacked"},
    "candidates": {"first_name": "Hijacked"},
    "applications": {"stage": "Hijacked"},
}


@pytest.mark.parametrize("resource", ["openings", "users", "candidates", "applications"])
def test_another_organizations_resource_is_404_for_read_change_and_delete(
    client: TestClient, org: Org, other_org: Org, resource: str
) -> None:
    ids = _resources(client, org)
    url = f"/api/v1/{resource}/{ids[resource]}"
    assert client.get(url, headers=other_org.headers).status_code == 404
    assert client.patch(url, json=PATCHES[resource], headers=other_org.headers).status_code == 404
    assert client.delete(url, headers=other_org.headers).status_code == 404
    after = client.get(url, headers=org.headers)
    assert after.status_code == 200
    assert "Hijacked" not in after.text
    assert after.json()["version"] == 1


@pytest.mark.parametrize("resource", ["openings", "users", "candidates", "applications"])
def test_lists_show_only_the_callers_organization(client: TestClient, org: Org, other_org: Org, resource: str) -> None:
    ids = _resources(client, org)
    listing = client.get(f"/api/v1/{resource}", headers=other_org.headers)
    assert listing.status_code == 200
    assert listing.json()["items"] == []
    assert ids[resource] in client.get(f"/api/v1/{resource}", headers=org.headers).text


def test_an_application_cannot_point_at_another_organizations_opening_or_candidate(
    client: TestClient, org: Org, other_org: Org
) -> None:
    ids = _resources(client, org)
    mine = make_opening(client, other_org)
    # An id in the body that the caller cannot see is an invalid field: the same answer as an id that never existed.
    foreign_opening = client.post(
        "/api/v1/applications", json={"opening_id": ids["openings"], "candidate": {}}, headers=other_org.headers
    )
    assert (foreign_opening.status_code, foreign_opening.json()["field"]) == (422, "opening_id")
    foreign_candidate = client.post(
        "/api/v1/applications",
        json={"opening_id": mine["id"], "candidate_id": ids["candidates"]},
        headers=other_org.headers,
    )
    assert (foreign_candidate.status_code, foreign_candidate.json()["field"]) == (422, "candidate_id")
    assert client.get("/api/v1/applications", headers=other_org.headers).json()["items"] == []


def test_a_key_cannot_revoke_another_organizations_key(client: TestClient, org: Org, other_org: Org) -> None:
    assert client.delete(f"/api/v1/api-keys/{org.key_id}", headers=other_org.headers).status_code == 404
    assert client.get("/api/v1/candidates", headers=org.headers).status_code == 200
