"""Create and update as multipart/form-data, ``resume`` and ``offer_letter`` as file parts: the same fields, limits
and content checks as the JSON body with base64 files; every refusal writes nothing."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.dialects.paradox import files
from tests.api.paradox.conftest import BASE, refused
from tests.helpers import Org, TestClient, table_counts

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF"
HTML = b"<!DOCTYPE html><html><body>Offer</body></html>"
GIF = b"GIF89a" + b"\x00" * 32
FORM = {"name": "Jane Doe", "email": "jane@example.com", "phone": "+14155550123"}


def exported_files(client: TestClient, org: Org) -> list[tuple[str, str, str, int]]:
    person = client.get("/api/v1/candidates", headers=org.headers).json()["items"][0]
    found = client.get(f"/api/v1/candidates/{person['id']}/export", headers=org.headers).json()["attachments"]
    return [(f["kind"], f["name"], f["content_type"], f["size"]) for f in found]


def test_a_multipart_create_stores_the_fields_and_both_files(client: TestClient, org: Org, px: dict[str, str]) -> None:
    form = {**FORM, "status": "1", "talent_community": "true", "community_of_interest": "4",
            "candidate_attribute_data": '{"shift": "night"}', "offer_file_name": "offer.html"}  # fmt: skip
    uploads = {"resume": ("cv.pdf", PDF, "application/pdf"), "offer_letter": ("o.html", HTML, "text/html")}
    response = client.post(f"{BASE}/candidates", data=form, files=uploads, headers=px)
    assert response.status_code == 200, response.text
    made = response.json()["candidate"]
    assert (made["name"], made["status"], made["talent_community"], made["community_of_interest"]) == (
        "Jane Doe", 1, True, 4,
    )  # fmt: skip
    assert made["candidate_attribute_data"] == {"shift": "night"}
    assert exported_files(client, org) == [
        ("resume", "resume.pdf", "application/pdf", len(PDF)), ("offer_letter", "offer.html", "text/html", len(HTML)),
    ]  # fmt: skip


def test_a_multipart_update_changes_only_the_parts_sent(client: TestClient, org: Org, px: dict[str, str]) -> None:
    made = client.post(f"{BASE}/candidates", json={**FORM, "job_title": "Cook"}, headers=px).json()["candidate"]
    uploads = {"resume": ("cv.pdf", PDF, "application/pdf")}
    response = client.put(f"{BASE}/candidates/{made['OID']}", data={"ex_status": "hired"}, files=uploads, headers=px)
    body = response.json()["candidate"]
    assert (body["job_title"], body["ex_status"], body["email"]) == ("Cook", "hired", "jane@example.com")
    assert [f[0] for f in exported_files(client, org)] == ["resume"]


def test_a_form_without_files_is_a_create_too(client: TestClient, px: dict[str, str]) -> None:
    response = client.post(f"{BASE}/candidates", data=FORM, headers=px)
    assert (response.status_code, response.json()["candidate"]["email"]) == (200, "jane@example.com")


REJECTS: list[tuple[dict[str, Any], dict[str, Any], int, str]] = [
    ({}, {"resume": ("a.gif", GIF, "image/gif")}, 1010, "resume"),
    ({}, {"offer_letter": ("a.gif", GIF, "image/gif")}, 1010, "offer_letter"),
    ({}, {"resume": ("empty.pdf", b"", "application/pdf")}, 1010, "resume"),
    ({}, {"resume": ("big.pdf", PDF + b"0" * files.MAX_BYTES, "application/pdf")}, 1010, "resume"),
    ({}, {"picture": ("a.pdf", PDF, "application/pdf")}, 1010, "picture"),
    ({"candidate_attribute_data": "{not json"}, {}, 1010, "candidate_attribute_data"),
    ({"candidate_attribute_data": "[" * 100_000}, {}, 1010, "candidate_attribute_data"),
    ({"candidate_attribute_data": '{"k": "' + "x" * 256 + '"}'}, {}, 1010, "candidate_attribute_data.k"),
    ({"status": "9"}, {}, 1010, "status"),
    ({"talent_community": "perhaps"}, {}, 1010, "talent_community"),
    ({"community_of_interest": "many"}, {}, 1010, "community_of_interest"),
    ({"favourite_colour": "blue"}, {}, 1012, "favourite_colour"),
]  # fmt: skip


@pytest.mark.parametrize(("form", "uploads", "code", "field"), REJECTS, ids=[r[3] for r in REJECTS])
def test_a_bad_part_is_400_naming_it_and_writes_nothing_on_create_or_update(
    client: TestClient, px: dict[str, str], services: Services, form: dict[str, Any], uploads: dict[str, Any],
    code: int, field: str,
) -> None:  # fmt: skip
    made = client.post(f"{BASE}/candidates", json={**FORM, "ex_id": "KEEP"}, headers=px).json()["candidate"]
    before = table_counts(services)
    for method, url, sent in (
        ("POST", f"{BASE}/candidates", {**FORM, "email": "new@example.com", **form}),
        ("PUT", f"{BASE}/candidates/{made['OID']}", {**form, "note": "never"}),
    ):
        # Without files httpx sends the fields url-encoded: the other form type Paradox's bodies come in.
        refused(client.request(method, url, data=sent, files=uploads or None, headers=px), 400, code, field)
    assert table_counts(services) == before


def test_a_part_given_twice_is_refused(client: TestClient, px: dict[str, str], services: Services) -> None:
    before = table_counts(services)
    boundary = "b0undary"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("name", "Jane Doe"), ("email", "a@example.com"), ("email", "b@example.com"))
    )
    response = client.post(f"{BASE}/candidates", content=f"{parts}--{boundary}--\r\n".encode(),
                           headers={**px, "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    refused(response, 400, 1010, "email")
    assert table_counts(services) == before


def test_more_than_one_file_for_a_file_field_is_refused_naming_the_field(
    client: TestClient, px: dict[str, str], services: Services
) -> None:
    """Paradox takes one resume and one offer letter: two file parts, or a JSON list, are named by the field itself
    (never by an index, nor by the core's name for files, ``attachments``)."""
    before = table_counts(services)
    for name in ("resume", "offer_letter"):
        two = [(name, ("a.pdf", PDF, "application/pdf")), (name, ("b.pdf", PDF, "application/pdf"))]
        refused(client.post(f"{BASE}/candidates", data=FORM, files=two, headers=px), 400, 1010, name)
        listed = {**FORM, name: [base64.b64encode(PDF).decode()] * 2}
        refused(client.post(f"{BASE}/candidates", json=listed, headers=px), 400, 1010, name)
    assert table_counts(services) == before
