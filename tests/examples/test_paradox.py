"""Testing a Paradox integration: OAuth client credentials, create/read/update a candidate, the token expiring."""

import httpx

from candidly.testing import CandidlyOrg, Clock


def test_a_candidate_is_created_and_updated_until_the_access_token_expires(
    candidly_org: CandidlyOrg, candidly_clock: Clock
) -> None:
    paradox = candidly_org.paradox  # base_url, client_id and client_secret, as Paradox's client is configured
    grant = {"grant_type": "client_credentials", "client_id": paradox.client_id, "client_secret": paradox.client_secret}
    token = httpx.post(f"{paradox.base_url}/auth/token", data=grant).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    created = httpx.post(f"{paradox.base_url}/candidates", headers=auth,
                         json={"name": "Jane Doe", "email": "jane@example.com", "phone": "+14155550123"}).json()  # fmt: skip
    oid = created["candidate"]["OID"]
    updated = httpx.put(f"{paradox.base_url}/candidates/{oid}", headers=auth, json={"email": "jane.doe@example.com"})
    assert updated.json()["success"] is True
    read = httpx.get(f"{paradox.base_url}/candidates/{oid}", headers=auth).json()["candidate"]
    assert (read["name"], read["email"]) == ("Jane Doe", "jane.doe@example.com")

    candidly_clock.advance(hours=2)  # access tokens last an hour
    assert httpx.get(f"{paradox.base_url}/candidates/{oid}", headers=auth).status_code == 401
