"""Idempotency-Key as a Paradox client uses it: a retry is the same caller whether it carries the same access
token, a freshly minted one, or HTTP Basic with the same key; another company's key never shares its keys."""

from __future__ import annotations

import base64

from candidly.bootstrap import Services
from tests.api.paradox.conftest import BASE, access_token, basic, new_candidate
from tests.helpers import FakeClock, Org, TestClient, table_counts

BODY = {"name": "Jane Doe", "email": "jane@example.com", "phone": "+14155550123"}


def create(client: TestClient, headers: dict[str, str], key: str = "create-jane") -> tuple[int, bool]:
    """The OID a create answers and whether the answer is a replay."""
    response = client.post(f"{BASE}/candidates", json=BODY, headers={**headers, "Idempotency-Key": key})
    assert response.status_code == 200, response.text
    return response.json()["candidate"]["OID"], response.headers.get("idempotent-replayed") == "true"


def test_a_retry_with_a_fresh_token_or_basic_replays_the_first_answer(
    client: TestClient, org: Org, clock: FakeClock, services: Services
) -> None:
    first = {"Authorization": f"Bearer {access_token(client, org)}"}
    oid, replayed = create(client, first)
    assert not replayed
    before = table_counts(services)
    clock.advance(seconds=30)  # the client's token is renewed before its retry: another iat, another token
    fresh = {"Authorization": f"Bearer {access_token(client, org)}"}
    assert fresh != first
    assert create(client, fresh) == (oid, True)
    assert create(client, basic(org)) == (oid, True)
    assert create(client, org.headers) == (oid, True)  # the key itself as the bearer token
    assert table_counts(services) == before
    assert client.get(f"{BASE}/candidates", headers=fresh).json()["count"] == 1


def test_the_same_idempotency_key_of_another_company_is_its_own(client: TestClient, org: Org, other_org: Org) -> None:
    ours, _ = create(client, basic(org))
    theirs, replayed = create(client, basic(other_org))
    assert not replayed
    mine = client.get(f"{BASE}/candidates", headers=basic(org)).json()["candidates"]
    assert [c["candidate"]["OID"] for c in mine] == [ours]
    assert client.get(f"{BASE}/candidates/{theirs}", headers=basic(other_org)).status_code == 200


def test_a_refused_credential_is_never_taken_for_the_key_it_names(client: TestClient, org: Org) -> None:
    oid, _ = create(client, basic(org))
    wrong = {"Authorization": "Basic " + base64.b64encode(f"{org.key_id}:nope".encode()).decode()}
    response = client.post(f"{BASE}/candidates", json=BODY, headers={**wrong, "Idempotency-Key": "create-jane"})
    assert response.status_code == 401 and "idempotent-replayed" not in response.headers
    assert new_candidate(client, basic(org), email="other@example.com")["OID"] != oid
