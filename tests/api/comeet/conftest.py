"""Comeet fixtures: a position with steps and declared custom fields, and Comeet's own JWT credentials."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import timedelta
from typing import Any

import jwt
import pytest

from tests.helpers import FakeClock, Org, TestClient, table_counts

POSITION: dict[str, Any] = {
    "kind": "position",
    "name": "Backend engineer",
    "settings": {"custom_fields": ["Preferred shift", "Years of experience"]},
    "steps": [
        {"key": "cv", "name": "CV Screen", "type": "Go/No-go"},
        {"key": "tech", "name": "Technical interview", "type": "In person Interview"},
        {"key": "offer", "name": "Offer", "type": "Offer"},
    ],
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


DOCX = _docx()  # built once: a zip records the time it was made, so two builds may differ


def docx() -> bytes:
    return DOCX


def comeet_jwt(org: Org, clock: FakeClock, minutes: float = 10, **claims: Any) -> dict[str, str]:
    """Headers as a Comeet partner builds them: HS256 over iss (the key) and exp, with the key's secret."""
    payload = {"iss": org.key_id, "exp": int((clock.now() + timedelta(minutes=minutes)).timestamp()), **claims}
    token = jwt.encode({k: v for k, v in payload.items() if v is not None}, org.signing_secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def make_position(client: TestClient, org: Org, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/openings", json={**POSITION, **overrides}, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def position(client: TestClient, org: Org) -> dict[str, Any]:
    return make_position(client, org)


def new_candidate(position: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"position_uid": position["id"], "partner_candidate_id": "p-1", "first_name": "Ada",
            "last_name": "Lovelace", "email": "ada@example.com", **fields}  # fmt: skip


def create(client: TestClient, org: Org, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/comeet/candidates", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def assert_refused(
    client: TestClient, services: Any, org: Org, method: str, path: str, body: Any, status: int, code: str
) -> None:
    """The call is refused with Comeet's status and code, says why, and writes nothing."""
    before = table_counts(services)
    response = client.request(method, path, json=body, headers=org.headers)
    assert response.status_code == status, response.text
    answer = response.json()
    assert (answer["status"], answer["error"]) == (status, code)
    assert answer["message"]
    assert table_counts(services) == before
