"""The bootstrap contract of DESIGN.md, exactly as written."""

from __future__ import annotations

from candidly.domain.principals import ALL_SCOPES
from tests.helpers import SAMPLE_OPENING, Org, TestClient, make_key, operator_headers


def test_operator_creates_an_organization_whose_key_holds_every_scope(client: TestClient) -> None:
    response = client.post("/api/v1/organizations", json={"name": "Acme"}, headers=operator_headers())
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Acme"
    assert set(body["api_key"]) >= {"id", "token", "scopes"}
    assert set(body["api_key"]["scopes"]) == ALL_SCOPES
    assert body["api_key"]["token"].startswith("cdly_")


def test_an_organization_key_cannot_create_organizations(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/organizations", json={"name": "Evil"}, headers=org.headers)
    assert response.status_code == 403


def test_admin_key_makes_keys_with_chosen_scopes(client: TestClient, org: Org) -> None:
    response = client.post(
        "/api/v1/api-keys", json={"name": "reader", "scopes": ["read:candidates"]}, headers=org.headers
    )
    assert response.status_code == 201
    assert response.json()["scopes"] == ["read:candidates"]
    reader = {"Authorization": f"Bearer {response.json()['token']}"}
    assert client.get("/api/v1/candidates", headers=reader).status_code == 200
    assert client.post("/api/v1/candidates", json={"first_name": "A"}, headers=reader).status_code == 403


def test_opening_response_repeats_the_request_with_generated_ids(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/openings", json=SAMPLE_OPENING, headers=org.headers)
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "task" and body["name"] == "Backend assessment" and body["external_id"] == "REQ-1"
    step = body["steps"][0]
    assert step["id"] and step["key"] == "s1" and step["attempt_limit"] == 1
    assert step["active_before"] == "2030-01-01T00:00:00Z"
    assert body["programs"][0]["id"] and body["programs"][0]["step_ids"] == [step["id"]]
    assert body["email_templates"][0]["name"] == "invite"


def test_users_are_created_with_their_id(client: TestClient, org: Org) -> None:
    response = client.post(
        "/api/v1/users", json={"username": "ada", "fullname": "Ada Lovelace", "email": "ada@example.com", "tags": {}},
        headers=org.headers,
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["id"]


def test_unknown_and_revoked_keys_are_401(client: TestClient, org: Org) -> None:
    assert client.get("/api/v1/candidates").status_code == 401
    assert client.get("/api/v1/candidates", headers={"Authorization": "Bearer cdly_nope"}).status_code == 401
    key = client.post(
        "/api/v1/api-keys", json={"name": "tmp", "scopes": ["read:candidates"]}, headers=org.headers
    ).json()
    assert client.delete(f"/api/v1/api-keys/{key['id']}", headers=org.headers).status_code == 204
    assert client.get("/api/v1/candidates", headers={"Authorization": f"Bearer {key['token']}"}).status_code == 401


def test_operator_makes_one_key_for_several_organizations(client: TestClient, org: Org, other_org: Org) -> None:
    response = client.post(
        "/api/v1/api-keys", json={"name": "ats", "scopes": ["read:candidates"], "organization_ids": [org.id, other_org.id]},
        headers=operator_headers(),
    )  # fmt: skip
    assert response.status_code == 201
    ats = {"Authorization": f"Bearer {response.json()['token']}"}
    assert client.get("/api/v1/candidates", headers={**ats, "X-Organization-Id": other_org.id}).status_code == 200
    assert make_key(client, org, ["read:openings"])  # an admin key still makes ordinary keys
