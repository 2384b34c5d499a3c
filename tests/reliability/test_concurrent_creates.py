"""Concurrent creates in one organization and one opening: every person gets a number of their own, and the
opening's count is every application. On PostgreSQL these creates no longer wait on each other's rows while they
run (numbers come in blocks, storage/numbers.py; the count is applied with the COMMIT): this checks that nothing
was given up for it.

Writers are threads sharing one TestClient: the app runs each request on its own worker thread, so the creates
really race in the database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.helpers import Org, TestClient, make_opening

WRITERS = 8
CREATES_EACH = 6


def _create(client: TestClient, org: Org, opening_id: str, email: str) -> Any:
    body = {"opening_id": opening_id, "candidate": {"first_name": "Ada", "email": email}}
    return client.post("/api/v1/applications", json=body, headers=org.headers)


def _numbers(client: TestClient, org: Org) -> list[int]:
    items = client.get("/api/v1/candidates?limit=200", headers=org.headers).json()["items"]
    return sorted(person["seq"] for person in items)


def test_concurrent_creates_in_one_opening_get_distinct_numbers_and_are_all_counted(
    client: TestClient, org: Org, other_org: Org
) -> None:
    opening = make_opening(client, org)
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> int:
        start.wait()
        for k in range(CREATES_EACH):
            # A refused create between the others: whatever number it took is not lost to the organization.
            refused = _create(client, org, opening["id"], "not-an-email")
            assert refused.status_code == 422, refused.text
            response = _create(client, org, opening["id"], f"w{n}-{k}@example.com")
            assert response.status_code == 201, response.text
        return CREATES_EACH

    with ThreadPoolExecutor(WRITERS) as pool:
        created = sum(pool.map(writer, range(WRITERS)))

    # One server process, nothing failed half-way: the numbers are 1..n, none twice, none skipped.
    assert _numbers(client, org) == list(range(1, created + 1))
    stored = client.get(f"/api/v1/openings/{opening['id']}", headers=org.headers).json()
    assert stored["application_count"] == created
    # Another organization's numbers start at 1: blocks are per organization.
    assert _create(client, other_org, make_opening(client, other_org)["id"], "x@example.com").status_code == 201
    assert _numbers(client, other_org) == [1]


def test_an_opening_renamed_while_creates_run_keeps_every_application_counted(client: TestClient, org: Org) -> None:
    # An opening's update writes the copy it loaded; the count it loaded must not overwrite the creates' since.
    opening = make_opening(client, org)
    url = f"/api/v1/openings/{opening['id']}"
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> int:
        start.wait()
        for k in range(CREATES_EACH):
            if n == 0:
                renamed = client.patch(url, json={"name": f"Rename {k}"}, headers=org.headers)
                assert renamed.status_code == 200, renamed.text
            else:
                response = _create(client, org, opening["id"], f"w{n}-{k}@example.com")
                assert response.status_code == 201, response.text
        return 0 if n == 0 else CREATES_EACH

    with ThreadPoolExecutor(WRITERS) as pool:
        created = sum(pool.map(writer, range(WRITERS)))

    assert client.get(url, headers=org.headers).json()["application_count"] == created
