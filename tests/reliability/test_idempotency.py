"""Idempotency-Key on every POST: a retry replays the first answer and creates nothing; a changed body is refused."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.helpers import FakeClock, Org, TestClient, make_opening, table_counts


def test_a_retried_native_create_replays_the_first_answer_and_creates_nothing(
    client: TestClient, org: Org, services: Services
) -> None:
    headers = {**org.headers, "Idempotency-Key": "create-ada-1"}
    first = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)
    assert first.status_code == 201
    before = table_counts(services)
    again = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["etag"] == first.headers["etag"] and again.headers["idempotent-replayed"] == "true"
    assert table_counts(services) == before


def test_the_same_key_with_another_body_is_refused(client: TestClient, org: Org, services: Services) -> None:
    headers = {**org.headers, "Idempotency-Key": "k-2"}
    assert client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers).status_code == 201
    before = table_counts(services)
    other = client.post("/api/v1/candidates", json={"first_name": "Bob"}, headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    assert table_counts(services) == before


@pytest.mark.parametrize("surface", ["testinvite", "instaview", "paradox", "comeet"])
def test_dialect_posts_honour_the_key_too(client: TestClient, org: Org, services: Services, surface: str) -> None:
    task = make_opening(client, org, kind="position" if surface == "comeet" else "task")
    url, body = {
        "testinvite": (f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates", {"kind": "temporary-candidate", "fullname": "Ada"}),
        "instaview": ("/instaview/candidates", {"firstName": "Ada", "lastName": "L", "email": "ada@example.com", "gdprExpiryDate": "2031-01-01"}),
        "paradox": ("/paradox/api/v1/public/candidates", {"name": "Ada Lovelace", "email": "ada@example.com"}),
        "comeet": ("/comeet/candidates", {"position_uid": task["id"], "partner_candidate_id": "p-1", "first_name": "Ada", "last_name": "L"}),
    }[surface]  # fmt: skip
    headers = {**org.headers, "Idempotency-Key": f"{surface}-1"}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code in (200, 201)
    before = table_counts(services)
    assert client.post(url, json=body, headers=headers).json() == first.json()
    assert table_counts(services) == before


def test_keys_belong_to_one_caller_and_expire_after_a_day(
    client: TestClient, org: Org, other_org: Org, services: Services, clock: FakeClock
) -> None:
    body: dict[str, Any] = {"first_name": "Ada"}
    mine = client.post("/api/v1/candidates", json=body, headers={**org.headers, "Idempotency-Key": "shared"})
    theirs = client.post("/api/v1/candidates", json=body, headers={**other_org.headers, "Idempotency-Key": "shared"})
    assert mine.json()["id"] != theirs.json()["id"]
    clock.advance(hours=24, seconds=1)
    later = client.post("/api/v1/candidates", json=body, headers={**org.headers, "Idempotency-Key": "shared"})
    assert later.status_code == 201 and later.json()["id"] != mine.json()["id"]


def test_a_rejected_request_is_replayed_as_rejected(client: TestClient, org: Org) -> None:
    headers = {**org.headers, "Idempotency-Key": "fix-and-retry"}
    bad = client.post("/api/v1/candidates", json={"first_name": "Ada", "phone": "123"}, headers=headers)
    assert bad.status_code == 422
    # A 4xx answer is kept and replayed for the same body: the request itself was wrong.
    assert (
        client.post("/api/v1/candidates", json={"first_name": "Ada", "phone": "123"}, headers=headers).status_code
        == 422
    )


def test_a_key_in_flight_is_409_until_abandoned(
    client: TestClient, org: Org, services: Services, clock: FakeClock
) -> None:
    import hashlib

    from candidly.storage.idempotency import SqlIdempotencyStore

    body = b'{"first_name":"Ada"}'
    owner = hashlib.sha256(f"Bearer {org.token}".encode()).hexdigest()[:32]
    digest = hashlib.sha256(b"\n".join([b"POST", b"/api/v1/candidates", b"", body])).hexdigest()
    # As if a process had reserved the key and died before answering.
    assert SqlIdempotencyStore(services.database).reserve(owner, "crashed", digest, clock.now())
    headers = {**org.headers, "Idempotency-Key": "crashed", "Content-Type": "application/json"}
    assert client.post("/api/v1/candidates", content=body, headers=headers).status_code == 409
    clock.advance(minutes=2)
    assert client.post("/api/v1/candidates", content=body, headers=headers).status_code == 201
