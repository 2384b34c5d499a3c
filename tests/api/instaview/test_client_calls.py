"""What an InstaView client sends, answered as InstaView answers: the seed's PATCH example, nulls, timestamps, words."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.instaview.conftest import BASE, FUTURE, new_candidate, new_job
from tests.helpers import Org, TestClient, table_counts

# Seed 002's example request body, value for value (the test clock is 2026-01-15, so its GDPR date is ahead).
SEED_PATCH: dict[str, Any] = {
    "firstName": "John",
    "lastName": "Doe",
    "email": "john.doe@example.com",
    "phoneNumber": "+421901234567",
    "gdprExpiryDate": "2026-11-16",
    "status": "IN_PROCESS",
    "jobIds": ["123e4567-e89b-12d3-a456-426614174000", "987e6543-e21b-12d3-a456-426614174001"],
    "metadata": {"source": "LinkedIn", "referredBy": "John Smith"},
    "gender": "female",
    "cv": "Jane Doe\nSoftware Engineer\nExperience: ...",
}


def test_the_seed_patch_example_answers_what_the_seed_shows(client: TestClient, org: Org, services: Services) -> None:
    person = new_candidate(client, org, firstName="John", lastName="Doe")
    url = f"{BASE}/candidates/{person['id']}"
    before = table_counts(services)
    refused = client.patch(url, json=SEED_PATCH, headers=org.headers)  # the seed's job ids exist nowhere: 400
    assert (refused.status_code, refused.json()["details"]) == (400, {"field": "jobIds[0]"})
    assert table_counts(services) == before
    jobs = [new_job(client, org, "Engineer")["id"], new_job(client, org, "Designer")["id"]]
    body = client.patch(url, json={**SEED_PATCH, "jobIds": jobs}, headers=org.headers).json()
    assert {k: body[k] for k in SEED_PATCH} == {
        **SEED_PATCH,
        "jobIds": jobs,
        "cv": "[NAME]\nSoftware Engineer\nExperience: ...",
    }
    assert body["jobId"] == jobs[0]


@pytest.mark.parametrize("field", ["firstName", "lastName", "status", "gdprExpiryDate", "jobIds"])
def test_a_patch_cannot_null_a_field_every_candidate_has(
    client: TestClient, org: Org, services: Services, field: str
) -> None:
    person = new_candidate(client, org)
    before = table_counts(services)
    response = client.patch(f"{BASE}/candidates/{person['id']}", json={field: None}, headers=org.headers)
    assert response.status_code == 400, response.text
    assert (response.json()["message"], response.json()["details"]) == (f"{field}: must not be null", {"field": field})
    assert table_counts(services) == before


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-11-16T10:30:00.000Z", "2026-11-16"),
        ("2026-11-17T01:00:00+05:00", "2026-11-16"),
        ("2026-11-16", "2026-11-16"),
    ],
)
def test_the_gdpr_date_may_be_an_iso_timestamp_whose_utc_date_is_kept(
    client: TestClient, org: Org, sent: str, stored: str
) -> None:
    person = new_candidate(client, org, gdprExpiryDate=sent)
    assert person["gdprExpiryDate"] == stored
    patched = client.patch(f"{BASE}/candidates/{person['id']}", json={"gdprExpiryDate": sent}, headers=org.headers)
    assert patched.json()["gdprExpiryDate"] == stored


def test_a_past_gdpr_timestamp_is_refused_naming_the_field(client: TestClient, org: Org, services: Services) -> None:
    before = table_counts(services)
    body = {"firstName": "A", "lastName": "B", "email": "a@example.com", "gdprExpiryDate": "2025-12-31T23:00:00Z"}
    response = client.post(f"{BASE}/candidates", json=body, headers=org.headers)
    assert (response.status_code, response.json()["details"]) == (400, {"field": "gdprExpiryDate"})
    assert table_counts(services) == before


def test_a_job_is_created_in_one_write_and_its_amounts_come_back_as_sent(client: TestClient, org: Org) -> None:
    body = {"title": "Ops", "description": "Run things", "status": "DRAFT",
            "salary": {"min": 3000, "max": 5000.5, "currency": "EUR", "period": "MONTHLY"}}  # fmt: skip
    job = client.post(f"{BASE}/jobs", json=body, headers=org.headers).json()
    assert (job["status"], job["createdAt"]) == ("DRAFT", job["updatedAt"])
    assert job["salary"] == body["salary"] and isinstance(job["salary"]["min"], int)


def test_errors_name_jobs_and_companies_in_instaview_words(client: TestClient, org: Org) -> None:
    job = new_job(client, org)
    new_candidate(client, org, jobIds=[job["id"]])
    busy = client.delete(f"{BASE}/jobs/{job['id']}", headers=org.headers).json()
    assert busy["statusCode"] == 409 and "job" in busy["message"] and "opening" not in busy["message"]
    missing = client.get(f"{BASE}/jobs/123e4567-e89b-12d3-a456-426614174000", headers=org.headers).json()
    assert (missing["message"], missing["details"]["resourceType"]) == ("Job not found", "job")
    company = client.post(f"{BASE}/company", json={"name": "Client Co"}, headers=org.headers).json()
    assert company["statusCode"] == 403 and "compan" in company["message"] and "organization" not in company["message"]


def test_refusals_name_their_field_in_details(client: TestClient, org: Org, other_org: Org) -> None:
    foreign = new_job(client, other_org)
    body = {
        "firstName": "A",
        "lastName": "B",
        "email": "a@example.com",
        "gdprExpiryDate": FUTURE,
        "jobIds": [foreign["id"]],
    }
    refused = client.post(f"{BASE}/candidates", json=body, headers=org.headers).json()
    assert (refused["statusCode"], refused["details"]) == (403, {"field": "jobIds[0]"})
    headers = {**org.headers, "Content-Type": "application/json"}
    garbled = client.post(f"{BASE}/candidates", content=b"{not json", headers=headers).json()
    assert (garbled["statusCode"], garbled["details"]["field"]) == (400, "body")
    assert garbled["message"].startswith("body: ")


def test_a_wrong_method_is_answered_in_instaview_s_error_body(client: TestClient, org: Org) -> None:
    response = client.put(f"{BASE}/candidates", json={}, headers=org.headers)
    assert response.status_code == 405
    assert {k: response.json()[k] for k in ("error", "code")} == {
        "error": "Method Not Allowed",
        "code": "METHOD_NOT_ALLOWED",
    }
