"""InstaView company isolation (403 for another company's candidates and jobs) and ATS keys with companyId."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.instaview.conftest import BASE, new_candidate, new_job, uuid
from tests.helpers import Org, TestClient, make_key, table_counts


def test_another_companys_candidate_is_403_and_unchanged(
    client: TestClient, org: Org, other_org: Org, services: Services
) -> None:
    person = new_candidate(client, org)
    url = f"{BASE}/candidates/{person['id']}"
    before = table_counts(services)
    for method, body in (("GET", None), ("PATCH", {"firstName": "Hijacked"}), ("DELETE", None)):
        response = client.request(method, url, json=body, headers=other_org.headers)
        assert response.status_code == 403, (method, response.text)
        assert "Jane" not in response.text
    assert table_counts(services) == before
    assert client.get(f"{BASE}/candidates", headers=other_org.headers).json()["data"] == []


def test_another_companys_jobs_are_403_and_nothing_is_written(
    client: TestClient, org: Org, other_org: Org, services: Services
) -> None:
    foreign = new_job(client, other_org)
    person = new_candidate(client, org)
    before = table_counts(services)
    # Another company's job is named first, even beside a field the write itself refuses (a bad email).
    for email in ("a@example.com", "not an address"):
        body = {"email": email, "jobIds": [foreign["id"]]}
        response = client.patch(f"{BASE}/candidates/{person['id']}", json=body, headers=org.headers)
        created = client.post(f"{BASE}/candidates", json={"firstName": "A", "lastName": "B",
                                                        "gdprExpiryDate": "2031-01-01", **body}, headers=org.headers)  # fmt: skip
        for refused in (response, created):
            assert (refused.status_code, refused.json()["details"]) == (403, {"field": "jobIds[0]"}), refused.text
    assert client.get(f"{BASE}/jobs/{foreign['id']}", headers=org.headers).status_code == 403
    assert table_counts(services) == before


def test_ats_keys_must_name_a_company_they_manage(
    client: TestClient, org: Org, other_org: Org, ats_headers: dict[str, str], services: Services
) -> None:
    missing = client.get(f"{BASE}/candidates", headers=ats_headers)
    assert missing.status_code == 400 and missing.json()["message"].startswith("companyId")
    stranger = client.post(
        "/api/v1/organizations", json={"name": "Stranger"}, headers={"Authorization": "Bearer test-operator-token"}
    ).json()
    assert client.get(f"{BASE}/candidates?companyId={stranger['id']}", headers=ats_headers).status_code == 403
    body = {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com", "gdprExpiryDate": "2031-01-01"}
    made = client.post(f"{BASE}/candidates?companyId={other_org.id}", json=body, headers=ats_headers)
    assert made.status_code == 201
    assert client.get(f"{BASE}/candidates/{made.json()['id']}", headers=other_org.headers).status_code == 200
    assert (
        client.get(f"{BASE}/candidates/{made.json()['id']}?companyId={org.id}", headers=ats_headers).status_code == 403
    )


def test_a_regular_key_ignores_company_id(client: TestClient, org: Org, other_org: Org) -> None:
    person = new_candidate(client, org)
    response = client.get(f"{BASE}/candidates/{person['id']}?companyId={other_org.id}", headers=org.headers)
    assert response.status_code == 200


def test_scopes_map_onto_instaview_names(client: TestClient, org: Org, job: dict[str, Any]) -> None:
    reader = make_key(client, org, ["read:candidates"])
    response = client.get(f"{BASE}/candidates?jobId={job['id']}", headers=reader)
    assert response.status_code == 403 and "read:jobs" in response.json()["message"]
    assert (
        client.post(f"{BASE}/jobs", json={"title": "x", "description": "y"}, headers=reader)
        .json()["message"]
        .endswith("write:jobs not found")
    )
    assert client.get(f"{BASE}/candidates", headers=reader).status_code == 200
    unknown = client.get(f"{BASE}/candidates", headers={"Authorization": "Bearer sk_live_nope"})
    assert (unknown.status_code, unknown.json()["code"]) == (401, "INVALID_API_KEY")
    # The key is checked before the body (InstaView's documented order): a bad body with a bad key is a 401.
    bad = client.post(f"{BASE}/candidates", json={"firstName": 5}, headers={"Authorization": "Bearer sk_live_nope"})
    assert (bad.status_code, bad.json()["code"]) == (401, "INVALID_API_KEY")


def test_jobs_are_created_read_and_listed(client: TestClient, org: Org, job: dict[str, Any]) -> None:
    assert (job["title"], job["description"], job["status"], job["companyId"]) == (
        "Engineer",
        "Build things",
        "OPEN",
        uuid(org.id),
    )
    assert client.get(f"{BASE}/jobs/{job['id']}", headers=org.headers).json() == job
    listed = client.get(f"{BASE}/jobs", headers=org.headers).json()
    assert (listed["total"], listed["data"][0]["id"]) == (1, job["id"])
