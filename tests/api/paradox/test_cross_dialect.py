"""One person, two vendors: a candidate created through InstaView is read and updated through Paradox."""

from __future__ import annotations

from tests.api.instaview.conftest import new_candidate as instaview_candidate
from tests.api.paradox.conftest import BASE
from tests.helpers import Org, TestClient


def test_an_instaview_candidate_can_be_read_and_updated_through_paradox(
    client: TestClient, org: Org, px: dict[str, str]
) -> None:
    made = instaview_candidate(client, org, email="iv@example.com", phoneNumber="+421901234567")
    listed = client.get(f"{BASE}/candidates", params={"email": "iv@example.com"}, headers=px).json()
    assert listed["count"] == 1
    seen = listed["candidates"][0]["candidate"]
    assert (seen["first_name"], seen["last_name"], seen["phone"]) == ("Jane", "Doe", "+421901234567")
    assert client.get(f"{BASE}/candidates/{seen['external_oid']}", headers=px).json()["candidate"] == seen
    changed = {"name": "Janet Doe-Smith", "job_title": "Welder", "primary_contact_method": 2}
    body = client.put(f"{BASE}/candidates/{seen['OID']}", json=changed, headers=px).json()["candidate"]
    assert (body["first_name"], body["last_name"], body["job_title"], body["primary_contact_method"]) == (
        "Janet", "Doe-Smith", "Welder", 2,
    )  # fmt: skip
    back = client.get(f"/instaview/candidates/{made['id']}", headers=org.headers).json()
    assert (back["firstName"], back["lastName"], back["email"]) == ("Janet", "Doe-Smith", "iv@example.com")
