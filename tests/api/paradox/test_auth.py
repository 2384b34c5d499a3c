"""Paradox OAuth: client credentials buy an expiring bearer token; a plain Candidly key works too."""

from __future__ import annotations

from tests.api.paradox.conftest import BASE, access_token
from tests.helpers import FakeClock, Org, TestClient, make_key


def test_client_credentials_give_a_bearer_token_that_lasts_the_configured_time(client: TestClient, org: Org) -> None:
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    response = client.post(f"{BASE}/auth/token", data=form)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert (body["expires_in"], body["token_type"]) == (3600, "Bearer")
    listed = client.get(f"{BASE}/candidates", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200


def test_a_wrong_secret_or_an_unknown_client_is_401(client: TestClient, org: Org, other_org: Org) -> None:
    for client_id, secret in ((org.key_id, "nope"), (org.key_id, other_org.token), ("unknown", org.token)):
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        response = client.post(f"{BASE}/auth/token", data=form)
        assert response.status_code == 401
        assert response.json()["success"] is False


def test_a_missing_form_field_is_400_in_the_paradox_envelope(client: TestClient, org: Org) -> None:
    response = client.post(f"{BASE}/auth/token", data={"client_id": org.key_id})
    assert response.status_code == 400
    assert response.json() == {"success": False, "message": "client_secret: Field required"}


def test_an_expired_token_is_401(client: TestClient, org: Org, clock: FakeClock) -> None:
    headers = {"Authorization": f"Bearer {access_token(client, org)}"}
    clock.advance(seconds=3599)
    assert client.get(f"{BASE}/candidates", headers=headers).status_code == 200
    clock.advance(seconds=1)
    response = client.get(f"{BASE}/candidates", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_a_tampered_token_is_401(client: TestClient, org: Org) -> None:
    token = access_token(client, org)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"{BASE}/candidates", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401


def test_a_plain_candidly_key_is_accepted_and_no_credentials_is_401(client: TestClient, org: Org) -> None:
    assert client.get(f"{BASE}/candidates", headers=org.headers).status_code == 200
    response = client.get(f"{BASE}/candidates")
    assert (response.status_code, response.json()["success"]) == (401, False)


def test_the_dialect_publishes_its_openapi_document(client: TestClient) -> None:
    document = client.get(f"{BASE}/openapi.json").json()
    assert {"/auth/token", "/candidates", "/candidates/{candidate_id}"} <= set(document["paths"])
    assert {"put", "patch", "get", "delete"} <= set(document["paths"]["/candidates/{candidate_id}"])


def test_a_key_without_the_scope_a_call_needs_is_401_as_paradox_has_no_403(client: TestClient, org: Org) -> None:
    read_only = make_key(client, org, ["read:candidates"])
    response = client.post(f"{BASE}/candidates", json={"name": "A B", "email": "a@example.com"}, headers=read_only)
    assert (response.status_code, response.json()["success"]) == (401, False)
    assert client.get(f"{BASE}/candidates", headers=read_only).status_code == 200
