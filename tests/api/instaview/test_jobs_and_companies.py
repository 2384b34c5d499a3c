"""InstaView jobs in full (PATCH, DELETE, skills, languages, location, salary), companies for ATS keys, UUID ids,
statuses set elsewhere, and the /v1 base the ATS guide's clients use."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.instaview.conftest import BASE, native, new_candidate, new_job, uuid
from tests.helpers import Org, TestClient, operator_headers, table_counts

FULL_JOB: dict[str, Any] = {
    "title": "Senior Engineer", "description": "Build things", "status": "OPEN", "jobUrl": "https://acme.example/jobs/1",
    "requiredSkills": ["TypeScript", "React"], "niceToHaveSkills": ["Docker"],
    "languageRequirements": [{"language": "EN", "proficiency": "C1"}, {"language": "SK", "proficiency": "B2"}],
    "location": {"workMode": "HYBRID", "city": "Bratislava", "countryCode": "SK"},
    "salary": {"min": 50000, "max": 80000, "currency": "EUR", "period": "YEARLY"},
}  # fmt: skip


def test_a_job_keeps_and_answers_every_field_and_patch_changes_only_what_is_sent(client: TestClient, org: Org) -> None:
    made = client.post(f"{BASE}/jobs", json=FULL_JOB, headers=org.headers)
    assert made.status_code == 201, made.text
    job = made.json()
    assert {k: job[k] for k in FULL_JOB} == FULL_JOB
    assert (job["companyId"], len(job["id"])) == (uuid(org.id), 36)
    url = f"{BASE}/jobs/{job['id']}"
    patched = client.patch(
        url, json={"requiredSkills": ["Python"], "salary": None, "title": "Staff"}, headers=org.headers
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["title"], body["requiredSkills"], body["salary"]) == ("Staff", ["Python"], None)
    assert (body["niceToHaveSkills"], body["location"], body["description"]) == (
        FULL_JOB["niceToHaveSkills"], FULL_JOB["location"], "Build things"
    )  # fmt: skip
    assert client.get(f"{BASE}/jobs/{native(job['id'])}", headers=org.headers).json() == body


def test_a_job_is_deleted_unless_candidates_are_assigned(client: TestClient, org: Org, services: Services) -> None:
    job = new_job(client, org)
    person = new_candidate(client, org, jobIds=[job["id"]])
    before = table_counts(services)
    refused = client.delete(f"{BASE}/jobs/{job['id']}", headers=org.headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "CONFLICT")
    assert table_counts(services) == before
    client.patch(f"{BASE}/candidates/{person['id']}", json={"jobIds": []}, headers=org.headers)
    deleted = client.delete(f"{BASE}/jobs/{job['id']}", headers=org.headers)
    assert (deleted.status_code, deleted.json()) == (200, True)
    assert client.get(f"{BASE}/jobs/{job['id']}", headers=org.headers).status_code == 404


JOB_REJECTS: list[tuple[str, dict[str, Any], str]] = [
    ("long skill", {"requiredSkills": ["x" * 101]}, "requiredSkills[0]"),
    ("too many skills", {"niceToHaveSkills": ["x"] * 51}, "niceToHaveSkills"),
    ("bad language code", {"languageRequirements": [{"language": "ENG", "proficiency": "C1"}]}, "languageRequirements[0].language"),
    ("bad proficiency", {"languageRequirements": [{"language": "EN", "proficiency": "D1"}]}, "languageRequirements[0].proficiency"),
    ("bad work mode", {"location": {"workMode": "MARS"}}, "location.workMode"),
    ("bad country", {"location": {"countryCode": "Slovakia"}}, "location.countryCode"),
    ("bad currency", {"salary": {"currency": "euro"}}, "salary.currency"),
    ("negative salary", {"salary": {"min": -1}}, "salary.min"),
    ("min above max", {"salary": {"min": 9, "max": 1}}, "salary"),
    ("bad period", {"salary": {"period": "FORTNIGHTLY"}}, "salary.period"),
    ("null title", {"title": None}, "title"),
    ("deep metadata", {"metadata": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}, "metadata"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "field"), JOB_REJECTS, ids=[r[0] for r in JOB_REJECTS])
def test_a_bad_job_patch_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, org: Org, services: Services, name: str, body: dict[str, Any], field: str
) -> None:
    job = new_job(client, org)
    before = table_counts(services)
    response = client.patch(f"{BASE}/jobs/{job['id']}", json=body, headers=org.headers)
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith(field), response.json()
    assert table_counts(services) == before


def ats_key(client: TestClient, may_create: bool, organization_ids: list[str] | None = None) -> dict[str, str]:
    body = {"name": "ats", "scopes": ["read:candidates", "write:candidates", "read:openings", "write:openings"],
            "organization_ids": organization_ids or [], "can_create_organizations": may_create}  # fmt: skip
    response = client.post("/api/v1/api-keys", json=body, headers=operator_headers())
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_an_ats_key_allowed_by_the_operator_creates_companies_and_works_in_them(
    client: TestClient, org: Org, services: Services
) -> None:
    ats = ats_key(client, may_create=True)
    made = client.post("/instaview/v1/company", json={"name": "Client A", "description": "A client",
                                                    "metadata": {"externalCompanyId": "C-1"}}, headers=ats)  # fmt: skip
    assert made.status_code == 201, made.text
    company = made.json()
    assert (company["name"], company["description"], company["metadata"]) == (
        "Client A",
        "A client",
        {"externalCompanyId": "C-1"},
    )
    second = client.post("/instaview/v1/company", json={"name": "Client B"}, headers=ats).json()
    listed = client.get("/instaview/v1/company", headers=ats).json()
    assert ([c["id"] for c in listed["data"]], listed["total"]) == ([company["id"], second["id"]], 2)
    job = client.post(
        f"/instaview/v1/jobs?companyId={company['id']}", json={"title": "T", "description": "D"}, headers=ats
    )
    assert job.status_code == 201 and job.json()["companyId"] == company["id"]
    assert client.get(f"/instaview/v1/jobs?companyId={org.id}", headers=ats).status_code == 403
    own = client.get(f"{BASE}/company", headers=org.headers).json()
    assert [c["id"] for c in own["data"]] == [uuid(org.id)]


def test_only_a_key_the_operator_allowed_may_create_a_company(client: TestClient, org: Org, services: Services) -> None:
    before = table_counts(services)
    for headers in (org.headers, ats_key(client, may_create=False, organization_ids=[org.id])):
        counted = table_counts(services)
        refused = client.post(f"{BASE}/company", json={"name": "Sneaky"}, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "INSUFFICIENT_PERMISSIONS")
        assert table_counts(services) == counted
    assert table_counts(services)["organizations"] == before["organizations"]
    allowed = ats_key(client, may_create=True)
    counted = table_counts(services)
    assert client.post(f"{BASE}/company", json={"name": "x"}, headers=allowed).json()["message"].startswith("name")
    assert table_counts(services) == counted
    asked = client.post("/api/v1/api-keys", json={"name": "k", "scopes": [], "can_create_organizations": True},
                        headers=org.headers)  # fmt: skip
    assert asked.status_code == 403


@pytest.mark.parametrize(
    ("status", "shown"),
    [(1, "ACCEPTED"), (2, "APPLIED"), (3, "REJECTED"), (5, "REJECTED")],  # Paradox: APPROVED, PENDING, ARCHIVED, SPAM
)
def test_a_status_set_through_another_surface_shows_as_one_of_instaviews(
    client: TestClient, org: Org, status: int, shown: str
) -> None:
    person = new_candidate(client, org, phoneNumber="+421901234567")
    px = "/paradox/api/v1/public/candidates"
    oid = client.get(px, params={"email": "jane@example.com"}, headers=org.headers).json()["candidates"][0][
        "candidate"
    ]["OID"]
    paradox = client.put(f"{px}/{oid}", json={"status": status}, headers=org.headers)
    assert paradox.status_code == 200, paradox.text
    assert client.get(f"{BASE}/candidates/{person['id']}", headers=org.headers).json()["status"] == shown


def test_native_statuses_map_too_and_never_show_null(client: TestClient, org: Org) -> None:
    made = client.post(
        "/api/v1/candidates", json={"first_name": "Ann", "email": "ann@example.com"}, headers=org.headers
    )
    assert made.status_code == 201, made.text
    url = f"{BASE}/candidates/{uuid(made.json()['id'])}"
    assert client.get(url, headers=org.headers).json()["status"] == "UNDEFINED"
    for native_status, shown in (
        ("Hired", "ACCEPTED"),
        ("Interview: scheduled", "IN_PROCESS"),
        ("Withdrawn", "REJECTED"),
    ):
        client.patch(f"/api/v1/candidates/{made.json()['id']}", json={"status": native_status}, headers=org.headers)
        assert client.get(url, headers=org.headers).json()["status"] == shown


def test_ids_are_uuids_in_answers_and_either_form_on_input(client: TestClient, org: Org) -> None:
    job = new_job(client, org)
    person = new_candidate(client, org, jobIds=[native(job["id"])])
    assert (person["id"], person["jobIds"]) == (uuid(native(person["id"])), [job["id"]])
    for ident in (person["id"], person["id"].upper(), native(person["id"])):
        assert client.get(f"{BASE}/candidates/{ident}", headers=org.headers).json()["id"] == person["id"]
    assert client.get(f"{BASE}/candidates?jobId={native(job['id'])}", headers=org.headers).json()["total"] == 1
    assert client.get(f"/api/v1/candidates/{person['id']}", headers=org.headers).status_code == 404  # native: 32-hex
    missing = client.get(f"{BASE}/candidates/{native(person['id'])[:-4]}abcd", headers=org.headers).json()
    assert missing["details"] == {"resourceType": "candidate", "resourceId": person["id"][:-4] + "abcd"}


def test_the_openapi_document_has_every_route_and_the_bearer_scheme(client: TestClient) -> None:
    for base in ("/instaview", "/instaview/v1", "/instaview/v1/public"):
        document = client.get(f"{base}/openapi.json").json()
        assert {"/interviews", "/interviews/{interview_id}", "/candidates/{candidate_id}/interviews",
                "/candidates/{candidate_id}/analyses", "/company", "/jobs/{job_id}"} <= set(document["paths"])  # fmt: skip
        assert {"patch", "delete", "get"} <= set(document["paths"]["/jobs/{job_id}"])
        assert document["components"]["securitySchemes"]["bearerAuth"] == {
            "type": "http", "scheme": "bearer", "description": "An InstaView API key (sk_...)"
        }  # fmt: skip
        assert document["security"] == [{"bearerAuth": []}]
