"""Idempotency-Key on every POST: a retry replays the first answer and creates nothing; a changed body is refused."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, select

from candidly.bootstrap import Services, build_services
from candidly.domain.commands import CreateCandidate
from candidly.domain.errors import Conflict
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.service.idempotency import CURRENT_CLAIM, IdempotencyClaim
from candidly.settings import Settings
from candidly.storage.idempotency import ANSWER_PENDING
from candidly.storage.tables import idempotency_keys
from candidly.web.app import create_app
from tests.helpers import ADMIN_TOKEN, FakeClock, Org, TestClient, make_opening, make_org, table_counts


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
    # A refused request changed nothing and stores nothing: the same body is refused again.
    assert (
        client.post("/api/v1/candidates", json={"first_name": "Ada", "phone": "123"}, headers=headers).status_code
        == 422
    )


def _claim(org: Org, key: str, body: bytes, clock: FakeClock, path: bytes = b"/api/v1/candidates") -> IdempotencyClaim:
    """The claim the edge makes for ``POST path`` with ``body`` by ``org``'s key."""
    owner = org.key_id  # a valid key's requests are its own, whichever form its credential takes
    digest = hashlib.sha256(b"\n".join([b"POST", path, b"", body])).hexdigest()
    return IdempotencyClaim(owner, key, digest, clock.now())


def commit_and_lose_the_answer(
    services: Services, org: Org, clock: FakeClock, key: str, body: bytes, path: bytes = b"/api/v1/candidates"
) -> None:
    """As if a process had committed a create with its key and died before saving the answer."""
    token = CURRENT_CLAIM.set(_claim(org, key, body, clock, path))
    try:
        services.bus.execute(
            CreateCandidate({"first_name": "Ada"}), Actor(Principal("k", (org.id,), ALL_SCOPES), "native"), org.id
        )
    finally:
        CURRENT_CLAIM.reset(token)


def test_a_change_whose_answer_was_lost_is_never_made_twice(
    client: TestClient, org: Org, services: Services, clock: FakeClock
) -> None:
    body = b'{"first_name":"Ada"}'
    commit_and_lose_the_answer(services, org, clock, "crashed", body)
    before = table_counts(services)
    headers = {**org.headers, "Idempotency-Key": "crashed", "Content-Type": "application/json"}
    clock.advance(minutes=5)
    retry = client.post("/api/v1/candidates", content=body, headers=headers)
    assert retry.status_code == 409 and retry.json()["field"] == "Idempotency-Key"
    assert "made its change" in retry.json()["detail"]
    assert table_counts(services) == before


def test_a_second_commit_with_a_taken_key_rolls_back(services: Services, org: Org, clock: FakeClock) -> None:
    """Two requests racing with one key: the one committing second changes nothing and is told why."""
    actor = Actor(Principal("k", (org.id,), ALL_SCOPES), "native")
    claim = _claim(org, "raced", b"{}", clock)
    for attempt in range(2):
        token = CURRENT_CLAIM.set(replace(claim))  # each request holds its own claim to the same key
        try:
            if attempt == 0:
                services.bus.execute(CreateCandidate({"first_name": "Ada"}), actor, org.id)
                before = table_counts(services)
            else:
                with pytest.raises(Conflict, match="Idempotency-Key"):
                    services.bus.execute(CreateCandidate({"first_name": "Ada"}), actor, org.id)
        finally:
            CURRENT_CLAIM.reset(token)
    assert table_counts(services) == before


def test_an_unauthenticated_request_with_a_key_writes_nothing(client: TestClient, services: Services) -> None:
    before = table_counts(services)
    headers = {"Authorization": "Bearer cdly_bogus", "Idempotency-Key": "k-unauth"}
    for _ in range(2):
        assert client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers).status_code == 401
    assert table_counts(services) == before


@pytest.mark.parametrize(
    ("url", "body", "secret"),
    [
        ("/api/v1/api-keys", {"name": "ci", "scopes": ["read:candidates"]}, "token"),
        ("/api/v1/webhooks", {"url": "https://hooks.example/x", "events": ["candidate.created"]}, "secret"),
    ],
)
def test_answers_holding_a_secret_are_never_stored(
    client: TestClient, org: Org, services: Services, url: str, body: dict[str, Any], secret: str
) -> None:
    headers = {**org.headers, "Idempotency-Key": f"secret-{secret}"}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201
    with services.database.engine.connect() as conn:
        stored = conn.execute(select(idempotency_keys.c.response_body, idempotency_keys.c.status_code)).all()
    assert stored and all(first.json()[secret].encode() not in row[0] for row in stored)
    before = table_counts(services)
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 409 and secret not in again.json() and "shown only once" in again.json()["detail"]
    assert table_counts(services) == before


def test_an_answer_the_database_cannot_take_is_replayed_from_memory_and_saved_later(
    sqlite_url: str, clock: FakeClock, tmp_path: Any
) -> None:
    settings = Settings(database_url=sqlite_url, admin_token=ADMIN_TOKEN, run_worker=False, access_log=False)
    services = build_services(settings, clock)
    path = str(tmp_path / "candidly.db")
    with TestClient(create_app(settings, clock, services)) as client:
        org = make_org(client)
        # Saving an answer fails as on a full disk, right after its create committed (a trigger stands in for it).
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TRIGGER full BEFORE UPDATE ON idempotency_keys "
                         "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")  # fmt: skip
        headers = {**org.headers, "Idempotency-Key": "held"}
        first = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)
        assert first.status_code == 201
        before = table_counts(services)
        again = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT status_code FROM idempotency_keys").fetchall() == [(ANSWER_PENDING,)]
            conn.execute("DROP TRIGGER full")
        client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)  # replayed, and now saved
        assert table_counts(services) == before
    with services.database.engine.connect() as conn:
        assert conn.execute(select(idempotency_keys.c.status_code)).scalar_one() == 201
    services.database.engine.dispose()


def test_a_keyed_request_reads_its_key_on_the_database_threads_only(
    client: TestClient, org: Org, services: Services
) -> None:
    headers = {**org.headers, "Idempotency-Key": "on-the-executor"}
    first = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)  # the API key is cached
    threads: list[str] = []

    def begun(_conn: Any) -> None:
        threads.append(threading.current_thread().name)

    event.listen(services.database.engine, "begin", begun)
    try:
        again = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=headers)
    finally:
        event.remove(services.database.engine, "begin", begun)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    # One read of the stored key, on the services' database executor; the cached API key needs none.
    assert len(threads) == 1 and threads[0].startswith("candidly-db"), threads
