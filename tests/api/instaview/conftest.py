"""Fixtures for the InstaView dialect: jobs made through /instaview/jobs, an ATS key made by the operator."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.helpers import Org, TestClient, operator_headers

BASE = "/instaview"
FUTURE = "2031-06-30"


def native(ident: str) -> str:
    """The Candidly id of an id InstaView writes as a UUID (the same 128 bits, in 32 hex digits)."""
    return ident.replace("-", "")


def uuid(ident: str) -> str:
    """A Candidly id as InstaView writes it: the canonical UUID form."""
    return str(UUID(hex=ident))


def new_candidate(client: TestClient, org: Org, **body: Any) -> dict[str, Any]:
    payload = {"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "gdprExpiryDate": FUTURE, **body}
    response = client.post(f"{BASE}/candidates", json=payload, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def new_job(client: TestClient, org: Org, title: str = "Engineer") -> dict[str, Any]:
    response = client.post(f"{BASE}/jobs", json={"title": title, "description": "Build things"}, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def job(client: TestClient, org: Org) -> dict[str, Any]:
    return new_job(client, org)


@pytest.fixture
def ats_headers(client: TestClient, org: Org, other_org: Org) -> dict[str, str]:
    body = {"name": "ats", "scopes": ["read:candidates", "write:candidates", "delete:candidates", "read:openings", "write:openings"],
            "organization_ids": [org.id, other_org.id]}  # fmt: skip
    response = client.post("/api/v1/api-keys", json=body, headers=operator_headers())
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}
