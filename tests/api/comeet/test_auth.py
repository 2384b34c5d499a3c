"""Comeet's authentication: the partner's own HS256 JWT (iss = key, exp), or a plain Candidly key."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from candidly.bootstrap import Services
from candidly.settings import Settings
from tests.api.comeet.conftest import comeet_jwt
from tests.helpers import FakeClock, Org, TestClient, client_with, make_org, table_counts


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def listing(client: TestClient, headers: dict[str, str]) -> Any:
    return client.get("/comeet/candidates", headers=headers)


def test_a_jwt_signed_with_the_keys_secret_is_accepted(client: TestClient, org: Org, clock: FakeClock) -> None:
    assert listing(client, comeet_jwt(org, clock)).status_code == 200


def raw_jwt(org: Org, exp: object) -> dict[str, str]:
    return {"Authorization": "Bearer " + jwt.encode({"iss": org.key_id, "exp": exp}, org.signing_secret,
                                                    algorithm="HS256")}  # fmt: skip


def test_an_exp_written_as_a_numeric_string_is_accepted(client: TestClient, org: Org, clock: FakeClock) -> None:
    """The public Node client's token carries ``"exp": "3001948879"``: a string, decades ahead."""
    assert listing(client, raw_jwt(org, "3001948879")).status_code == 200
    soon = str(int(clock.now().timestamp()) + 600)
    assert listing(client, raw_jwt(org, soon)).status_code == 200
    clock.advance(minutes=12)
    assert listing(client, raw_jwt(org, soon)).status_code == 401  # a string exp still expires


@pytest.mark.parametrize("exp", [3_001_948_879, 32_503_680_000, "32503680000.5"], ids=["2065", "3000", "3000 text"])
def test_an_exp_decades_ahead_is_accepted(client: TestClient, org: Org, exp: object) -> None:
    assert listing(client, raw_jwt(org, exp)).status_code == 200


@pytest.mark.parametrize("exp", ["soon", "", None, [1]], ids=["word", "empty", "null", "list"])
def test_an_exp_that_is_no_time_is_401(client: TestClient, org: Org, exp: object) -> None:
    response = listing(client, raw_jwt(org, exp))
    assert response.status_code == 401
    assert response.json()["error"] == "no_permission" and response.headers["www-authenticate"] == "Bearer"


def test_a_plain_key_is_accepted(client: TestClient, org: Org) -> None:
    assert listing(client, org.headers).status_code == 200


def test_an_expired_jwt_is_401_after_a_minute_of_grace(client: TestClient, org: Org, clock: FakeClock) -> None:
    headers = comeet_jwt(org, clock, minutes=10)
    clock.advance(minutes=10, seconds=59)
    assert listing(client, headers).status_code == 200
    clock.advance(seconds=2)
    response = listing(client, headers)
    assert response.status_code == 401
    assert response.json()["status"] == 401 and "expired" in response.json()["message"]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda org, clock: {"Authorization": "Bearer " + jwt.encode(
            {"iss": org.key_id, "exp": 4_000_000_000}, "not-the-secret-but-long-enough-for-hs256", algorithm="HS256")}, id="bad signature"),
        pytest.param(lambda org, clock: comeet_jwt(org, clock, iss="unknown-key"), id="unknown iss"),
        pytest.param(lambda org, clock: comeet_jwt(org, clock, iss=None), id="no iss"),
        pytest.param(lambda org, clock: {"Authorization": "Bearer " + jwt.encode(
            {"iss": org.key_id}, org.signing_secret, algorithm="HS256")}, id="no exp"),
        pytest.param(lambda org, clock: {"Authorization": "Bearer " + jwt.encode(
            {"iss": org.key_id, "exp": 4_000_000_000}, "", algorithm="none")}, id="unsigned (alg none)"),
        pytest.param(lambda org, clock: {"Authorization": "Bearer a.b.c"}, id="garbage"),
        pytest.param(lambda org, clock: {}, id="none"),
        pytest.param(lambda org, clock: {"Authorization": "Bearer cdly_unknown"}, id="unknown key"),
    ],
)  # fmt: skip
def test_a_bad_credential_is_401(client: TestClient, org: Org, clock: FakeClock, make: Any) -> None:
    response = listing(client, make(org, clock))
    assert response.status_code == 401
    assert set(response.json()) == {"status", "error", "message"}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/comeet/candidates", {"position_uid": "p"}, 401),  # first_name and last_name are missing too
        ("PATCH", "/comeet/candidates/c", {"first_name": 5}, 401),
        ("GET", "/comeet/candidates/c?include=" + "x" * 41, None, 401),
        ("POST", "/comeet/candidates", {"position_uid": "p", "first_name": "A", "last_name": "B"}, 401),
        ("GET", "/comeet/candidates?bogus=1", None, 401),  # a filter is checked by the route, after the credential
        ("GET", "/comeet/candidates/123", None, 401),
    ],
)  # fmt: skip
def test_a_refused_credential_is_answered_before_anything_else(
    client: TestClient, services: Services, method: str, path: str, body: Any, status: int
) -> None:
    """The credential is checked first, as on every surface: a client with a bad key learns nothing of its input."""
    before = table_counts(services)
    response = client.request(method, path, json=body, headers={"Authorization": "Bearer cdly_unknown"})
    assert response.status_code == status, response.text
    assert response.json()["status"] == status
    assert table_counts(services) == before


def test_a_revoked_keys_jwt_is_401(client: TestClient, org: Org, clock: FakeClock) -> None:
    headers = comeet_jwt(org, clock)
    assert client.delete(f"/api/v1/api-keys/{org.key_id}", headers=org.headers).status_code == 204
    assert listing(client, headers).status_code == 401


def test_an_unknown_path_answers_comeets_not_found(client: TestClient, org: Org) -> None:
    response = client.get("/comeet/offers", headers=org.headers)  # not in Comeet's public API either
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "not_found", "message": "Not found"}


def test_over_the_rate_limit_is_too_many_requests(settings: Settings, clock: FakeClock, services: Services) -> None:
    with client_with(settings, clock, services, rate_limit_per_minute=2) as client:
        org = make_org(client)
        headers = comeet_jwt(org, clock)
        assert [listing(client, headers).status_code for _ in range(2)] == [200, 200]
        response = listing(client, headers)
        assert response.status_code == 429
        assert response.json()["error"] == "too_many_requests" and response.json()["status"] == 429
        assert int(response.headers["retry-after"]) >= 1
        clock.advance(minutes=1)
        assert listing(client, headers).status_code == 200
