"""Comeet attachments behind expiring signed URLs, and the restricted salary_expectations field."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.api.comeet.conftest import PDF, PNG, b64, create, docx, new_candidate
from tests.helpers import FakeClock, Org, TestClient, make_key

EVERYTHING_BUT_SALARY = ["read:candidates", "write:candidates", "read:openings"]


def fetch(client: TestClient, url: str) -> Any:
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")  # no credential: the link is the credential


def test_files_come_back_as_links_that_serve_them(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    body = new_candidate(position, resume={"name": "cv.pdf", "file": b64(PDF)}, picture={"file": b64(PNG)},
                         files=[{"name": "letter.docx", "file": b64(docx())},
                                {"name": "notes.txt", "file": b64(b"Plain notes")}])  # fmt: skip
    created = create(client, org, body)

    assert created["resume"]["name"] == "cv.pdf"
    assert created["picture"]["name"] == "picture.png"
    assert [f["name"] for f in created["files"]] == ["letter.docx", "notes.txt"]
    served = fetch(client, created["resume"]["url"])
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    assert fetch(client, created["files"][0]["url"]).content == docx()


def test_a_new_resume_replaces_the_shown_one(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position, resume={"name": "old.pdf", "file": b64(PDF)}))
    response = client.patch(f"/comeet/candidates/{created['uid']}", json={"resume": {"name": "new.docx",
                            "file": b64(docx())}}, headers=org.headers)  # fmt: skip
    assert response.json()["resume"]["name"] == "new.docx"
    assert fetch(client, response.json()["resume"]["url"]).content == docx()


def test_a_file_link_expires(client: TestClient, org: Org, position: dict[str, Any], clock: FakeClock) -> None:
    url = create(client, org, new_candidate(position, resume={"name": "cv.pdf", "file": b64(PDF)}))["resume"]["url"]
    clock.advance(minutes=14)
    assert fetch(client, url).status_code == 200
    clock.advance(minutes=2)
    expired = fetch(client, url)
    assert expired.status_code == 403 and expired.json()["error"] == "no_permission"


def test_a_tampered_file_link_is_refused(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    url = create(client, org, new_candidate(position, resume={"name": "cv.pdf", "file": b64(PDF)}))["resume"]["url"]
    later = url.replace("expires=", "expires=9")
    assert fetch(client, later).status_code == 403


def test_salary_needs_its_own_scope_to_write(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    plain = make_key(client, org, EVERYTHING_BUT_SALARY)
    uid = create(client, org, new_candidate(position))["uid"]
    for response in (
        client.patch(f"/comeet/candidates/{uid}", json={"salary_expectations": "90k"}, headers=plain),
        client.post(
            "/comeet/candidates",
            json=new_candidate(position, partner_candidate_id="p-9", salary_expectations="90k"),
            headers=plain,
        ),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == "no_permission" and "salary_expectations" in response.json()["message"]
    assert client.patch(f"/comeet/candidates/{uid}", json={"first_name": "Ada"}, headers=plain).status_code == 200


def test_salary_needs_its_own_scope_to_read(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    plain = make_key(client, org, EVERYTHING_BUT_SALARY)
    uid = create(client, org, new_candidate(position, salary_expectations="80k / Annual"))["uid"]

    assert "salary_expectations" not in client.get(f"/comeet/candidates/{uid}", headers=plain).json()
    assert all("salary_expectations" not in c for c in client.get("/comeet/candidates", headers=plain).json())
    asked = client.get(f"/comeet/candidates/{uid}", params={"include": "salary_expectations"}, headers=plain)
    assert asked.status_code == 403 and asked.json()["error"] == "no_permission"
    allowed = client.get(f"/comeet/candidates/{uid}", params={"include": "salary_expectations"}, headers=org.headers)
    assert allowed.json()["salary_expectations"] == "80k / Annual"


@pytest.mark.parametrize("scopes", [["read:candidates"], ["write:candidates"]])
def test_a_key_without_the_calls_scope_gets_no_permission(
    client: TestClient, org: Org, position: dict[str, Any], scopes: list[str]
) -> None:
    headers = make_key(client, org, scopes)
    response = (
        client.post("/comeet/candidates", json=new_candidate(position), headers=headers)
        if scopes == ["read:candidates"]
        else client.get("/comeet/candidates/x", headers=headers)
    )
    assert response.status_code == 403 and response.json()["error"] == "no_permission"
