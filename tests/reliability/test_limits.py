"""Request limits: per-key rate limits with Retry-After, JSON nesting depth, body size, each in its surface's envelope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.settings import Settings
from candidly.web.json_depth import JsonDepthScanner, JsonTooDeep
from tests.api.paradox.conftest import access_token
from tests.helpers import FakeClock, Org, TestClient, client_with, make_opening, make_org, table_counts

LIMIT = 3


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: limits are enforced in front of the database."""
    return sqlite_url


@pytest.fixture
def limited(settings: Settings, clock: FakeClock, services: Services) -> Iterator[TestClient]:
    """A server allowing LIMIT requests a minute per credential."""
    with client_with(settings, clock, services, rate_limit_per_minute=LIMIT) as test_client:
        yield test_client


def nested(template: str, depth: int) -> str:
    """``template`` with DEEP replaced by lists nested ``depth`` levels deep."""
    return template.replace("DEEP", "[" * depth + "]" * depth)


def spend(client: TestClient, url: str, headers: dict[str, str]) -> None:
    for _ in range(LIMIT):
        assert client.get(url, headers=headers).status_code != 429


def test_a_key_over_its_limit_gets_429_with_retry_after_until_the_minute_ends(
    limited: TestClient, clock: FakeClock
) -> None:
    org = make_org(limited)  # the operator's token has its own budget
    clock.set(clock.now().replace(second=15))
    spend(limited, "/api/v1/candidates", org.headers)
    refused = limited.get("/api/v1/candidates", headers=org.headers)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "45"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429 and "3 requests per minute" in refused.json()["detail"]
    clock.advance(seconds=45)
    assert limited.get("/api/v1/candidates", headers=org.headers).status_code == 200


def test_keys_count_apart_and_probes_are_never_limited(limited: TestClient) -> None:
    org, other = make_org(limited, "Acme"), make_org(limited, "Globex")
    spend(limited, "/api/v1/candidates", org.headers)
    assert limited.get("/api/v1/candidates", headers=org.headers).status_code == 429
    assert limited.get("/api/v1/candidates", headers=other.headers).status_code == 200
    for path in ("/healthz", "/readyz", "/metrics"):
        assert all(limited.get(path).status_code == 200 for _ in range(LIMIT + 2))


def test_requests_without_a_key_count_per_client_address(limited: TestClient) -> None:
    spend(limited, "/testinvite/api/integration/rest/v1/tasks/x/candidates", {})
    refused = limited.get("/api/v1/candidates")
    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("url", "envelope"),
    [
        ("/testinvite/api/integration/rest/v1/tasks/x/candidates", {"message", "code"}),
        ("/paradox/api/v1/public/candidates", {"errors"}),
        ("/comeet/candidates", {"status", "error", "message"}),
    ],
)
def test_429_comes_in_the_surfaces_own_envelope(limited: TestClient, url: str, envelope: set[str]) -> None:
    headers = {"Authorization": "Bearer cdly_not-a-key"}
    spend(limited, url, headers)
    refused = limited.get(url, headers=headers)
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert refused.headers["content-type"].startswith("application/json")
    assert set(refused.json()) == envelope


def test_instaview_announces_the_limit_on_every_answer_and_documents_the_429(limited: TestClient) -> None:
    org = make_org(limited)
    seen = []
    for path in ("/instaview/candidates", "/instaview/v1/public/jobs", "/instaview/candidates/nope"):
        response = limited.get(path, headers=org.headers)
        assert response.status_code in (200, 404)
        seen.append(int(response.headers["x-ratelimit-remaining"]))
        assert response.headers["x-ratelimit-limit"] == response.headers["x-ratelimit-limit-minute"] == str(LIMIT)
        assert int(response.headers["x-ratelimit-reset"]) % 60 == 0
    assert seen == [2, 1, 0]
    refused = limited.get("/instaview/candidates", headers=org.headers)
    body = refused.json()
    assert (refused.status_code, body["statusCode"], body["code"], body["error"]) == (
        429, 429, "RATE_LIMIT_EXCEEDED", "Too Many Requests"
    )  # fmt: skip
    assert body["details"]["retryAfter"] == int(refused.headers["retry-after"])
    assert body["details"]["remaining"] == 0 and refused.headers["x-ratelimit-remaining"] == "0"
    # The rate-limit guide's client reads the four at the top of the body, the error guide's in details: both.
    assert {k: body[k] for k in ("retryAfter", "limit", "remaining", "reset")} == body["details"]
    assert body["limit"] == LIMIT
    assert "x-ratelimit-limit" not in limited.get("/api/v1/candidates", headers=make_org(limited, "B").headers).headers


def test_without_a_limit_nothing_is_refused_and_instaview_announces_its_documented_default(
    client: TestClient, org: Org
) -> None:
    responses = [client.get("/instaview/v1/candidates", headers=org.headers) for _ in range(62)]
    assert all(r.status_code == 200 for r in responses)
    first, last = responses[0].headers, responses[-1].headers
    assert (first["x-ratelimit-limit-minute"], first["x-ratelimit-limit-hour"]) == ("60", "2000")
    assert (first["x-ratelimit-remaining-minute"], last["x-ratelimit-remaining-minute"]) == ("59", "0")
    assert (first["x-ratelimit-remaining-hour"], last["x-ratelimit-remaining-hour"]) == ("1999", "1938")
    assert int(first["x-ratelimit-reset-hour"]) % 3600 == 0
    refused = client.get("/instaview/candidates", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401 and refused.headers["x-ratelimit-limit-minute"] == "60"
    assert "x-ratelimit-limit" not in client.get("/api/v1/candidates", headers=org.headers).headers


DEEP_BODIES: list[tuple[str, str, Any]] = [
    ("/api/v1/candidates", '{"first_name": "Ada", "metadata": {"x": DEEP}}', "detail"),
    ("/instaview/candidates", '{"firstName": "Ada", "lastName": "L", "metadata": {"x": DEEP}}', "message"),
    ("/paradox/api/v1/public/candidates", '{"name": "Ada L", "candidate_attribute_data": DEEP}', "errors.0.message"),
]


def _at(body: Any, path: str) -> Any:
    """The value at a dotted path of a JSON answer (a number indexes a list)."""
    for step in path.split("."):
        body = body[int(step)] if step.isdigit() else body[step]
    return body


@pytest.mark.parametrize(("url", "template", "field"), DEEP_BODIES)
@pytest.mark.parametrize("idempotent", [False, True])
def test_json_nested_deeper_than_the_limit_is_refused_in_the_surfaces_envelope_and_writes_nothing(
    client: TestClient, org: Org, services: Services, url: str, template: str, field: str, idempotent: bool
) -> None:
    # With an Idempotency-Key the body is read before the surface sees it: the answer must not change.
    headers = {**org.headers, "Content-Type": "application/json"}
    if idempotent:
        headers["Idempotency-Key"] = "deep-1"
    before = table_counts(services)
    response = client.post(url, content=nested(template, 40), headers=headers)
    assert response.status_code == 400
    assert "nested deeper than 32 levels" in _at(response.json(), field)
    assert table_counts(services) == before


def test_testinvite_refuses_deep_json_in_its_envelope(client: TestClient, org: Org) -> None:
    task = make_opening(client, org)
    body = nested('{"kind": "temporary-candidate", "externalData": {"x": DEEP}}', 33)
    response = client.post(
        f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates",
        content=body, headers={**org.headers, "Content-Type": "application/json"},
    )  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
    assert "nested deeper than 32 levels" in response.json()["message"]


def test_the_depth_limit_counts_brackets_not_text(client: TestClient, org: Org) -> None:
    in_text = {"first_name": "Ada", "metadata": {"note": "[{" * 100 + '\\"]'}}
    assert client.post("/api/v1/candidates", json=in_text, headers=org.headers).status_code == 201
    at_limit = nested('{"first_name": "Ada", "metadata": {"x": DEEP}}', 30)  # 32 levels with the two objects
    response = client.post(
        "/api/v1/candidates", content=at_limit, headers={**org.headers, "Content-Type": "application/json"}
    )
    assert "nested deeper" not in response.text


def test_the_scanner_follows_strings_and_escapes_across_chunks() -> None:
    scanner = JsonDepthScanner(3)
    for chunk in (b'{"a": "[[[[\\', b'"[[[", "b": [[', b"]]}"):
        scanner.feed(chunk, last=False)
    assert (scanner.depth, scanner.in_string) == (0, False)
    with pytest.raises(JsonTooDeep):
        JsonDepthScanner(3).feed(b'{"a": [[{"b": 1}]]}', last=True)


def test_a_path_no_mount_pattern_matches_is_404_in_its_surfaces_envelope(client: TestClient, org: Org) -> None:
    response = client.get("/testinvite/api/integration/rest/v1/tasks/a%0Ab/candidates", headers=org.headers)
    assert (response.status_code, set(response.json())) == (404, {"message", "code"})
    response = client.get(
        "/paradox/api/v1/public/candidates/a%0Ab", headers={"Authorization": f"Bearer {access_token(client, org)}"}
    )
    assert (response.status_code, response.json()["errors"][0]["code"]) == (404, 1004)


def test_an_oversized_body_is_413_in_the_surfaces_envelope(client: TestClient, org: Org, services: Services) -> None:
    before = table_counts(services)
    big = {"firstName": "Ada", "lastName": "L", "metadata": {"blob": "x" * 1_100_000}}
    response = client.post("/instaview/candidates", json=big, headers=org.headers)
    assert (response.status_code, response.json()["statusCode"], response.json()["error"]) == (
        413, 413, "Payload Too Large"
    )  # fmt: skip
    assert table_counts(services) == before
