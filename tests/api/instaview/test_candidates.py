"""InstaView candidates: the seed's update rules, create/get/list/delete, and the answer's exact fields."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.instaview.conftest import BASE, FUTURE, native, new_candidate, new_job
from tests.helpers import Org, TestClient, table_counts

FIELDS = {"id", "firstName", "lastName", "status", "createdAt", "updatedAt", "jobId", "jobIds", "email", "phoneNumber",
          "gdprExpiryDate", "overallRating", "metadata", "analysisCount", "interviewCount", "links", "gender", "cv"}  # fmt: skip


def test_a_created_candidate_has_exactly_the_documented_fields(
    client: TestClient, org: Org, job: dict[str, Any]
) -> None:
    body = new_candidate(client, org, jobIds=[job["id"]], phoneNumber="+421901234567", metadata={"source": "LinkedIn"})
    assert set(body) == FIELDS
    assert (body["status"], body["jobId"], body["jobIds"]) == ("APPLIED", job["id"], [job["id"]])
    assert (body["gdprExpiryDate"], body["phoneNumber"], body["overallRating"], body["analysisCount"]) == (
        FUTURE,
        "+421901234567",
        None,
        0,
    )
    assert body["links"] == {
        "analyses": f"/instaview/candidates/{body['id']}/analyses",
        "interviews": f"/instaview/candidates/{body['id']}/interviews",
    }


def test_links_use_the_prefix_the_request_came_in_on(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org)
    body = client.get(f"/instaview/v1/public/candidates/{person['id']}", headers=org.headers).json()
    assert body["links"]["analyses"] == f"/instaview/v1/public/candidates/{person['id']}/analyses"


def test_a_candidate_made_through_instaview_is_the_same_person_natively(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org, phoneNumber="+421901234567")
    same = client.get(f"/api/v1/candidates/{native(person['id'])}", headers=org.headers).json()
    assert (same["first_name"], same["last_name"], same["email"], same["phone"]) == (
        "Jane",
        "Doe",
        "jane@example.com",
        "+421901234567",
    )


def test_patch_changes_only_what_is_sent_and_replaces_jobs_and_metadata(
    client: TestClient, org: Org, job: dict[str, Any]
) -> None:
    other = new_job(client, org, "Designer")
    person = new_candidate(client, org, jobIds=[job["id"]], metadata={"a": 1, "b": 2})
    response = client.patch(
        f"{BASE}/candidates/{person['id']}",
        json={"status": "IN_PROCESS", "jobIds": [other["id"]], "metadata": {"c": 3}},
        headers=org.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["jobIds"], body["metadata"], body["firstName"]) == (
        "IN_PROCESS",
        [other["id"]],
        {"c": 3},
        "Jane",
    )
    cleared = client.patch(f"{BASE}/candidates/{person['id']}", json={"jobIds": []}, headers=org.headers).json()
    assert (cleared["jobIds"], cleared["jobId"]) == ([], None)


def test_gender_is_null_unless_set_and_patching_null_clears_it(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org, firstName="Maria")
    assert person["gender"] is None  # seed 002: "Null if not explicitly set", however clear the name is
    url = f"{BASE}/candidates/{person['id']}"
    assert client.patch(url, json={"gender": "male"}, headers=org.headers).json()["gender"] == "male"
    assert client.patch(url, json={"firstName": "Anna"}, headers=org.headers).json()["gender"] == "male"
    assert client.patch(url, json={"gender": None}, headers=org.headers).json()["gender"] is None
    assert client.get(url, headers=org.headers).json()["gender"] is None
    assert new_candidate(client, org, firstName="John", gender="female")["gender"] == "female"


def test_the_cv_is_stored_and_returned_anonymized(client: TestClient, org: Org, services: Services) -> None:
    person = new_candidate(client, org, firstName="Jane", lastName="Doe", phoneNumber="+421901234567")
    cv = ("Jane Doe\nSoftware Engineer\nReach me at jane.doe@example.com or +421 901 234 567, (415) 555-0100.\n"
          "Profile: https://www.linkedin.com/in/janedoe\nWorked 2019-2023 at Acme with JANE's team; doe@corp.example")  # fmt: skip
    body = client.patch(f"{BASE}/candidates/{person['id']}", json={"cv": cv}, headers=org.headers).json()
    for trace in (
        "Jane",
        "JANE",
        "Doe",
        "jane.doe@example.com",
        "doe@corp.example",
        "901 234 567",
        "555-0100",
        "linkedin.com/in/janedoe",
    ):
        assert trace not in body["cv"], trace
    assert body["cv"].startswith("[NAME]\nSoftware Engineer\n")  # a full name is one [NAME], as in the seed
    assert "[EMAIL]" in body["cv"] and "[PHONE]" in body["cv"]
    assert "Software Engineer" in body["cv"] and "2019-2023" in body["cv"]
    with services.database.engine.connect() as conn:
        from sqlalchemy import select

        from candidly.storage.tables import candidates

        stored = conn.execute(select(candidates.c.cv).where(candidates.c.id == native(person["id"]))).scalar_one()
    assert stored == body["cv"]


def test_list_filters_by_job_status_and_search_newest_first(client: TestClient, org: Org, job: dict[str, Any]) -> None:
    first = new_candidate(client, org, firstName="Alice", email="alice@example.com", jobIds=[job["id"]])
    new_candidate(client, org, firstName="Bob", email="bob@example.com")
    third = new_candidate(client, org, firstName="Carol", email="carol@example.com", jobIds=[job["id"]])
    client.patch(f"{BASE}/candidates/{third['id']}", json={"status": "REJECTED"}, headers=org.headers)
    everyone = client.get(f"{BASE}/candidates", headers=org.headers).json()
    assert (everyone["total"], everyone["page"], everyone["limit"], everyone["totalPages"]) == (3, 1, 20, 1)
    assert [c["firstName"] for c in everyone["data"]] == ["Carol", "Bob", "Alice"]
    by_job = client.get(f"{BASE}/candidates?jobId={job['id']}", headers=org.headers).json()
    assert [c["id"] for c in by_job["data"]] == [third["id"], first["id"]]
    assert [
        c["firstName"] for c in client.get(f"{BASE}/candidates?status=REJECTED", headers=org.headers).json()["data"]
    ] == ["Carol"]
    assert [
        c["firstName"] for c in client.get(f"{BASE}/candidates?search=BOB", headers=org.headers).json()["data"]
    ] == ["Bob"]
    paged = client.get(f"{BASE}/candidates?limit=2&page=2", headers=org.headers).json()
    assert ([c["firstName"] for c in paged["data"]], paged["totalPages"]) == (["Alice"], 2)
    assert client.get(f"{BASE}/candidates?limit=101", headers=org.headers).status_code == 400


def test_delete_is_soft_answers_true_and_hides_the_candidate(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org)
    response = client.delete(f"{BASE}/candidates/{person['id']}", headers=org.headers)
    assert (response.status_code, response.json()) == (200, True)
    assert client.get(f"{BASE}/candidates/{person['id']}", headers=org.headers).status_code == 404
    assert client.get(f"{BASE}/candidates", headers=org.headers).json()["total"] == 0
    assert client.delete(f"{BASE}/candidates/{person['id']}", headers=org.headers).status_code == 404


# One case per rule family through InstaView's envelope and field names; the variants of each pure rule (every
# kind of bad phone number, of oversized metadata) are checked without HTTP in tests/domain.
REJECTS: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("empty first name", "PATCH", {"firstName": ""}, 400, "firstName"),
    ("long last name", "PATCH", {"lastName": "x" * 101}, 400, "lastName"),
    ("bad email", "PATCH", {"email": "nope"}, 400, "email"),
    ("phone not E.164", "PATCH", {"phoneNumber": "0901 234 567"}, 400, "phoneNumber"),
    ("past GDPR date", "PATCH", {"gdprExpiryDate": "2020-01-01"}, 400, "gdprExpiryDate"),
    ("unknown status", "PATCH", {"status": "HIRED"}, 400, "status"),
    ("unknown job", "PATCH", {"jobIds": ["nope"]}, 400, "jobIds[0]"),
    ("big metadata", "PATCH", {"metadata": {"blob": "x" * 11_000}}, 400, "metadata"),
    ("bad gender", "PATCH", {"gender": "other"}, 400, "gender"),
    ("long cv", "PATCH", {"cv": "x" * 50_001}, 400, "cv"),
    ("clearing the last contact", "PATCH", {"email": None}, 400, "email"),
    ("no contact on create", "POST", {"firstName": "A", "lastName": "B", "gdprExpiryDate": FUTURE}, 400, "email"),
    ("no GDPR date on create", "POST", {"firstName": "A", "lastName": "B", "email": "a@example.com"}, 400, "gdprExpiryDate"),
    ("empty jobIds on create", "POST", {"firstName": "A", "lastName": "B", "email": "a@example.com", "gdprExpiryDate": FUTURE, "jobIds": []}, 400, "jobIds"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "method", "body", "status", "field"), REJECTS, ids=[r[0] for r in REJECTS])
def test_every_limit_is_rejected_naming_the_field_and_nothing_is_written(
    client: TestClient,
    org: Org,
    services: Services,
    name: str,
    method: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    person = new_candidate(client, org)
    url = f"{BASE}/candidates/{person['id']}" if method == "PATCH" else f"{BASE}/candidates"
    before = table_counts(services)
    response = client.request(method, url, json=body, headers=org.headers)
    assert response.status_code == status, response.text
    error = response.json()
    assert set(error) == {"statusCode", "message", "error", "code", "details"} and error["statusCode"] == status
    assert error["message"].startswith(field), error
    assert table_counts(services) == before


def test_the_dialect_publishes_its_openapi_document(client: TestClient) -> None:
    paths = client.get("/instaview/openapi.json").json()["paths"]
    assert {"/candidates", "/candidates/{candidate_id}", "/jobs", "/jobs/{job_id}"} <= set(paths)
