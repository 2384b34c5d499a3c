"""Fixtures for the Paradox dialect: an OAuth access token and candidates made through /paradox."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from httpx import Response

from tests.helpers import Org, TestClient

BASE = "/paradox/api/v1/public"


def access_token(client: TestClient, org: Org) -> str:
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    response = client.post(f"{BASE}/auth/token", data=form)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
def px(client: TestClient, org: Org) -> dict[str, str]:
    """Headers carrying a Paradox access token of ``org``'s key."""
    return {"Authorization": f"Bearer {access_token(client, org)}"}


def basic(org: Org) -> dict[str, str]:
    """HTTP Basic with the key's id and token: Paradox's documented alternative to the bearer token."""
    pair = base64.b64encode(f"{org.key_id}:{org.token}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def refused(response: Response, status: int, code: int, field: str | None = None) -> dict[str, Any]:
    """The one error of a Paradox error answer, checked for its status, code and (when given) field."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1, body
    error = dict(body["errors"][0])
    assert set(error) == {"code", "message", "field"} and error["code"] == code, error
    if field is not None:
        assert error["field"] == field, error
    return error


def new_candidate(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"name": "Jane Doe", "email": "jane@example.com", "phone": "+14155550123", **body}
    response = client.post(f"{BASE}/candidates", json=payload, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    return dict(response.json()["candidate"])
