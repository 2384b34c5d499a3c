"""Paradox auth: client credentials buy an expiring bearer token, HTTP Basic works on every call, a plain Candidly
key works too; every refusal is the errors list."""

from __future__ import annotations

import base64

import pytest

from candidly.bootstrap import Services
from tests.api.paradox.conftest import BASE, access_token, basic, new_candidate, refused
from tests.helpers import FakeClock, Org, TestClient, make_key, table_counts


def test_client_credentials_give_a_bearer_token_that_lasts_the_configured_time(client: TestClient, org: Org) -> None:
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    response = client.post(f"{BASE}/auth/token", data=form)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert (body["expires_in"], body["token_type"]) == (3600, "bearer")
    listed = client.get(f"{BASE}/candidates", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200


def test_the_token_endpoint_also_takes_the_pair_as_http_basic(client: TestClient, org: Org) -> None:
    response = client.post(f"{BASE}/auth/token", data={"grant_type": "client_credentials"}, headers=basic(org))
    assert (response.status_code, response.json()["token_type"]) == (200, "bearer")


def test_a_wrong_secret_or_an_unknown_client_is_401(client: TestClient, org: Org, other_org: Org) -> None:
    for client_id, secret in ((org.key_id, "nope"), (org.key_id, other_org.token), ("unknown", org.token)):
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        error = refused(client.post(f"{BASE}/auth/token", data=form), 401, 1001)
        assert error["message"].startswith("Unauthorized")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"grant_type": "client_credentials"}, "client_id"),
        ({"grant_type": "client_credentials", "client_id": "k"}, "client_secret"),
        ({"grant_type": "password", "client_id": "k", "client_secret": "s"}, "grant_type"),
        ({"grant_type": "client_credentials", "client_id": "k" * 65, "client_secret": "s"}, "client_id"),
    ],
)
def test_a_malformed_token_request_is_400_with_the_documented_code_1015(
    client: TestClient, form: dict[str, str], field: str
) -> None:
    refused(client.post(f"{BASE}/auth/token", data=form), 400, 1015, field)


def test_an_expired_token_is_401_with_its_own_code(client: TestClient, org: Org, clock: FakeClock) -> None:
    headers = {"Authorization": f"Bearer {access_token(client, org)}"}
    clock.advance(seconds=3599)
    assert client.get(f"{BASE}/candidates", headers=headers).status_code == 200
    clock.advance(seconds=1)
    error = refused(client.get(f"{BASE}/candidates", headers=headers), 401, 1002, "Authorization")
    assert "expired" in error["message"]


def test_a_tampered_token_is_401(client: TestClient, org: Org) -> None:
    token = access_token(client, org)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused(client.get(f"{BASE}/candidates", headers={"Authorization": f"Bearer {tampered}"}), 401, 1001)


def test_a_plain_candidly_key_is_accepted_and_no_credentials_is_401(client: TestClient, org: Org) -> None:
    assert client.get(f"{BASE}/candidates", headers=org.headers).status_code == 200
    response = client.get(f"{BASE}/candidates")
    refused(response, 401, 1001, "Authorization")
    assert "Basic" in response.headers["www-authenticate"]


def test_http_basic_is_accepted_on_every_call(client: TestClient, org: Org) -> None:
    made = new_candidate(client, basic(org), ex_id="B-1")
    oid = made["OID"]
    assert client.get(f"{BASE}/candidates/{oid}", headers=basic(org)).status_code == 200
    assert client.get(f"{BASE}/candidates", headers=basic(org)).json()["count"] == 1
    assert client.put(f"{BASE}/candidates/{oid}", json={"job_title": "Cook"}, headers=basic(org)).status_code == 200
    patch = client.patch(f"{BASE}/candidate/attributes/{oid}", json={"attributes": {"a": "1"}}, headers=basic(org))
    assert patch.status_code == 200
    message = {"OID": oid, "message": "Hello"}
    assert client.post(f"{BASE}/candidates/send_message", json=message, headers=basic(org)).status_code == 200
    assert client.put(f"{BASE}/candidates/unsubscribe", json={"OID": oid}, headers=basic(org)).status_code == 200
    assert client.delete(f"{BASE}/candidates/{oid}", headers=basic(org)).status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [
        "Basic " + base64.b64encode(b"unknown-key:whatever").decode(),
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic not base64!",
    ],
)
def test_bad_basic_credentials_are_401_and_write_nothing(
    client: TestClient, org: Org, services: Services, credentials: str
) -> None:
    before = table_counts(services)
    body = {"name": "Ada Lovelace", "email": "ada@example.com"}
    refused(client.post(f"{BASE}/candidates", json=body, headers={"Authorization": credentials}), 401, 1001)
    assert table_counts(services) == before


def test_basic_with_another_companys_secret_is_401(client: TestClient, org: Org, other_org: Org) -> None:
    pair = base64.b64encode(f"{org.key_id}:{other_org.token}".encode()).decode()
    refused(client.get(f"{BASE}/candidates", headers={"Authorization": f"Basic {pair}"}), 401, 1001)


def test_the_dialect_publishes_its_openapi_document(client: TestClient) -> None:
    document = client.get(f"{BASE}/openapi.json").json()
    # The ids are named as Paradox's reference names them.
    assert {"/auth/token", "/candidates", "/candidates/{ID}", "/candidate/attributes/{OID}"} <= set(document["paths"])
    assert {"put", "patch", "get", "delete"} <= set(document["paths"]["/candidates/{ID}"])


def test_a_key_without_the_scope_a_call_needs_is_401_as_paradox_has_no_403(
    client: TestClient, org: Org, services: Services
) -> None:
    read_only = make_key(client, org, ["read:candidates"])
    before = table_counts(services)
    response = client.post(f"{BASE}/candidates", json={"name": "A B", "email": "a@example.com"}, headers=read_only)
    refused(response, 401, 1003, "Authorization")
    assert table_counts(services) == before
    assert client.get(f"{BASE}/candidates", headers=read_only).status_code == 200
