"""The calls around a Comeet candidate: notes (POST only), its files, find_duplicates, and an optional partner id."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from candidly.bootstrap import Services
from tests.api.comeet.conftest import PDF, assert_refused, b64, create, make_position, new_candidate
from tests.helpers import Org, TestClient

NOTE = {
    "time_created": "2026-01-15T08:59:00Z",
    "created_by": {"type": "user", "first_name": "Kelly", "last_name": "Lee", "email": "kelly@example.com"},
    "text": "<b>Pros</b>\n• Strong closer",
}


def test_a_note_is_kept_with_its_writer(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    response = client.post(f"/comeet/candidates/{created['uid']}/notes", json=NOTE, headers=org.headers)

    assert response.status_code == 201, response.text
    assert response.json() == {"text": NOTE["text"], "time_created": "2026-01-15T09:00:00Z",
                               "created_by": NOTE["created_by"]}  # fmt: skip
    export = client.get(f"/api/v1/candidates/{created['person_uid']}/export", headers=org.headers).json()
    [note] = export["notes"]
    assert note["body"] == NOTE["text"]
    assert (note["author"]["name"], note["author"]["email"], note["author"]["surface"]) == (
        "Kelly Lee", "kelly@example.com", "comeet")  # fmt: skip


def test_a_note_with_empty_author_fields_as_comeet_core_sends_them(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    uid = create(client, org, new_candidate(position))["uid"]
    body = {"text": "x" * 30_000, "created_by": {"type": "user", "first_name": "", "last_name": "", "email": ""}}
    assert client.post(f"/comeet/candidates/{uid}/notes", json=body, headers=org.headers).status_code == 201


def test_get_on_notes_is_405_in_comeets_body(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    uid = create(client, org, new_candidate(position))["uid"]
    response = client.get(f"/comeet/candidates/{uid}/notes", headers=org.headers)
    assert response.status_code == 405
    assert response.json() == {
        "status": 405,
        "error": "no_permission",
        "message": "GET is not allowed on this path",
    }
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [({}, 400, "required_field"), ({"text": ""}, 400, "required_field"),
     ({"text": "x" * 30_001}, 400, "string_size_limit"),
     ({"text": "x", "created_by": {"type": "robot"}}, 400, "required_field"),
     ({"text": "x", "colour": "red"}, 400, "invalid_custom_candidate_field")],
    ids=["no text", "empty text", "too long", "author type", "unknown field"],
)  # fmt: skip
def test_a_bad_note_is_refused_and_writes_nothing(
    client: TestClient, org: Org, position: dict[str, Any], services: Services,
    body: dict[str, Any], status: int, code: str,
) -> None:  # fmt: skip
    uid = create(client, org, new_candidate(position))["uid"]
    assert_refused(client, services, org, "POST", f"/comeet/candidates/{uid}/notes", body, status, code)


def test_a_note_on_an_unknown_or_deleted_candidate_is_not_found(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    uid = create(client, org, new_candidate(position))["uid"]
    client.delete(f"/api/v1/applications/{uid}", headers=org.headers)
    for target in (uid, "00.AAA"):
        response = client.post(f"/comeet/candidates/{target}/notes", json={"text": "x"}, headers=org.headers)
        assert response.status_code == 404 and response.json()["error"] == "candidate_not_found"


def test_files_lists_the_extras_never_the_resume(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    body = new_candidate(position, resume={"name": "cv.pdf", "file": b64(PDF)},
                         files=[{"name": "reference call.txt", "file": b64(b"Called Charles: glowing.")}])  # fmt: skip
    uid = create(client, org, body)["uid"]
    response = client.get(f"/comeet/candidates/{uid}/files", headers=org.headers)
    assert response.status_code == 200, response.text
    [extra] = response.json()["files"]
    assert extra["name"] == "reference call.txt"
    parts = urlsplit(extra["url"])
    assert client.get(f"{parts.path}?{parts.query}").content == b"Called Charles: glowing."
    bare = create(client, org, new_candidate(position, partner_candidate_id="p-2", email="b@example.com"))
    assert client.get(f"/comeet/candidates/{bare['uid']}/files", headers=org.headers).json() == {"files": []}


def test_a_file_named_in_any_script_downloads(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position, resume={"name": "简历 Ünal.pdf", "file": b64(PDF)}))
    parts = urlsplit(created["resume"]["url"])
    served = client.get(f"{parts.path}?{parts.query}")
    assert served.status_code == 200 and served.content == PDF
    disposition = served.headers["content-disposition"]
    assert disposition.isascii()
    assert 'filename="__ _nal.pdf"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "简历 Ünal.pdf"


def test_find_duplicates_by_each_identifier(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    other = make_position(client, org, name="Data engineer")
    ada = new_candidate(position, linkedin_url="https://www.linkedin.com/in/ada", phone="+44 20 7183 8750")
    first = create(client, org, ada)
    second = create(client, org, new_candidate(other, partner_candidate_id="p-9"))  # the same person, by email
    stranger = create(client, org, new_candidate(position, partner_candidate_id="s", first_name="Grace",
                                                 last_name="Hopper", email="grace@example.com"))  # fmt: skip
    processes = {first["uid"], second["uid"]}

    def found(**params: str) -> set[str]:
        response = client.get("/comeet/sourcing/candidates/find_duplicates", params=params, headers=org.headers)
        assert response.status_code == 200, response.text
        assert isinstance(response.json(), list)
        return {c["uid"] for c in response.json()}

    assert found(email="ada@example.com") == processes
    assert found(first_name="Ada", last_name="Lovelace") == processes
    assert found(linkedin_url="https://www.linkedin.com/in/ada") == processes
    assert found(phone_number="+44 20 7183 8750") == processes  # as written
    assert found(phone_number="+442071838750") == processes  # the same number
    assert found(email="nobody@example.com", first_name="Ada") == set()
    assert found(email="grace@example.com", linkedin_url="https://www.linkedin.com/in/ada") == {
        stranger["uid"],
        *processes,
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [({}, "required_field"), ({"first_name": "Ada"}, "required_field"), ({"email": "nope"}, "invalid_email"),
     ({"email": "a@example.com", "limit": "5"}, "invalid_custom_candidate_field")],
    ids=["nothing", "a first name alone", "bad email", "unknown parameter"],
)  # fmt: skip
def test_find_duplicates_needs_an_identifier(client: TestClient, org: Org, params: dict[str, str], code: str) -> None:
    response = client.get("/comeet/sourcing/candidates/find_duplicates", params=params, headers=org.headers)
    assert (response.status_code, response.json()["error"]) == (400, code)


def test_duplicates_stay_within_the_account(
    client: TestClient, org: Org, other_org: Org, position: dict[str, Any]
) -> None:
    create(client, org, new_candidate(position))
    response = client.get("/comeet/sourcing/candidates/find_duplicates", params={"email": "ada@example.com"},
                          headers=other_org.headers)  # fmt: skip
    assert response.status_code == 200 and response.json() == []


def test_partner_candidate_id_is_optional_and_its_409_applies_when_given(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    body = new_candidate(position)
    del body["partner_candidate_id"]
    first = create(client, org, body)
    assert first["partner_candidate_id"] is None
    again = create(client, org, body)  # no partner id: nothing to conflict on
    assert again["uid"] != first["uid"] and again["person_uid"] == first["person_uid"]

    create(client, org, new_candidate(position, partner_candidate_id="p-1", email="c@example.com"))
    response = client.post("/comeet/candidates", json=new_candidate(position, partner_candidate_id="p-1",
                           email="c@example.com"), headers=org.headers)  # fmt: skip
    assert (response.status_code, response.json()["error"]) == (409, "candidate_post_conflict")
