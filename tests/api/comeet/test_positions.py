"""Comeet positions: the native opening holds what a position shows; /comeet lists, pages, gets and opens them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from candidly.bootstrap import Services
from tests.api.comeet.conftest import create, make_position, new_candidate
from tests.helpers import FakeClock, Org, TestClient, table_counts

PROFILE: dict[str, Any] = {
    "department": "R&D",
    "location": {"name": "London HQ", "city": "London", "state": "England", "country": "GB"},
    "experience_level": "Senior",
    "employment_type": "Full-time",
    "details": [{"name": "Description", "value": "<p>Build the analytical engine.</p>"},
                {"name": "Requirements", "value": "Punch cards"}],
}  # fmt: skip
POSITION_KEYS = {"uid", "name", "status", "department", "location", "experience_level", "employment_type",
                 "details", "users", "time_created", "time_updated"}  # fmt: skip


def make_user(client: TestClient, org: Org, username: str = "kelly", fullname: str | None = "Kelly Lee") -> str:
    body = {"username": username, "fullname": fullname, "email": f"{username}@example.com"}
    response = client.post("/api/v1/users", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_position_shows_what_the_native_opening_holds(client: TestClient, org: Org, clock: FakeClock) -> None:
    kelly = make_user(client, org)
    created = make_position(client, org, **PROFILE, lead_recruiter_id=kelly)
    assert {k: created[k] for k in PROFILE} == PROFILE and created["status"] == "open"

    response = client.get(f"/comeet/positions/{created['id']}", headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == POSITION_KEYS
    assert (body["uid"], body["name"], body["status"]) == (created["id"], "Backend engineer", "open")
    assert {k: body[k] for k in PROFILE} == PROFILE
    assert body["users"] == {"lead_recruiter": {"uid": kelly, "first_name": "Kelly", "last_name": "Lee",
                                                "email": "kelly@example.com"}}  # fmt: skip
    assert body["time_created"] == body["time_updated"] == "2026-01-15T09:00:00Z"

    clock.advance(hours=1)
    patched = client.patch(f"/api/v1/openings/{created['id']}", json={"status": "closed", "department": "Data",
                           "location": {"city": "Paris"}, "lead_recruiter_id": None}, headers=org.headers)  # fmt: skip
    assert patched.status_code == 200, patched.text
    body = client.get(f"/comeet/positions/{created['id']}", headers=org.headers).json()
    assert (body["status"], body["department"], body["location"]) == (
        "closed",
        "Data",
        {"name": None, "city": "Paris", "state": None, "country": None},
    )
    assert body["users"] == {"lead_recruiter": None}
    assert body["time_updated"] == "2026-01-15T10:00:00Z" and body["time_created"] == "2026-01-15T09:00:00Z"


def test_a_bare_position_has_every_key(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    body = client.get(f"/comeet/positions/{position['id']}", headers=org.headers).json()
    assert set(body) == POSITION_KEYS
    assert body["details"] == [] and body["location"] is None and body["users"] == {"lead_recruiter": None}


def test_an_unknown_position_or_another_kind_of_opening_is_position_not_found(
    client: TestClient, org: Org, other_org: Org
) -> None:
    task = make_position(client, org, kind="task", name="Assessment")
    theirs = make_position(client, other_org)
    for uid in ("11.11", task["id"], theirs["id"]):
        for path in (f"/comeet/positions/{uid}", f"/comeet/positions/{uid}/candidates"):
            response = client.get(path, headers=org.headers)
            assert response.status_code == 404, path
            assert response.json() == {"status": 404, "error": "position_not_found", "message": "Position not found"}


def test_positions_list_open_and_closed_unless_a_status_is_asked(client: TestClient, org: Org) -> None:
    opened = make_position(client, org, name="Open one")
    closed = make_position(client, org, name="Closed one", status="closed")
    make_position(client, org, kind="task", name="Not a position")

    def uids(**params: str) -> list[str]:
        response = client.get("/comeet/positions", params=params, headers=org.headers)
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"positions", "next_page"}
        return [p["uid"] for p in response.json()["positions"]]

    assert uids() == [opened["id"], closed["id"]]
    assert uids(status="open") == [opened["id"]]
    assert uids(status="closed") == [closed["id"]]


def test_next_page_is_a_full_url_that_keeps_the_filters(client: TestClient, org: Org) -> None:
    made = [make_position(client, org, name=f"Position {i}")["id"] for i in range(5)]
    make_position(client, org, name="Closed", status="closed")

    seen: list[str] = []
    url: str | None = "/comeet/positions?status=open&limit=2"
    pages = 0
    while url:
        response = client.get(url, headers=org.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [p["uid"] for p in body["positions"]]
        url = body["next_page"]
        pages += 1
        if url is not None:
            parts = urlsplit(url)
            assert (parts.scheme, parts.netloc, parts.path) == ("https", "candidly.test", "/comeet/positions")
            assert parse_qs(parts.query)["status"] == ["open"] and parse_qs(parts.query)["limit"] == ["2"]
    assert seen == made and pages == 3


@pytest.mark.parametrize(
    "params",
    [{"status": "draft"}, {"limit": "0"}, {"limit": "1001"}, {"limit": "ten"}, {"department": "R&D"},
     {"cursor": "../x"}],
    ids=["status", "limit 0", "limit over", "limit text", "unknown filter", "bad cursor"],
)  # fmt: skip
def test_a_bad_positions_query_is_400_in_comeets_body(client: TestClient, org: Org, params: dict[str, str]) -> None:
    response = client.get("/comeet/positions", params=params, headers=org.headers)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"status", "error", "message"} and body["status"] == 400
    code = "invalid_custom_candidate_field" if "department" in params else "required_field"
    assert body["error"] == code and next(iter(params)) in body["message"]


def test_a_positions_candidates_are_shaped_as_get_shows_them(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    other = make_position(client, org, name="Data engineer")
    mine = [create(client, org, new_candidate(position, partner_candidate_id=f"p-{i}", email=f"a{i}@example.com"))
            for i in range(3)]  # fmt: skip
    create(client, org, new_candidate(other, partner_candidate_id="elsewhere"))

    response = client.get(f"/comeet/positions/{position['id']}/candidates", params={"limit": 2}, headers=org.headers)
    assert response.status_code == 200, response.text
    first = response.json()
    assert [c["uid"] for c in first["candidates"]] == [c["uid"] for c in mine[:2]]
    second = client.get(first["next_page"], headers=org.headers).json()
    assert [c["uid"] for c in second["candidates"]] == [mine[2]["uid"]] and second["next_page"] is None
    for listed in first["candidates"] + second["candidates"]:
        assert listed == client.get(f"/comeet/candidates/{listed['uid']}", headers=org.headers).json()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"status": "paused"}, "status"), ({"location": {"planet": "Mars"}}, "location.planet"),
     ({"details": [{"name": "", "value": "x"}]}, "details"), ({"lead_recruiter_id": "nobody"}, "lead_recruiter_id")],
    ids=["position status", "location key", "detail name", "unknown lead recruiter"],
)  # fmt: skip
def test_a_bad_position_field_is_refused_and_writes_nothing(
    client: TestClient, org: Org, services: Services, body: dict[str, Any], field: str
) -> None:
    before = table_counts(services)
    response = client.post("/api/v1/openings", json={"kind": "position", "name": "X", **body}, headers=org.headers)
    assert 400 <= response.status_code < 500, response.text
    assert field in response.text
    assert table_counts(services) == before


def test_another_kind_of_opening_keeps_any_status(client: TestClient, org: Org) -> None:
    task = make_position(client, org, kind="task", name="Assessment", status="archived")
    assert task["status"] == "archived"
