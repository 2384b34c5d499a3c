"""What the fuzzer found, kept as plain examples: each was a 500 or an answer outside the schema."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.paradox.conftest import access_token
from tests.helpers import Org, TestClient, make_opening


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_digits_outside_ascii_are_not_numbers(client: TestClient, org: Org) -> None:
    person = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=org.headers).json()
    url = f"/api/v1/candidates/{person['id']}"
    response = client.patch(
        url, json={"last_name": "L"}, headers={**org.headers, "If-Match": '"1\u00b9"'.encode("latin-1")}
    )
    assert (response.status_code, response.json()["field"]) == (422, "If-Match")
    px = {"Authorization": f"Bearer {access_token(client, org)}"}
    created = client.post(
        "/paradox/api/v1/public/candidates", json={"name": "Ada L", "email": "a@example.com"}, headers=px
    )
    oid = created.json()["candidate"]["OID"]
    for status in ("3\u00b9", "0" * 5000):
        response = client.patch(f"/paradox/api/v1/public/candidates/{oid}", json={"status": status}, headers=px)
        assert response.status_code == 400
    assert client.get("/paradox/api/v1/public/candidates/1\u00b2", headers=px).status_code == 404


@pytest.mark.parametrize("limit", [0, -2, 1001, 10**20])
def test_an_attempt_limit_outside_1_to_1000_or_minus_1_is_an_invalid_field(
    client: TestClient, org: Org, limit: int
) -> None:
    steps = [{"name": "Coding", "attempt_limit": limit}]
    response = client.post("/api/v1/openings", json={"kind": "task", "name": "T", "steps": steps}, headers=org.headers)
    assert (response.status_code, response.json()["field"]) == (422, "steps[0].attempt_limit")


def test_a_huge_testinvite_step_limit_is_a_bad_request(client: TestClient, org: Org) -> None:
    task = make_opening(client, org)
    base = f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates"
    created = client.post(base, json={"kind": "temporary-candidate", "fullname": "Ada L"}, headers=org.headers).json()
    change = {"steps": {task["steps"][0]["id"]: {"limit": {"isDefault": False, "value": 10**20}}}}
    response = client.patch(f"{base}/{created['candidateId']}", json=change, headers=org.headers)
    assert response.status_code == 400 and "from 1 to 1000" in response.json()["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": None}, "name"), ({"language": None}, "language"), ({"default_group": None}, "default_group"),
     ({"status": None}, "status")],
)  # fmt: skip
def test_null_for_a_required_opening_field_is_an_invalid_field(
    client: TestClient, org: Org, change: dict[str, Any], field: str
) -> None:
    opening = make_opening(client, org)
    response = client.patch(f"/api/v1/openings/{opening['id']}", json=change, headers=org.headers)
    assert (response.status_code, response.json()["field"]) == (422, field)


def test_null_settings_and_collections_empty_them(client: TestClient, org: Org) -> None:
    opening = make_opening(client, org, settings={"a": 1})
    nulls = {"settings": None, "email_templates": None, "steps": None}
    patched = client.patch(f"/api/v1/openings/{opening['id']}", json=nulls, headers=org.headers)
    assert patched.status_code == 200
    assert (patched.json()["settings"], patched.json()["email_templates"], len(patched.json()["steps"])) == ({}, [], 2)
    body = {"opening_id": opening["id"], "candidate": {"first_name": "Ada"}, "labels": ["x"], "tags": {"k": "v"}}
    application = client.post("/api/v1/applications", json=body, headers=org.headers).json()
    nulls = {"labels": None, "tags": None, "program_ids": None, "extra_emails": None, "step_overrides": None}
    patched = client.patch(f"/api/v1/applications/{application['id']}", json=nulls, headers=org.headers)
    assert patched.status_code == 200
    assert [patched.json()[k] for k in nulls] == [[], {}, [], [], {}]


def test_a_null_username_is_an_invalid_field(client: TestClient, org: Org) -> None:
    user = client.post("/api/v1/users", json={"username": "grace"}, headers=org.headers).json()
    response = client.patch(f"/api/v1/users/{user['id']}", json={"username": None}, headers=org.headers)
    assert (response.status_code, response.json()["field"]) == (422, "username")


def test_integers_beyond_64_bits_are_refused_before_they_poison_every_list(client: TestClient, org: Org) -> None:
    response = client.post(
        "/api/v1/openings", json={"kind": "task", "name": "T", "settings": {"n": 2**64}}, headers=org.headers
    )
    assert (response.status_code, response.json()["field"]) == (422, "settings")
    response = client.post(
        "/api/v1/candidates", json={"first_name": "A", "metadata": {"n": [-(2**63) - 1]}}, headers=org.headers
    )
    assert (response.status_code, response.json()["field"]) == (422, "metadata")
    assert client.get("/api/v1/openings", headers=org.headers).status_code == 200
    assert client.get("/api/v1/candidates", headers=org.headers).status_code == 200
