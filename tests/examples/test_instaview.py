"""Testing an InstaView integration: create/read/update a candidate, and its GDPR expiry erasing it."""

from datetime import timedelta

import httpx

from candidly.testing import CandidlyOrg, Clock


def test_a_candidate_is_updated_then_erased_when_its_gdpr_expiry_date_passes(
    candidly_org: CandidlyOrg, candidly_clock: Clock
) -> None:
    instaview = candidly_org.instaview  # base_url and api_key, as InstaView's client is configured
    auth = {"Authorization": f"Bearer {instaview.api_key}"}
    expiry = (candidly_clock.now() + timedelta(days=30)).date().isoformat()

    created = httpx.post(f"{instaview.base_url}/candidates", headers=auth, json={
        "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "gdprExpiryDate": expiry,
    }).json()  # fmt: skip
    candidate = f"{instaview.base_url}/candidates/{created['id']}"
    assert httpx.patch(candidate, headers=auth, json={"status": "IN_PROCESS"}).status_code == 200
    assert httpx.get(candidate, headers=auth).json()["status"] == "IN_PROCESS"

    candidly_clock.advance(days=31)  # moving the clock runs the GDPR sweep
    assert httpx.get(candidate, headers=auth).status_code == 404
