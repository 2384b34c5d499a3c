"""Paradox candidates: the three identifiers, create/get/list/update/delete, and what the native API sees."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.paradox.conftest import BASE, new_candidate, refused
from tests.helpers import Org, TestClient, table_counts


def native(client: TestClient, org: Org, seq: int) -> dict[str, Any]:
    """The native view of the person whose sequence number (Paradox OID) is ``seq``."""
    items = client.get("/api/v1/candidates", headers=org.headers).json()["items"]
    return next(dict(i) for i in items if i["seq"] == seq)


def test_oid_external_oid_and_ex_id_all_address_the_same_candidate(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, ex_id="ATS-77")
    assert isinstance(made["OID"], int) and made["external_oid"] and made["ex_id"] == "ATS-77"
    for ident in (str(made["OID"]), made["external_oid"], "ATS-77"):
        response = client.get(f"{BASE}/candidates/{ident}", headers=px)
        assert response.status_code == 200, ident
        assert response.json()["candidate"] == made


def test_oids_are_sequential_per_company_and_external_oids_are_not_guessable(
    client: TestClient, px: dict[str, str], other_org: Org
) -> None:
    first = new_candidate(client, px, email="a@example.com")
    second = new_candidate(client, px, email="b@example.com")
    elsewhere = new_candidate(client, other_org.headers, email="c@example.com")
    assert second["OID"] == first["OID"] + 1
    assert elsewhere["OID"] == 1
    assert len(first["external_oid"]) >= 16 and first["external_oid"] != second["external_oid"]


def test_another_companys_candidate_is_404_by_every_identifier(
    client: TestClient, px: dict[str, str], other_org: Org
) -> None:
    theirs = new_candidate(client, other_org.headers, ex_id="THEIRS")
    for ident in (theirs["external_oid"], "THEIRS", "999"):
        response = client.get(f"{BASE}/candidates/{ident}", headers=px)
        assert refused(response, 404, 1004)["message"] == "Candidate not found"


def test_put_and_patch_change_only_the_fields_sent(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, job_title="Driver", ex_step="screen")
    put = client.put(f"{BASE}/candidates/{made['OID']}", json={"job_title": "Senior driver"}, headers=px)
    assert put.status_code == 200
    patched = client.patch(f"{BASE}/candidates/{made['external_oid']}", json={"ex_status": "passed"}, headers=px)
    body = patched.json()["candidate"]
    assert (body["job_title"], body["ex_step"], body["ex_status"], body["email"]) == (
        "Senior driver", "screen", "passed", "jane@example.com",
    )  # fmt: skip


def test_delete_hides_the_candidate_from_get_and_list(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, ex_id="GONE")
    response = client.delete(f"{BASE}/candidates/GONE", headers=px)
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert client.get(f"{BASE}/candidates/{made['OID']}", headers=px).status_code == 404
    assert client.get(f"{BASE}/candidates", headers=px).json()["candidates"] == []
    assert client.delete(f"{BASE}/candidates/GONE", headers=px).status_code == 404


def test_list_pages_with_limit_and_offset_and_counts_every_match(client: TestClient, px: dict[str, str]) -> None:
    oids = [new_candidate(client, px, email=f"p{i}@example.com")["OID"] for i in range(3)]
    body = client.get(f"{BASE}/candidates", params={"limit": 2, "offset": 1}, headers=px).json()
    assert (body["success"], body["limit"], body["offset"], body["count"]) == (True, 2, 1, 3)
    assert [c["candidate"]["OID"] for c in body["candidates"]] == oids[1:]
    too_many = client.get(f"{BASE}/candidates", params={"limit": 51}, headers=px)
    assert refused(too_many, 400, 1010, "limit")["message"].startswith("limit:")


def test_list_filters_by_email_ex_id_status_and_job_req_id(client: TestClient, org: Org, px: dict[str, str]) -> None:
    opening = {"kind": "job", "name": "Driver", "external_id": "REQ-9"}
    assert client.post("/api/v1/openings", json=opening, headers=org.headers).status_code == 201
    a = new_candidate(client, px, email="a@example.com", ex_id="A", status=1, job_req_id="REQ-9")
    b = new_candidate(client, px, email="b@example.com", ex_id="B", status="2")

    def oids(**params: Any) -> list[int]:
        found = client.get(f"{BASE}/candidates", params=params, headers=px).json()["candidates"]
        return [c["candidate"]["OID"] for c in found]

    assert oids(email="b@example.com") == [b["OID"]]
    assert oids(ex_id="A") == [a["OID"]]
    assert oids(status="2") == [b["OID"]]
    assert oids(status="APPROVED") == [a["OID"]]
    assert oids(job_req_id="REQ-9") == [a["OID"]]
    assert oids(job_req_id="REQ-NONE") == []
    refused(client.get(f"{BASE}/candidates", params={"status": "9"}, headers=px), 400, 1010, "status")


def test_job_req_id_filters_on_the_field_the_candidate_shows_with_or_without_an_opening(
    client: TestClient, px: dict[str, str]
) -> None:
    """A Paradox client has no openings: the job req it sets is the one it filters on."""
    kept = new_candidate(client, px, email="kept@example.com", job_req_id="REQ-77")
    moved = new_candidate(client, px, email="moved@example.com", job_req_id="REQ-77")
    client.put(f"{BASE}/candidates/{moved['OID']}", json={"job_req_id": "REQ-78"}, headers=px)

    def oids(job_req_id: str) -> list[int]:
        body = client.get(f"{BASE}/candidates", params={"job_req_id": job_req_id}, headers=px).json()
        return [c["candidate"]["OID"] for c in body["candidates"]]

    assert oids("REQ-77") == [kept["OID"]]
    assert oids("REQ-78") == [moved["OID"]]
    assert oids("REQ-79") == []


def test_an_update_cannot_give_a_candidate_another_ones_ex_id(
    client: TestClient, px: dict[str, str], services: Services
) -> None:
    """Else ``/candidates/{ex_id}`` would name two candidates and neither could be read, changed or deleted by it."""
    held = new_candidate(client, px, email="held@example.com", ex_id="ATS-1")
    other = new_candidate(client, px, email="other@example.com", ex_id="ATS-2")
    before = table_counts(services)
    for method in ("PUT", "PATCH"):
        response = client.request(method, f"{BASE}/candidates/{other['OID']}", json={"ex_id": "ATS-1"}, headers=px)
        assert refused(response, 400, 1014, "ex_id")["message"].startswith("ex_id:")
    assert table_counts(services) == before
    assert client.get(f"{BASE}/candidates/ATS-1", headers=px).json()["candidate"]["OID"] == held["OID"]
    same = client.put(f"{BASE}/candidates/ATS-1", json={"ex_id": "ATS-1", "job_title": "Cook"}, headers=px)
    assert same.json()["candidate"]["job_title"] == "Cook"


def test_an_ex_id_two_candidates_share_is_refused_naming_the_paths_id(
    client: TestClient, org: Org, px: dict[str, str], services: Services
) -> None:
    """Another surface may give two people one external id: ``{ID}`` is then ambiguous, and the refusal names the
    path's parameter as the unknown-candidate 404 does (``ID``)."""
    for email in ("one@example.com", "two@example.com"):
        person = {"first_name": "Jo", "last_name": "Twin", "email": email, "external_id": "SHARED-1"}
        assert client.post("/api/v1/candidates", json=person, headers=org.headers).status_code == 201
    before = table_counts(services)
    for method in ("GET", "PUT", "DELETE"):
        body = {"job_title": "Cook"} if method == "PUT" else None
        response = client.request(method, f"{BASE}/candidates/SHARED-1", json=body, headers=px)
        assert refused(response, 400, 1010, "ID")["message"] == "ID: SHARED-1 names 2 candidates"
    assert table_counts(services) == before
    assert refused(client.get(f"{BASE}/candidates/NOBODY", headers=px), 404, 1004)["field"] == "ID"


def test_a_blank_ex_id_clears_it_and_names_no_one(client: TestClient, px: dict[str, str]) -> None:
    """A form sends an empty part for a blank field: that is no ex_id, never one two candidates share."""
    first = new_candidate(client, px, email="first@example.com", ex_id="ATS-1")
    blank = {"name": "Jo Blank", "email": "blank@example.com", "ex_id": ""}
    made = client.post(f"{BASE}/candidates", data=blank, headers=px).json()["candidate"]
    assert made["OID"] != first["OID"] and made["ex_id"] is None
    cleared = client.put(f"{BASE}/candidates/{first['OID']}", data={"ex_id": " "}, headers=px).json()["candidate"]
    assert cleared["ex_id"] is None
    assert client.get(f"{BASE}/candidates", params={"ex_id": ""}, headers=px).json()["count"] == 0


def test_a_paradox_candidate_is_visible_through_the_native_api(
    client: TestClient, org: Org, px: dict[str, str]
) -> None:
    made = new_candidate(client, px, ex_id="N-1", status=1, language_preference="fr_fr", job_title="Cook")
    person = native(client, org, made["OID"])
    assert (person["first_name"], person["last_name"], person["email"], person["phone"]) == (
        "Jane", "Doe", "jane@example.com", "+14155550123",
    )  # fmt: skip
    assert (person["external_id"], person["status"], person["language"]) == ("N-1", "APPROVED", "fr_fr")
    assert person["attributes"]["paradox.job_title"] == "Cook"


def test_creating_with_a_known_ex_id_updates_that_candidate(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, ex_id="SAME", job_title="Cook")
    again = new_candidate(client, px, ex_id="SAME", job_title="Chef")
    assert (again["OID"], again["job_title"]) == (made["OID"], "Chef")
    assert client.get(f"{BASE}/candidates", headers=px).json()["count"] == 1


def test_job_req_id_puts_the_candidate_into_the_opening_with_that_external_id(
    client: TestClient, org: Org, px: dict[str, str]
) -> None:
    opening = client.post("/api/v1/openings", json={"kind": "job", "name": "Driver", "external_id": "REQ-1"},
                          headers=org.headers).json()  # fmt: skip
    made = new_candidate(client, px, job_req_id="NOT-AN-OPENING")
    assert made["job_req_id"] == "NOT-AN-OPENING"
    person = native(client, org, made["OID"])
    apps = client.get("/api/v1/applications", params={"candidate_id": person["id"]}, headers=org.headers).json()
    assert apps["items"] == []
    client.put(f"{BASE}/candidates/{made['OID']}", json={"job_req_id": "REQ-1"}, headers=px)
    apps = client.get("/api/v1/applications", params={"candidate_id": person["id"]}, headers=org.headers).json()
    assert [a["opening_id"] for a in apps["items"]] == [opening["id"]]
