"""Fixtures for the TestInvite dialect: a task (an opening) and a user, made through the native API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Org, TestClient, make_opening

BASE = "/testinvite/api/integration/rest/v1/tasks"
CASES = Path(__file__).parent / "cases"


@pytest.fixture
def task(client: TestClient, org: Org) -> dict[str, Any]:
    return make_opening(client, org, language="tr")


@pytest.fixture
def user(client: TestClient, org: Org) -> dict[str, Any]:
    body = {"username": "grace", "fullname": "Grace Hopper", "email": "grace@example.com", "tags": {"team": "navy"}}
    response = client.post("/api/v1/users", json=body, headers=org.headers)
    assert response.status_code == 201
    return dict(response.json())


def fill(value: Any, ids: dict[str, str]) -> Any:
    """Replace {task}, {step1}, {program}, {user} placeholders in a contract case."""
    text = json.dumps(value)
    for name, ident in ids.items():
        text = text.replace("{" + name + "}", ident)
    return json.loads(text)


def case(name: str, ids: dict[str, str]) -> dict[str, Any]:
    return dict(fill(json.loads((CASES / f"{name}.json").read_text()), ids))


def ids_of(task: dict[str, Any], user: dict[str, Any] | None = None) -> dict[str, str]:
    ids = {
        "task": task["id"],
        "step1": task["steps"][0]["id"],
        "step2": task["steps"][1]["id"],
        "program": task["programs"][0]["id"],
    }
    if user is not None:
        ids["user"] = user["id"]
    return ids


def create(client: TestClient, org: Org, task: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = client.post(
        f"{BASE}/{task['id']}/candidates", json={"kind": "temporary-candidate", **body}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())
