"""Every native write endpoint: a representative bad request gets a problem+json naming the field, and writes nothing.

A case per endpoint, and one per wire-level limit: the handlers' rules behind them (every field each command
refuses) are checked without HTTP in ``tests/service``.
"""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.helpers import Org, TestClient, make_opening, operator_headers, table_counts


@pytest.fixture
def world(client: TestClient, org: Org) -> dict[str, Any]:
    opening = make_opening(client, org)
    candidate = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=org.headers).json()
    application = client.post(
        "/api/v1/applications", json={"opening_id": opening["id"], "candidate_id": candidate["id"]}, headers=org.headers
    ).json()
    user = client.post("/api/v1/users", json={"username": "ada"}, headers=org.headers).json()
    return {"opening": opening, "candidate": candidate, "application": application, "user": user}


CASES: list[tuple[str, str, str, Any, str]] = [
    ("organizations", "POST", "/api/v1/organizations", {"name": ""}, "name"),
    ("api-keys", "POST", "/api/v1/api-keys", {"name": "k", "scopes": ["read:everything"]}, "scopes"),
    ("openings", "POST", "/api/v1/openings", {"kind": "webinar", "name": "x"}, "kind"),
    ("opening-patch", "PATCH", "/api/v1/openings/{opening}", {"name": 7}, "name"),
    ("users", "POST", "/api/v1/users", {"username": "ada"}, "username"),
    ("user-patch", "PATCH", "/api/v1/users/{user}", {"email": "not-an-email"}, "email"),
    ("candidates", "POST", "/api/v1/candidates", {"first_name": "Bo", "phone": "555-1234"}, "phone"),
    ("candidate-patch", "PATCH", "/api/v1/candidates/{candidate}", {"gdpr_expiry_date": "2020-01-01"}, "gdpr_expiry_date"),
    ("candidate-patch-long", "PATCH", "/api/v1/candidates/{candidate}", {"first_name": "x" * 201}, "first_name"),
    ("applications", "POST", "/api/v1/applications", {"opening_id": "{opening}", "candidate": {"first_name": "Bo"}, "program_ids": ["nope"]}, "program_ids[0]"),
    ("application-type", "PATCH", "/api/v1/applications/{application}", {"favorite": "very"}, "favorite"),
]  # fmt: skip


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for name, resource in world.items():
            value = value.replace("{" + name + "}", resource["id"])
        return value
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


@pytest.mark.parametrize(("name", "method", "path", "body", "field"), CASES, ids=[c[0] for c in CASES])
def test_a_rejected_write_names_the_field_and_changes_nothing(
    client: TestClient, org: Org, services: Services, world: dict[str, Any],
    name: str, method: str, path: str, body: Any, field: str,
) -> None:  # fmt: skip
    headers = operator_headers() if name == "organizations" else org.headers
    before = table_counts(services)
    response = client.request(method, _fill(path, world), json=_fill(body, world), headers=headers)
    assert response.status_code in (400, 409, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field
    assert problem["detail"]
    assert table_counts(services) == before


def test_malformed_json_is_a_problem_and_writes_nothing(client: TestClient, org: Org, services: Services) -> None:
    before = table_counts(services)
    response = client.post(
        "/api/v1/candidates", content=b'{"first_name": ', headers={**org.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert table_counts(services) == before


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient, org: Org, services: Services) -> None:
    before = table_counts(services)
    response = client.post(
        "/api/v1/candidates", json={"first_name": "A", "metadata": {"blob": "x" * 2_000_000}}, headers=org.headers
    )
    assert response.status_code == 413
    assert table_counts(services) == before


def test_a_stale_if_match_is_412_and_writes_nothing(
    client: TestClient, org: Org, services: Services, world: dict[str, Any]
) -> None:
    url = f"/api/v1/candidates/{world['candidate']['id']}"
    fresh = client.patch(url, json={"last_name": "Lovelace"}, headers={**org.headers, "If-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"2"'
    before = table_counts(services)
    stale = client.patch(url, json={"last_name": "Byron"}, headers={**org.headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert table_counts(services) == before
    assert client.get(url, headers=org.headers).json()["last_name"] == "Lovelace"
