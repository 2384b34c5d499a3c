"""Every bad Comeet input gets Comeet's code and status, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.comeet.conftest import PDF, PNG, assert_refused, b64, create, new_candidate
from tests.helpers import Org, TestClient, table_counts


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Translation and validation are the dialect's own: one backend is enough here."""
    return sqlite_url


BIG = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)  # one byte over 6 MB with the header
BAD_BODIES: list[tuple[str, dict[str, Any], int, str]] = [
    ("email", {"email": "not-an-address"}, 400, "invalid_email"),
    ("linkedin", {"linkedin_url": "https://example.com/in/ada"}, 400, "invalid_linkedin_url"),
    ("linkedin scheme", {"linkedin_url": "linkedin.com/in/ada"}, 400, "invalid_linkedin_url"),
    ("link url", {"links": [{"name": "x", "url": "ftp://files.example/x"}]}, 400, "invalid_url"),
    ("country", {"address": {"country": "XX"}}, 400, "incorrect_country_code"),
    ("custom field", {"custom_fields": {"Favourite colour": "blue"}}, 400, "invalid_custom_candidate_field"),
    # A value sent of the wrong kind is not "You must include this required field" (required_field's message).
    ("enum", {"prospect_status": "Hot"}, 400, "required_field"),
    ("type", {"first_name": 7}, 400, "required_field"),
    ("long string", {"first_name": "A" * 256}, 400, "string_size_limit"),
    ("long note", {"note": "n" * 10_001}, 400, "string_size_limit"),
    ("source contact email", {"source_contact": {"full_name": "M R", "email": "nope"}}, 400, "invalid_email"),
    ("source contact name", {"source_contact": {"email": "m@agency.example"}}, 400, "required_field"),
    ("updated_by name", {"updated_by": {"type": "user"}}, 400, "required_field"),
    ("updated_by type", {"updated_by": {"type": "robot", "name": "R"}}, 400, "required_field"),
    ("unknown field", {"favourite": "tea"}, 400, "invalid_custom_candidate_field"),
    ("resume too big", {"resume": {"name": "cv.pdf", "file": b64(BIG)}}, 403, "file_size_limit"),
    ("resume not a document", {"resume": {"name": "cv.png", "file": b64(PNG)}}, 403, "malicious_file"),
    ("resume named pdf, is png", {"resume": {"name": "cv.pdf", "file": b64(PNG)}}, 403, "malicious_file"),
    ("picture named png, is pdf", {"picture": {"name": "me.png", "file": b64(PDF)}}, 403, "malicious_file"),
    ("file named png, is pdf", {"files": [{"name": "scan.png", "file": b64(PDF)}]}, 403, "malicious_file"),
    ("file not base64", {"files": [{"name": "a.txt", "file": "***"}]}, 400, "required_field"),
]


@pytest.mark.parametrize(("body", "status", "code"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES])
def test_a_bad_update_is_refused_with_comeets_code(
    client: TestClient, org: Org, position: dict[str, Any], services: Services,
    body: dict[str, Any], status: int, code: str,
) -> None:  # fmt: skip
    uid = create(client, org, new_candidate(position))["uid"]
    assert_refused(client, services, org, "PATCH", f"/comeet/candidates/{uid}", body, status, code)


@pytest.mark.parametrize(("body", "status", "code"), [b[1:] for b in BAD_BODIES if b[0] not in ("updated_by name",
                         "updated_by type")], ids=[b[0] for b in BAD_BODIES if not
                         b[0].startswith("updated_by")])  # fmt: skip
def test_a_bad_create_is_refused_with_comeets_code(
    client: TestClient, org: Org, position: dict[str, Any], services: Services,
    body: dict[str, Any], status: int, code: str,
) -> None:  # fmt: skip
    before = table_counts(services)
    response = client.post("/comeet/candidates", json=new_candidate(position, **body), headers=org.headers)
    assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert table_counts(services) == before


@pytest.mark.parametrize("missing", ["position_uid", "first_name", "last_name"])
def test_a_create_without_a_required_field_names_it(
    client: TestClient, org: Org, position: dict[str, Any], missing: str
) -> None:
    body = new_candidate(position)
    del body[missing]
    response = client.post("/comeet/candidates", json=body, headers=org.headers)
    assert response.status_code == 400
    assert response.json()["error"] == "required_field" and missing in response.json()["message"]


@pytest.mark.parametrize("bound", ["time_created:before", "time_created:after"])
def test_a_bad_time_filter_is_invalid_datetime(client: TestClient, org: Org, bound: str) -> None:
    response = client.get("/comeet/candidates", params={bound: "yesterday"}, headers=org.headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_datetime" and bound in response.json()["message"]


def test_an_unknown_status_filter_is_invalid_value(client: TestClient, org: Org) -> None:
    response = client.get("/comeet/candidates", params={"status": "In progress,Sleeping"}, headers=org.headers)
    assert (response.status_code, response.json()["error"]) == (400, "required_field")


# A refusal the dialect makes itself, and the field its message names first: Comeet's path to it in the body.
NAMED: list[tuple[dict[str, Any], str]] = [
    ({"email": "not-an-address"}, "email"),
    ({"linkedin_url": "https://example.com/in/ada"}, "linkedin_url"),
    ({"links": [{"url": "https://ok.example/a"}, {"url": "ftp://files.example/x"}]}, "links[1].url"),
    ({"address": {"country": "XX"}}, "address.country"),
    ({"custom_fields": {"Favourite colour": "blue"}}, "custom_fields.Favourite colour"),
    ({"source_contact": {"full_name": "M R", "email": "nope"}}, "source_contact.email"),
    ({"resume": {"name": "cv.png", "file": b64(PNG)}}, "resume"),
    ({"picture": {"name": "me.png", "file": ""}}, "picture.file"),
    ({"files": [{"name": "a.pdf", "file": b64(PDF)}, {"name": "b.txt", "file": "***"}]}, "files[1].file"),
]


def test_a_refusal_names_the_field_as_comeet_does(
    client: TestClient, org: Org, position: dict[str, Any], services: Services
) -> None:
    uid = create(client, org, new_candidate(position))["uid"]
    before = table_counts(services)
    for body, field in NAMED:
        response = client.patch(f"/comeet/candidates/{uid}", json=body, headers=org.headers)
        assert response.status_code in (400, 403), response.text
        assert response.json()["message"].startswith(f"{field}: "), (body, response.text)
    assert table_counts(services) == before


@pytest.mark.parametrize("name", ["first_name", "last_name"])
def test_a_patch_may_not_blank_a_name_create_requires(
    client: TestClient, org: Org, position: dict[str, Any], services: Services, name: str
) -> None:
    """A candidate always has the names create requires: a null one is refused, naming it, and nothing changes."""
    uid = create(client, org, new_candidate(position))["uid"]
    before = client.get(f"/comeet/candidates/{uid}", headers=org.headers).json()
    assert_refused(client, services, org, "PATCH", f"/comeet/candidates/{uid}", {name: None}, 400, "required_field")
    response = client.patch(f"/comeet/candidates/{uid}", json={"email": "augusta@example.com", name: None},
                            headers=org.headers)  # fmt: skip
    assert response.json()["message"] == f"{name}: must not be null"
    assert client.get(f"/comeet/candidates/{uid}", headers=org.headers).json() == before


def test_a_patch_null_still_clears_an_optional_field(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position, middle_name="King", phone="+44 20 7183 8750"))
    cleared = {"middle_name": None, "phone": None, "partner_candidate_id": None}
    response = client.patch(f"/comeet/candidates/{created['uid']}", json=cleared, headers=org.headers)
    assert response.status_code == 200, response.text
    assert {field: response.json()[field] for field in cleared} == cleared
    assert (response.json()["first_name"], response.json()["last_name"]) == ("Ada", "Lovelace")
