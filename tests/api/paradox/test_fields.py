"""Every Paradox candidate field with its limits and codes; every reject is a 400 naming the field, nothing written."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.dialects.paradox.translate import LANGUAGES
from tests.api.paradox.conftest import BASE, new_candidate, refused
from tests.helpers import Org, TestClient, table_counts

PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF").decode()
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()
TXT = base64.b64encode(b"Ten years of driving experience.").decode()
HTML = base64.b64encode(b"<!DOCTYPE html><html><body>Offer</body></html>").decode()
GIF = base64.b64encode(b"GIF89a" + b"\x00" * 32).decode()
EXE = base64.b64encode(b"MZ" + b"\x90" * 64).decode()

EVERY_FIELD: dict[str, Any] = {
    "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+442071838750",
    "status": "1", "candidate_location_info": "London", "ex_id": "ADA-1", "hirevue_link": "https://hv.example/1",
    "pymetrics_link": "https://pm.example/1", "adp_link": "https://adp.example/1", "ex_step": "Interview",
    "ex_status": "Scheduled", "ex_reason": "Strong profile", "job_req_id": "REQ-55", "job_title": "Analyst",
    "job_loc_code": "LDN", "primary_contact_method": 4, "hired_date": "2026-02-01T09:00:00Z",
    "audience_type": "White Collar", "hm_cid": "HM-1", "external_group_id": "G-1", "hirevue_instructions": "Be on time",
    "referrer_email": "ref@example.com", "referrer_name": "Charles", "external_referrer": "Babbage & Co",
    "language_preference": "ja_jp", "candidate_journey": "Hourly", "candidate_journey_status": "Interview: Scheduled",
    "candidate_attribute_data": {"shift": "night"}, "external_source_id": "SRC-1", "offer_file_name": "offer.pdf",
    "job_application_id": "APP-1", "talent_community": True, "location": "Soho, London",
    "skip_send_opt_in": True, "community_of_interest": 12, "hiring_email": "hm@example.com",
}  # fmt: skip


def test_every_field_is_stored_and_read_back_as_sent(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, **EVERY_FIELD)
    expected = {**EVERY_FIELD, "status": 1, "name": "Ada Lovelace", "phone_number": "+442071838750",
                "hiring_manager": "hm@example.com"}  # fmt: skip
    assert {k: made[k] for k in expected} == expected
    assert client.get(f"{BASE}/candidates/{made['OID']}", headers=px).json()["candidate"] == made


def test_defaults_are_contact_method_3_language_en_and_no_status(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px)
    assert (made["primary_contact_method"], made["language_preference"], made["status"]) == (3, "en", None)
    assert made["candidate_attribute_data"] == {} and made["talent_community"] is False


@pytest.mark.parametrize(("value", "code"), [(1, 1), ("5", 5), ("SPAM", 5), ("archived", 3)])
def test_status_accepts_codes_as_numbers_strings_or_names(
    client: TestClient, px: dict[str, str], value: Any, code: int
) -> None:
    assert new_candidate(client, px, status=value)["status"] == code


def test_a_name_is_split_on_its_first_space(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, name="Mary Ann Evans")
    assert (made["first_name"], made["last_name"], made["name"]) == ("Mary", "Ann Evans", "Mary Ann Evans")


def test_attribute_data_merges_and_a_note_is_appended(client: TestClient, org: Org, px: dict[str, str]) -> None:
    made = new_candidate(client, px, candidate_attribute_data={"a": "1", "b": "2"}, note="Called on Monday")
    changed = {"candidate_attribute_data": {"b": "3", "c": "4", "a": None}, "note": "Called back"}
    body = client.patch(f"{BASE}/candidates/{made['OID']}", json=changed, headers=px).json()["candidate"]
    assert body["candidate_attribute_data"] == {"b": "3", "c": "4"}
    native_id = next(i["id"] for i in client.get("/api/v1/candidates", headers=org.headers).json()["items"])
    notes = client.get(f"/api/v1/candidates/{native_id}/export", headers=org.headers).json()["notes"]
    assert [n["body"] for n in notes] == ["Called on Monday", "Called back"]


def test_resume_and_offer_letter_are_stored_typed_by_their_content(
    client: TestClient, org: Org, px: dict[str, str]
) -> None:
    made = new_candidate(client, px, resume=PDF)
    client.put(f"{BASE}/candidates/{made['OID']}", json={"offer_letter": HTML, "offer_file_name": "offer.html"},
               headers=px)  # fmt: skip
    new_candidate(client, px, email="png@example.com", resume=PNG, offer_letter=TXT)
    native_id = next(i["id"] for i in client.get("/api/v1/candidates", headers=org.headers).json()["items"]
                     if i["seq"] == made["OID"])  # fmt: skip
    files = client.get(f"/api/v1/candidates/{native_id}/export", headers=org.headers).json()["attachments"]
    assert [(f["kind"], f["name"], f["content_type"]) for f in files] == [
        ("resume", "resume.pdf", "application/pdf"), ("offer_letter", "offer.html", "text/html"),
    ]  # fmt: skip


def test_a_status_map_sets_the_journey_status(client: TestClient, org: Org, px: dict[str, str]) -> None:
    status_map = {"name": "ATS", "entries": {"S-10": "Interview: Scheduled", "S-20": "Offer: Sent"}}
    assert client.post("/api/v1/status-maps", json=status_map, headers=org.headers).status_code == 201
    flags = {"use_paradox_status_map": True, "status_map_name": "ATS", "status_map_ex_id": "S-20"}
    made = new_candidate(client, px, **flags)
    assert made["candidate_journey_status"] == "Offer: Sent"
    replaced = {"name": "ATS", "entries": {"S-20": "Offer: Accepted"}}
    client.post("/api/v1/status-maps", json=replaced, headers=org.headers)
    assert client.get("/api/v1/status-maps/ATS", headers=org.headers).json()["entries"] == replaced["entries"]
    body = client.put(f"{BASE}/candidates/{made['OID']}", json=flags, headers=px).json()["candidate"]
    assert body["candidate_journey_status"] == "Offer: Accepted"


REJECTS: list[tuple[dict[str, Any], str]] = [
    ({"name": "x" * 51}, "name"),
    ({"name": None, "first_name": "A" * 30, "last_name": "B" * 20}, "first_name"),
    ({"email": "e" * 40 + "@example.com"}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"phone": "4155550123"}, "phone"),
    ({"phone": "+1415555012345678901"}, "phone"),
    ({"name": None}, "name"),
    ({"status": 6}, "status"),
    ({"status": "UNKNOWN"}, "status"),
    ({"primary_contact_method": 0}, "primary_contact_method"),
    ({"primary_contact_method": "6"}, "primary_contact_method"),
    ({"audience_type": "Grey Collar"}, "audience_type"),
    ({"language_preference": "xx"}, "language_preference"),
    ({"hired_date": "yesterday"}, "hired_date"),
    ({"ex_id": "x" * 256}, "ex_id"),
    ({"job_req_id": "x" * 256}, "job_req_id"),
    ({"job_title": "x" * 256}, "job_title"),
    ({"job_loc_code": "x" * 21}, "job_loc_code"),
    ({"hirevue_link": "x" * 256}, "hirevue_link"),
    ({"hm_cid": "x" * 256}, "hm_cid"),
    ({"hirevue_instructions": "x" * 256}, "hirevue_instructions"),
    ({"referrer_email": "r" * 40 + "@example.com"}, "referrer_email"),
    ({"referrer_email": "nope"}, "referrer_email"),
    ({"referrer_name": "x" * 51}, "referrer_name"),
    ({"external_referrer": "x" * 1001}, "external_referrer"),
    ({"candidate_location_info": "x" * 101}, "candidate_location_info"),
    ({"external_source_id": "x" * 256}, "external_source_id"),
    ({"offer_file_name": "x" * 151}, "offer_file_name"),
    ({"candidate_attribute_data": {"k": "x" * 256}}, "candidate_attribute_data.k"),
    ({"candidate_attribute_data": {"k": 5}}, "candidate_attribute_data.k"),
    ({"candidate_journey_status": "Interview"}, "candidate_journey_status"),
    ({"resume": "not base64!"}, "resume"),
    ({"resume": GIF}, "resume"),
    ({"resume": HTML}, "resume"),
    ({"offer_letter": EXE}, "offer_letter"),
    ({"use_paradox_status_map": True, "status_map_name": "NOPE", "status_map_ex_id": "S-10"}, "status_map_name"),
    ({"use_paradox_status_map": True, "status_map_name": "ATS", "status_map_ex_id": "S-99"}, "status_map_ex_id"),
    ({"unknown_field": 1}, "unknown_field"),
    ({"location": "x" * 256}, "location"),
    ({"community_of_interest": "many"}, "community_of_interest"),
    ({"community_of_interest": -1}, "community_of_interest"),
    ({"hiring_email": "not-an-email"}, "hiring_email"),
    ({"hiring_email": "a@example.com", "hiring_manager": "b@example.com"}, "hiring_email"),
    ({"skip_send_opt_in": "maybe"}, "skip_send_opt_in"),
    ({"language_preference": "en_us"}, "language_preference"),
]


# Fields the others sent (or a create) require, left out or null: 1011 like a missing body field.
MISSING: list[tuple[dict[str, Any], str]] = [
    ({"email": None, "phone": None}, "email"),
    ({"use_paradox_status_map": True, "status_map_ex_id": "S-10"}, "status_map_name"),
    ({"use_paradox_status_map": True, "status_map_name": "ATS"}, "status_map_ex_id"),
    ({"use_application_id_for_identity": True}, "job_application_id"),
]
CASES = [(f, n, 1012 if n == "unknown_field" else 1010) for f, n in REJECTS] + [(f, n, 1011) for f, n in MISSING]


@pytest.mark.parametrize(("fields", "field", "code"), CASES, ids=[f"{n}-{c}" for _, n, c in CASES])
def test_a_bad_field_is_400_naming_it_and_writes_nothing_on_create_or_update(
    client: TestClient, org: Org, px: dict[str, str], services: Services, fields: dict[str, Any], field: str, code: int
) -> None:
    client.post("/api/v1/status-maps", json={"name": "ATS", "entries": {"S-10": "A: B"}}, headers=org.headers)
    made = new_candidate(client, px, ex_id="KEEP", note="first")
    before = table_counts(services)
    create = {"name": "Jane Doe", "email": "new@example.com", **fields}
    for response in (
        client.post(f"{BASE}/candidates", json=create, headers=px),
        client.put(f"{BASE}/candidates/{made['OID']}", json={**fields, "note": "never"}, headers=px),
        client.patch(f"{BASE}/candidates/KEEP", json=fields, headers=px),
    ):
        error = refused(response, 400, code, field)
        assert error["message"].startswith(f"{field}:"), error["message"]
    assert table_counts(services) == before


def test_location_is_a_field_of_its_own_beside_candidate_location_info(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, location="Austin, TX", candidate_location_info="Near the depot")
    assert (made["location"], made["candidate_location_info"]) == ("Austin, TX", "Near the depot")
    body = client.patch(f"{BASE}/candidates/{made['OID']}", json={"location": None}, headers=px).json()["candidate"]
    assert (body["location"], body["candidate_location_info"]) == (None, "Near the depot")


def test_a_returning_application_id_updates_that_candidate_when_asked_to(
    client: TestClient, px: dict[str, str]
) -> None:
    first = new_candidate(client, px, job_application_id="APP-9", job_title="Cook")
    flagged = {"use_application_id_for_identity": True, "job_application_id": "APP-9"}
    again = new_candidate(client, px, email="new@example.com", job_title="Chef", **flagged)
    assert (again["OID"], again["job_title"], again["email"]) == (first["OID"], "Chef", "new@example.com")
    unflagged = new_candidate(client, px, email="other@example.com", job_application_id="APP-9", ex_id="EX-2")
    assert unflagged["OID"] != first["OID"]
    by_ex_id = {"use_application_id_for_identity": True, "job_application_id": "APP-NEW", "ex_id": "EX-2"}
    assert new_candidate(client, px, email="x@example.com", **by_ex_id)["OID"] == unflagged["OID"]
    assert client.get(f"{BASE}/candidates", headers=px).json()["count"] == 2


def test_hiring_email_is_the_hiring_manager_by_another_name(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, hiring_email="boss@example.com")
    assert (made["hiring_manager"], made["hiring_email"]) == ("boss@example.com", "boss@example.com")
    body = client.put(f"{BASE}/candidates/{made['OID']}", json={"hiring_manager": "Sam"}, headers=px).json()
    assert (body["candidate"]["hiring_manager"], body["candidate"]["hiring_email"]) == ("Sam", "Sam")


def test_every_one_of_the_57_language_codes_is_accepted(client: TestClient, px: dict[str, str]) -> None:
    assert len(set(LANGUAGES)) == 57
    made = new_candidate(client, px)
    for code in LANGUAGES:
        body = client.patch(f"{BASE}/candidates/{made['OID']}", json={"language_preference": code}, headers=px)
        assert body.json()["candidate"]["language_preference"] == code
