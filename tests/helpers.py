"""Test helpers: a steerable clock and builders that go through the public API, as a user would."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette nudges towards httpx2; httpx is what we ship
    from fastapi.testclient import TestClient as TestClient  # re-exported for the tests

ADMIN_TOKEN = "test-operator-token"
SECRET_KEY = "test-server-secret-key"  # seals stored secrets (storage/secrets.py) in every test's settings


class FakeClock:
    """A clock the test moves by hand: no sleeping for time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kw: float) -> None:
        self.current += timedelta(**kw)

    def set(self, when: datetime) -> None:
        self.current = when


@dataclass
class Org:
    """An organization made through the bootstrap contract, with its all-scopes key."""

    id: str
    token: str
    key_id: str
    signing_secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def client_with(settings: Any, clock: FakeClock, services: Any, **overrides: Any) -> Iterator[TestClient]:
    """A client of an app built on the test's database and clock with some settings changed (a limit, the log)."""
    from candidly.web.app import create_app

    with TestClient(create_app(settings.model_copy(update=overrides), clock, services)) as client:
        yield client


def operator_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def make_org(client: TestClient, name: str = "Acme") -> Org:
    response = client.post("/api/v1/organizations", json={"name": name}, headers=operator_headers())
    assert response.status_code == 201, response.text
    body = response.json()
    key = body["api_key"]
    return Org(id=body["id"], token=key["token"], key_id=key["id"], signing_secret=key["signing_secret"])


def make_key(client: TestClient, org: Org, scopes: list[str], name: str = "scoped") -> dict[str, str]:
    """Headers of a new key of ``org`` holding only ``scopes``."""
    response = client.post("/api/v1/api-keys", json={"name": name, "scopes": scopes}, headers=org.headers)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


SAMPLE_OPENING: dict[str, Any] = {
    "kind": "task",
    "name": "Backend assessment",
    "external_id": "REQ-1",
    "language": "en",
    "default_group": "default",
    "steps": [
        {"key": "s1", "name": "Coding test", "active": True, "active_after": None,
         "active_before": "2030-01-01T00:00:00Z", "attempt_limit": 1, "launch_url": "https://tests.example/coding"},
        {"key": "s2", "name": "Personality", "attempt_limit": -1, "launch_url": "https://tests.example/personality"},
    ],
    "programs": [{"name": "Fast track", "step_keys": ["s1"]}],
    "email_templates": [
        {"name": "invite", "subject": "Your {{ opening.name }} invitation",
         "body": "Hello {{ candidate.fullname }}, your code is {{ invitation_code }}: {{ access_url }}"}
    ],
}  # fmt: skip


def make_opening(client: TestClient, org: Org, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/openings", json={**SAMPLE_OPENING, **overrides}, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def table_counts(services: Any) -> dict[str, int]:
    """Rows in every table and the latest version of every row: equal before and after means nothing was written."""
    from sqlalchemy import func, select

    from candidly.storage.tables import metadata

    counts: dict[str, int] = {}
    with services.database.engine.connect() as conn:
        for table in metadata.sorted_tables:
            counts[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if "version" in table.c:
                counts[f"{table.name}.versions"] = conn.execute(
                    select(func.coalesce(func.sum(table.c.version), 0))
                ).scalar_one()
    return counts


@contextmanager
def transactions(services: Any) -> Iterator[list[str]]:
    """Every transaction the server begins while the block runs (one ``"begin"`` each)."""
    from sqlalchemy import event

    begun: list[str] = []

    def count(_conn: Any) -> None:
        begun.append("begin")

    event.listen(services.database.engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(services.database.engine, "begin", count)


@contextmanager
def statements(services: Any) -> Iterator[list[str]]:
    """Every SQL statement the server sends through SQLAlchemy while the block runs, as sent."""
    from sqlalchemy import event

    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(services.database.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(services.database.engine, "before_cursor_execute", record)
