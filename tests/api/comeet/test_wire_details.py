"""What a Comeet client sees at the edges: 405s that name every method, the codes of refusals, the seed's own body."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from candidly.bootstrap import Services
from tests.api.comeet.conftest import comeet_jwt, create, make_position, new_candidate
from tests.helpers import FakeClock, Org, TestClient, table_counts
from tests.reliability.test_idempotency import commit_and_lose_the_answer


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The wire is the dialect's own: one backend is enough here."""
    return sqlite_url


# Seed 003's example request, as the page shows it: its updater's email is the page's obfuscated text.
SEED_PATCH = {
    "updated_by": {"type": "user", "name": "Kelly Lee", "email": "[email\u00a0protected]"},
    "phone": "+1-666-000-0000",
    "salary_expectations": "80k / Annual",
}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("DELETE", "/comeet/candidates/{uid}", "GET, PATCH"), ("PUT", "/comeet/candidates/{uid}", "GET, PATCH"),
     ("GET", "/comeet/candidates/{uid}/notes", "POST"), ("DELETE", "/comeet/positions/{position}", "GET")],
    ids=["delete a candidate", "put a candidate", "read notes", "delete a position"],
)  # fmt: skip
def test_a_405_names_every_method_the_path_takes(
    client: TestClient, org: Org, position: dict[str, Any], services: Services, method: str, path: str, allow: str
) -> None:
    uid = create(client, org, new_candidate(position))["uid"]
    before = table_counts(services)
    response = client.request(method, path.format(uid=uid, position=position["id"]), headers=org.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"status": 405, "error": "no_permission",
                               "message": f"{method} is not allowed on this path"}  # fmt: skip
    assert table_counts(services) == before


def test_a_refused_token_is_unauthorized_and_a_missing_scope_is_no_permission(
    client: TestClient, org: Org, clock: FakeClock, position: dict[str, Any], services: Services
) -> None:
    """A client that reads the code must not take an expired token (mint another) for a permission the account's
    admin has not granted (ask for it): the two answers differ in status and in code."""
    stale = comeet_jwt(org, clock, minutes=-5)
    before = table_counts(services)
    response = client.post("/comeet/candidates", json=new_candidate(position), headers=stale)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"status": 401, "error": "no_permission", "message": "the access token has expired"}
    assert table_counts(services) == before

    reader = client.post("/api/v1/api-keys", json={"name": "reader", "scopes": ["read:candidates",
                                                                                "read:openings"]},
                         headers=org.headers).json()  # fmt: skip
    before = table_counts(services)
    response = client.post("/comeet/candidates", json=new_candidate(position),
                           headers={"Authorization": f"Bearer {reader['token']}"})  # fmt: skip
    assert (response.status_code, response.json()["error"]) == (403, "no_permission")
    assert table_counts(services) == before


def test_an_unknown_list_filter_is_unknown_field(client: TestClient, org: Org) -> None:
    response = client.get("/comeet/candidates", params={"position_uid": "x"}, headers=org.headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_custom_candidate_field" and response.json()["message"].startswith(
        "position_uid: "
    )


def test_the_seeds_example_body_as_written_updates_the_candidate(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    created = create(client, org, new_candidate(position))
    response = client.patch(f"/comeet/candidates/{created['uid']}", json=SEED_PATCH, headers=org.headers)
    assert response.status_code == 200, response.text
    assert (response.json()["phone"], response.json()["salary_expectations"]) == ("+1-666-000-0000", "80k / Annual")

    events = client.get(f"/api/v1/candidates/{created['person_uid']}/events", headers=org.headers).json()
    updater = [e for e in events if e["type"] == "application.updated"][-1]["actor"]
    # Who made the change is recorded as the client named them: an address when it is one, else as written.
    assert (updater["name"], updater["email"]) == ("Kelly Lee", "[email\u00a0protected]")


def test_a_notes_writer_is_recorded_as_written(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    note = {"text": "Strong closer", "created_by": {"type": "user", "first_name": "Yoni", "email": "yoni at example"}}
    assert client.post(f"/comeet/candidates/{created['uid']}/notes", json=note, headers=org.headers).status_code == 201
    events = client.get(f"/api/v1/candidates/{created['person_uid']}/events", headers=org.headers).json()
    assert [e for e in events if e["type"] == "application.updated"][-1]["actor"]["email"] == "yoni at example"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/comeet/candidates/60235428", None), ("PATCH", "/comeet/candidates/60235428", {"first_name": "X"}),
     ("POST", "/comeet/candidates/60235428/notes", {"text": "x"}), ("GET", "/comeet/candidates/60235428/files", None)],
    ids=["get", "patch", "note", "files"],
)  # fmt: skip
def test_a_numeric_ui_id_is_comeets_not_found(
    client: TestClient, org: Org, services: Services, method: str, path: str, body: Any
) -> None:
    """The numeric id Comeet's UI shows is no API uid: comeet-core's QUIRKS records 404 ``not_found`` for it."""
    before = table_counts(services)
    response = client.request(method, path, json=body, headers=org.headers)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "not_found", "message": "The provided ID could not be found"}
    assert table_counts(services) == before


def test_a_conflict_other_than_the_partner_id_rule_is_not_candidate_post_conflict(
    client: TestClient, org: Org, position: dict[str, Any], services: Services, clock: FakeClock
) -> None:
    """A retry whose first request made its change but lost its answer is a 409 the client must not read as the
    partner-id rule, whose answer carries the existing ``candidate_uid``."""
    body = orjson.dumps(new_candidate(position))
    commit_and_lose_the_answer(services, org, clock, "crashed", body, b"/comeet/candidates")
    before = table_counts(services)
    headers = {**org.headers, "Idempotency-Key": "crashed", "Content-Type": "application/json"}
    retry = client.post("/comeet/candidates", content=body, headers=headers)
    assert retry.status_code == 409
    assert retry.json()["error"] == "candidate_post_conflict" and "candidate_uid" not in retry.json()
    assert "made its change" in retry.json()["message"]
    assert table_counts(services) == before


def test_a_positions_location_has_every_key_comeet_gives(client: TestClient, org: Org) -> None:
    """A location set without a state still answers ``state`` (null): a client reads ``location["state"]``."""
    made = make_position(client, org, location={"name": "TLV", "city": "Tel Aviv", "country": "IL"})
    for response in (client.get(f"/comeet/positions/{made['id']}", headers=org.headers),
                     client.get("/comeet/positions", headers=org.headers)):  # fmt: skip
        answer = response.json()
        location = answer["location"] if "location" in answer else answer["positions"][0]["location"]
        assert location == {"name": "TLV", "city": "Tel Aviv", "state": None, "country": "IL"}
