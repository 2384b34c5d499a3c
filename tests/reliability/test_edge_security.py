"""The request edge under attack: guessed tokens, unbounded metrics labels, and refusals in each surface's envelope."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from candidly.bootstrap import Services
from candidly.settings import Settings
from tests.helpers import FakeClock, Org, TestClient, client_with, make_opening, make_org, table_counts
from tests.reliability.surfaces import paradox_headers

ENVELOPES: dict[str, Callable[[httpx.Response], bool]] = {
    "testinvite": lambda r: r.json()["code"] == "invalid_field",
    "instaview": lambda r: (
        r.json()["statusCode"] == r.status_code and r.json()["details"] == {"field": "Idempotency-Key"}
    ),
    "paradox": lambda r: list(r.json()) == ["errors"] and r.json()["errors"][0]["field"] == "Idempotency-Key",
    "comeet": lambda r: r.json()["status"] == r.status_code,
}

GUESSES = 5


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: these limits hold in front of the database."""
    return sqlite_url


@pytest.fixture
def guarded(settings: Settings, clock: FakeClock, services: Services) -> Iterator[TestClient]:
    with client_with(settings, clock, services, auth_failures_per_minute=GUESSES) as test_client:
        yield test_client


def test_guessing_tokens_from_one_address_is_refused_whatever_token_comes_next(
    guarded: TestClient, clock: FakeClock
) -> None:
    org = make_org(guarded)
    clock.set(clock.now().replace(second=20))
    for n in range(GUESSES):  # each guess a different token: per-credential budgets would never run out
        assert guarded.get("/api/v1/candidates", headers={"Authorization": f"Bearer guess-{n}"}).status_code == 401
    refused = guarded.get("/api/v1/candidates", headers={"Authorization": "Bearer guess-next"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "40"
    assert refused.headers["content-type"] == "application/problem+json" and refused.json()["status"] == 429
    # The right token too: the limiter cannot tell a lucky guess from its owner.
    assert guarded.get("/api/v1/candidates", headers=org.headers).status_code == 429
    testinvite = guarded.get("/testinvite/api/integration/rest/v1/tasks/x", headers=org.headers)
    assert testinvite.status_code == 429 and set(testinvite.json()) >= {"message", "code"}
    assert guarded.get("/healthz").status_code == 200
    clock.advance(seconds=40)
    assert guarded.get("/api/v1/candidates", headers=org.headers).status_code == 200


def test_successful_requests_spend_nothing(guarded: TestClient) -> None:
    org = make_org(guarded)
    for _ in range(GUESSES * 3):
        assert guarded.get("/api/v1/candidates", headers=org.headers).status_code == 200


def test_metrics_have_a_fixed_set_of_labels(client: TestClient, org: Org) -> None:
    def lines() -> int:
        return len(client.get("/metrics").text.splitlines())

    client.get("/nowhere-0")
    client.get("/api/v1/nowhere-0")
    client.request("BREW", "/api/v1/candidates")
    client.get("/api/v1/candidates/first", headers=org.headers)
    lines()  # /metrics counts itself from its second answer on
    before = lines()
    for n in range(1, 100):  # unknown paths, unknown methods, and ids in known routes
        client.get(f"/nowhere-{n}")
        client.get(f"/api/v1/nowhere-{n}")
        client.request(f"BREW{n}", "/api/v1/candidates")
        client.get(f"/api/v1/candidates/id-{n}", headers=org.headers)
    assert lines() == before
    text = client.get("/metrics").text
    assert 'route="/api/v1/candidates/{candidate_id}"' in text and 'route="unmatched"' in text
    assert "nowhere" not in text and "id-1" not in text


@pytest.mark.parametrize("surface", ["testinvite", "instaview", "paradox", "comeet"])
def test_a_reused_key_with_another_body_is_refused_in_the_surfaces_envelope(
    client: TestClient, org: Org, services: Services, surface: str
) -> None:
    task = make_opening(client, org, kind="position" if surface == "comeet" else "task")
    url, body, other, headers = {
        "testinvite": (f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates",
                       {"kind": "temporary-candidate", "fullname": "Ada"},
                       {"kind": "temporary-candidate", "fullname": "Bob"}, org.headers),
        "instaview": ("/instaview/candidates",
                      {"firstName": "Ada", "lastName": "L", "email": "ada@example.com", "gdprExpiryDate": "2031-01-01"},
                      {"firstName": "Bob", "lastName": "L", "email": "bob@example.com", "gdprExpiryDate": "2031-01-01"},
                      org.headers),
        "paradox": ("/paradox/api/v1/public/candidates", {"name": "Ada Lovelace", "email": "ada@example.com"},
                    {"name": "Bob Lovelace", "email": "bob@example.com"}, paradox_headers(client, org)),
        "comeet": ("/comeet/candidates",
                   {"position_uid": task["id"], "partner_candidate_id": "p-1", "first_name": "Ada", "last_name": "L"},
                   {"position_uid": task["id"], "partner_candidate_id": "p-2", "first_name": "Bob", "last_name": "L"},
                   org.headers),
    }[surface]  # fmt: skip
    headers = {**headers, "Idempotency-Key": f"{surface}-reused"}
    assert client.post(url, json=body, headers=headers).status_code in (200, 201)
    before = table_counts(services)
    refused = client.post(url, json=other, headers=headers)
    # The surface's own validation refusal: its status, its envelope (never native problem+json), the field named.
    assert refused.status_code in (400, 422) and refused.headers["content-type"] == "application/json"
    assert ENVELOPES[surface](refused) and "Idempotency-Key" in refused.text
    assert table_counts(services) == before
