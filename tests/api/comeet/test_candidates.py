"""Comeet candidates end to end: create in a position, get, list with filters, update every field of the seed."""

from __future__ import annotations

import re
from typing import Any

from tests.api.comeet.conftest import create, make_position, new_candidate
from tests.helpers import FakeClock, Org, TestClient

COMEET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
NOT_FOUND = {"status": 404, "error": "candidate_not_found", "message": "Candidate not found"}
SEED_PATCH = {
    "updated_by": {"type": "user", "name": "Kelly Lee", "email": "kelly@example.com"},
    "phone": "+1-666-000-0000",
    "salary_expectations": "80k / Annual",
}


def test_create_answers_201_with_the_candidate_object(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    body = create(client, org, new_candidate(position, middle_name="King", prospect_status="Sourced"))

    assert body["position_uid"] == position["id"]
    assert body["partner_candidate_id"] == "p-1"
    assert (body["first_name"], body["middle_name"], body["last_name"]) == ("Ada", "King", "Lovelace")
    assert body["status"] == "In progress" and body["prospect_status"] == "Sourced" and body["deleted"] is False
    assert COMEET_TIME.match(body["time_created"]) and body["time_last_status_changed"] == body["time_created"]
    assert body["person_uid"] and body["uid"] != body["person_uid"]
    assert [s["name"] for s in body["current_steps"]] == ["CV Screen"]
    assert [s["name"] for s in body["future_steps"]] == ["Technical interview", "Offer"]
    assert body["completed_steps"] == []
    assert body["current_steps"][0]["type"] == "Go/No-go"


def test_get_returns_what_create_returned(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    response = client.get(f"/comeet/candidates/{created['uid']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json() == created


def test_an_unknown_uid_answers_the_seeds_404_body(client: TestClient, org: Org) -> None:
    for response in (
        client.get("/comeet/candidates/00.AAA", headers=org.headers),
        client.patch("/comeet/candidates/00.AAA", json={"first_name": "X"}, headers=org.headers),
    ):
        assert response.status_code == 404
        assert response.content == b'{"status":404,"error":"candidate_not_found","message":"Candidate not found"}'
        assert response.json() == NOT_FOUND


def test_the_seeds_example_request(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    response = client.patch(f"/comeet/candidates/{created['uid']}", json=SEED_PATCH, headers=org.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["phone"] == "+1-666-000-0000"  # kept as Comeet's client wrote it
    assert body["salary_expectations"] == "80k / Annual"
    assert body["uid"] == created["uid"] and body["position_uid"] == position["id"]
    assert set(body) >= {"source_contact", "time_created", "time_last_status_changed", "current_steps",
                         "completed_steps", "status"}  # fmt: skip


def test_updated_by_is_the_actor_in_the_event_log(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    client.patch(f"/comeet/candidates/{created['uid']}", json=SEED_PATCH, headers=org.headers)

    events = client.get(f"/api/v1/candidates/{created['person_uid']}/events", headers=org.headers).json()
    updated = [e for e in events if e["type"] == "application.updated"][-1]
    assert updated["actor"]["type"] == "user"
    assert updated["actor"]["name"] == "Kelly Lee"
    assert updated["actor"]["email"] == "kelly@example.com"
    assert updated["actor"]["surface"] == "comeet"
    # The restricted field's value never reaches the log; that it changed does.
    assert updated["changes"]["salary_expectations"] == ["[redacted]", "[redacted]"]


def test_a_patch_changes_every_seed_field(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    patch: dict[str, Any] = {
        "partner_candidate_id": "p-2", "first_name": "Augusta", "middle_name": "Ada", "last_name": "King",
        "email": "augusta@example.com", "phone": "+44 20 7183 8750", "mobile_phone": "+44 7700 900123",
        "national_id": "AB123456C", "linkedin_url": "https://www.linkedin.com/in/ada", "prospect_status": "Interested",
        "links": [{"name": "Portfolio", "url": "https://ada.example/portfolio"}],
        "source_contact": {"full_name": "Michael Rosen", "email": "michael@agency.example", "phone": "555 555 1234"},
        "address": {"country": "gb", "city": "London", "street": "12 St James's Square", "postal_code": "SW1Y 4JH"},
        "custom_fields": {"Preferred shift": "mornings", "Years of experience": 7},
        "note": "Met at the analytical engine meetup.",
    }  # fmt: skip
    response = client.patch(f"/comeet/candidates/{created['uid']}", json=patch, headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()

    for field in ("partner_candidate_id", "first_name", "middle_name", "last_name", "email", "phone", "mobile_phone",
                  "linkedin_url", "prospect_status", "links", "custom_fields"):  # fmt: skip
        assert body[field] == patch[field], field
    assert body["id_number"] == "AB123456C"
    assert body["address"] == {**patch["address"], "country": "GB"}
    assert body["source_contact"] == {"uid": None, "first_name": "Michael", "last_name": "Rosen",
                                      "email": "michael@agency.example", "full_name": "Michael Rosen",
                                      "phone": "555 555 1234"}  # fmt: skip
    export = client.get(f"/api/v1/candidates/{created['person_uid']}/export", headers=org.headers).json()
    assert [n["body"] for n in export["notes"]] == ["Met at the analytical engine meetup."]


def test_a_patch_leaves_what_it_does_not_name(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position, custom_fields={"Preferred shift": "nights"},
                                                   linkedin_url="https://linkedin.com/in/ada"))  # fmt: skip
    response = client.patch(
        f"/comeet/candidates/{created['uid']}", json={"custom_fields": {"Years of experience": 3}}, headers=org.headers
    )
    body = response.json()
    assert body["custom_fields"] == {"Preferred shift": "nights", "Years of experience": 3}
    assert body["linkedin_url"] == "https://linkedin.com/in/ada" and body["email"] == "ada@example.com"


def test_one_person_in_two_positions_is_two_candidates_with_one_person_uid(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    other = make_position(client, org, name="Data engineer")
    first = create(client, org, new_candidate(position, partner_candidate_id="a-1"))
    second = create(client, org, new_candidate(other, partner_candidate_id="a-2"))

    assert first["uid"] != second["uid"]
    assert first["person_uid"] == second["person_uid"]
    assert {first["position_uid"], second["position_uid"]} == {position["id"], other["id"]}
    # The same partner id in another position finds the same person too, even without the email.
    third_position = make_position(client, org, name="Platform engineer")
    body = new_candidate(third_position, partner_candidate_id="a-1", email=None)
    assert create(client, org, body)["person_uid"] == first["person_uid"]


def test_the_same_partner_id_in_progress_in_the_same_position_is_a_409(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    first = create(client, org, new_candidate(position))
    response = client.post("/comeet/candidates", json=new_candidate(position), headers=org.headers)

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "candidate_post_conflict" and body["status"] == 409
    assert body["candidate_uid"] == first["uid"]

    # Once that process is no longer in progress, the partner may start a new one.
    client.patch(f"/api/v1/applications/{first['uid']}", json={"status": "Rejected"}, headers=org.headers)
    assert client.get(f"/comeet/candidates/{first['uid']}", headers=org.headers).json()["status"] == "Rejected"
    again = create(client, org, new_candidate(position))
    assert again["uid"] != first["uid"] and again["person_uid"] == first["person_uid"]


def test_an_unknown_position_or_a_non_position_opening_is_position_not_found(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    task = make_position(client, org, kind="task", name="Assessment")
    for uid in ("11.11", task["id"]):
        response = client.post(
            "/comeet/candidates", json=new_candidate(position, position_uid=uid), headers=org.headers
        )
        assert response.status_code == 404
        assert response.json() == {"status": 404, "error": "position_not_found", "message": "Position not found"}


def test_steps_follow_the_applications_progress(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    first_step = position["steps"][0]["id"]
    started = client.post(f"/api/v1/applications/{created['uid']}/sessions", json={"step_id": first_step},
                          headers=org.headers)  # fmt: skip
    assert started.status_code == 201, started.text
    result = {"scoreboard": {"pointsAchieved": 8, "maxAchievablePoints": 10, "achievementRatio": 0.8}}
    done = client.post(
        f"/api/v1/sessions/{started.json()['id']}/complete", json={"result": result}, headers=org.headers
    )
    assert done.status_code == 200, done.text

    body = client.get(f"/comeet/candidates/{created['uid']}", headers=org.headers).json()
    assert [s["name"] for s in body["completed_steps"]] == ["CV Screen"]
    assert COMEET_TIME.match(body["completed_steps"][0]["time_completed"])
    assert [s["name"] for s in body["current_steps"]] == ["Technical interview"]
    assert [s["name"] for s in body["future_steps"]] == ["Offer"]


def test_list_filters_by_status_and_creation_time(
    client: TestClient, org: Org, position: dict[str, Any], clock: FakeClock
) -> None:
    early = create(client, org, new_candidate(position, partner_candidate_id="e"))
    clock.advance(hours=2)
    late = create(client, org, new_candidate(position, partner_candidate_id="l", email="late@example.com"))
    client.patch(f"/api/v1/applications/{late['uid']}", json={"status": "On hold"}, headers=org.headers)

    def uids(**params: str) -> list[str]:
        response = client.get("/comeet/candidates", params=params, headers=org.headers)
        assert response.status_code == 200, response.text
        return [c["uid"] for c in response.json()["candidates"]]

    assert uids() == [early["uid"], late["uid"]]
    assert uids(status="In progress") == [early["uid"]]
    assert uids(status="On hold,Hired") == [late["uid"]]
    assert uids(**{"time_created:after": "2026-01-15T10:00:00Z"}) == [late["uid"]]
    assert uids(**{"time_created:before": "2026-01-15T10:00:00Z"}) == [early["uid"]]
    assert uids(limit="1", offset="1") == [late["uid"]]


def test_list_shows_only_this_accounts_positions(
    client: TestClient, org: Org, other_org: Org, position: dict[str, Any]
) -> None:
    mine = create(client, org, new_candidate(position))
    theirs = make_position(client, other_org)
    create(client, other_org, new_candidate(theirs))
    listed = client.get("/comeet/candidates", headers=org.headers).json()["candidates"]
    assert [c["uid"] for c in listed] == [mine["uid"]]
    response = client.get(f"/comeet/candidates/{mine['uid']}", headers=other_org.headers)
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_a_deleted_candidate_answers_as_a_tombstone(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    created = create(client, org, new_candidate(position))
    assert client.delete(f"/api/v1/applications/{created['uid']}", headers=org.headers).status_code == 204
    response = client.get(f"/comeet/candidates/{created['uid']}", headers=org.headers)
    assert response.status_code == 200 and response.json() == {"uid": created["uid"], "deleted": True}


def test_the_openapi_document_describes_the_dialect(client: TestClient) -> None:
    document = client.get("/comeet/openapi.json").json()
    assert {"/candidates", "/candidates/{uid}"} <= set(document["paths"])
    assert {"post", "get"} <= set(document["paths"]["/candidates"])
    assert {"get", "patch"} <= set(document["paths"]["/candidates/{uid}"])
    assert "salary_expectations" in document["components"]["schemas"]["CandidateUpdate"]["properties"]


def test_the_openapi_document_covers_every_route_with_its_security_scheme(client: TestClient) -> None:
    document = client.get("/comeet/openapi.json").json()
    expected = {
        "/positions": {"get"}, "/positions/{uid}": {"get"}, "/positions/{uid}/candidates": {"get"},
        "/candidates": {"get", "post"}, "/candidates/{uid}": {"get", "patch"}, "/candidates/{uid}/notes": {"post"},
        "/candidates/{uid}/files": {"get"}, "/sourcing/candidates/find_duplicates": {"get"},
        "/files/{attachment_id}": {"get"},
    }  # fmt: skip
    assert {path: set(ops) for path, ops in document["paths"].items()} == expected
    scheme = document["components"]["securitySchemes"]["ComeetJWT"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            signed_link = path == "/files/{attachment_id}"  # the link is the credential
            assert operation.get("security") == (None if signed_link else [{"ComeetJWT": []}]), (method, path)
            assert "4XX" in operation["responses"], (method, path)
    listed = {p["name"] for p in document["paths"]["/candidates"]["get"]["parameters"]}
    assert {
        "status",
        "deleted",
        "time_created:after",
        "time_last_status_change:before",
        "time_hiring_process_updated:after",
        "time_person_last_activity:before",
        "limit",
        "cursor",
    } <= listed
    assert {p["name"] for p in document["paths"]["/positions"]["get"]["parameters"]} >= {"status", "limit", "cursor"}
    assert "CandidatesOut" in document["components"]["schemas"] and "PositionOut" in document["components"]["schemas"]
