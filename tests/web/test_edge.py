"""The edge, seen from a client: every answer carries its request id and the security headers, and each request is
counted in /metrics and logged as one JSON line, refusals made at the edge itself included."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from candidly.bootstrap import Services
from candidly.settings import Settings
from tests.helpers import FakeClock, TestClient, client_with, make_org

SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def edge(settings: Settings, clock: FakeClock, services: Services) -> Iterator[TestClient]:
    with client_with(settings, clock, services, access_log=True, rate_limit_per_minute=2) as test_client:
        yield test_client


def answers(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    """One request of each kind an answer comes from, by name: the status each got."""
    sent = {
        "surface": client.get("/api/v1/candidates", headers=headers),
        "unmatched path": client.get("/testinvite/nowhere", headers=headers),
        "declared body too large": client.post(
            "/testinvite/v2/tasks", content=b"{}", headers={**headers, "Content-Length": str(2 * 1024 * 1024)}
        ),
        "probe": client.get("/healthz"),
        "rate limited": client.get("/api/v1/candidates", headers=headers),
    }
    for name, response in sent.items():
        assert {k: response.headers.get(k) for k in SECURITY} == SECURITY, name
        assert response.headers.get_list("x-request-id") == [response.headers["x-request-id"]], name
    assert len({response.headers["x-request-id"] for response in sent.values()}) == len(sent)
    return {name: response.status_code for name, response in sent.items()}


def test_every_answer_carries_a_request_id_of_its_own_and_the_security_headers(edge: TestClient) -> None:
    org = make_org(edge)
    statuses = answers(edge, org.headers)
    assert statuses == {
        "surface": 200, "unmatched path": 404, "declared body too large": 413, "probe": 200, "rate limited": 429,
    }  # fmt: skip
    echoed = edge.get("/healthz", headers={"X-Request-Id": "client-chose-this"})
    assert echoed.headers.get_list("x-request-id") == ["client-chose-this"]


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Each sample of a Prometheus text page by its name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_each_request_is_counted_by_surface_method_route_and_status(edge: TestClient) -> None:
    org = make_org(edge)
    answers(edge, org.headers)
    edge.request("BREW", "/api/v1/candidates", headers=org.headers)
    counted = samples(edge.get("/metrics").text)
    for surface, method, route, status in (
        ("native", "GET", "/api/v1/candidates", "200"),
        ("native", "GET", "unmatched", "429"),  # refused before any route was matched
        ("testinvite", "GET", "unmatched", "404"),
        ("testinvite", "POST", "unmatched", "413"),
        ("ops", "GET", "/healthz", "200"),
        ("native", "OTHER", "unmatched", "429"),
    ):
        labels = frozenset({"surface": surface, "method": method, "route": route, "status": status}.items())
        assert counted.get(("candidly_requests_total", labels)) == 1, labels
    assert counted[("candidly_request_seconds_count", frozenset({("surface", "native")}))] == 4  # with make_org's POST
    assert counted[("candidly_requests_in_progress", frozenset())] == 1  # the request asking


def test_each_request_is_logged_as_one_json_line_naming_its_id(
    edge: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    org = make_org(edge)
    with caplog.at_level("INFO", logger="candidly.access"):
        statuses = answers(edge, org.headers)
    lines = [orjson.loads(r.getMessage()) for r in caplog.records if r.name == "candidly.access"]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/api/v1/candidates", statuses["surface"]),
        ("GET", "/testinvite/nowhere", 404),
        ("POST", "/testinvite/v2/tasks", 413),
        ("GET", "/healthz", 200),
        ("GET", "/api/v1/candidates", 429),
    ]
    assert all(set(line) == {"request_id", "method", "path", "status", "ms"} for line in lines)
    assert len({line["request_id"] for line in lines}) == len(lines)
