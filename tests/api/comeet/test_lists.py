"""Comeet candidate lists and the fields clients read: envelopes, every filter of the reference page, source, tags,
step uids, the status-change time and the hire date."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.comeet.conftest import create, make_position, new_candidate
from tests.helpers import FakeClock, Org, TestClient, table_counts

SOURCE = {"uid": "src-7", "name": "Michael Rosen", "type": "Referrer: Compensated"}


def listed(client: TestClient, org: Org, **params: str) -> list[str]:
    response = client.get("/comeet/candidates", params=params, headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"candidates", "next_page"}
    return [c["uid"] for c in body["candidates"]]


def set_status(client: TestClient, org: Org, uid: str, status: str) -> None:
    response = client.patch(f"/api/v1/applications/{uid}", json={"status": status}, headers=org.headers)
    assert response.status_code == 200, response.text


def test_the_list_is_an_object_with_next_page(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    made = [create(client, org, new_candidate(position, partner_candidate_id=f"p-{i}", email=f"a{i}@example.com"))
            for i in range(3)]  # fmt: skip
    first = client.get("/comeet/candidates", params={"limit": 2}, headers=org.headers).json()
    assert first["next_page"].startswith("https://candidly.test/comeet/candidates?")
    second = client.get(first["next_page"], headers=org.headers).json()
    assert [c["uid"] for c in first["candidates"] + second["candidates"]] == [c["uid"] for c in made]
    assert second["next_page"] is None
    assert client.get("/comeet/candidates", headers=org.headers).json()["candidates"] == made


def test_source_and_tags_are_set_at_create(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    body = create(client, org, new_candidate(position, source=SOURCE, tags=["python", {"name": "referral"}]))
    assert body["source"] == SOURCE
    assert body["tags"] == [{"name": "python"}, {"name": "referral"}]
    plain = create(client, org, new_candidate(position, partner_candidate_id="p-2", email="b@example.com"))
    assert plain["source"] is None and plain["tags"] == []


def test_a_source_type_outside_comeets_list_is_refused(
    client: TestClient, org: Org, position: dict[str, Any], services: Services
) -> None:
    before = table_counts(services)
    body = new_candidate(position, source={"name": "Someone", "type": "Carrier pigeon"})
    response = client.post("/comeet/candidates", json=body, headers=org.headers)
    assert response.status_code == 400 and "source.type" in response.json()["message"]
    assert table_counts(services) == before


def test_steps_carry_their_position_step_uid(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    body = create(client, org, new_candidate(position))
    step_ids = [s["id"] for s in position["steps"]]
    shown = body["current_steps"] + body["future_steps"]
    assert [s["position_step_uid"] for s in shown] == step_ids
    assert all(set(s) == {"position_step_uid", "name", "type", "time_scheduled", "time_completed"} for s in shown)


def test_time_last_status_changed_moves_on_every_status_change_only(
    client: TestClient, org: Org, position: dict[str, Any], clock: FakeClock
) -> None:
    uid = create(client, org, new_candidate(position))["uid"]

    def shown() -> dict[str, Any]:
        return dict(client.get(f"/comeet/candidates/{uid}", headers=org.headers).json())

    assert shown()["time_last_status_changed"] == "2026-01-15T09:00:00Z"
    clock.advance(hours=1)
    client.patch(f"/comeet/candidates/{uid}", json={"phone": "+1 555 0100"}, headers=org.headers)
    set_status(client, org, uid, "In progress")  # the same status: no change
    assert shown()["time_last_status_changed"] == "2026-01-15T09:00:00Z"
    clock.advance(hours=1)
    set_status(client, org, uid, "On hold")
    assert shown()["time_last_status_changed"] == "2026-01-15T11:00:00Z" and "opening" not in shown()
    native = client.get(f"/api/v1/applications/{uid}", headers=org.headers).json()
    assert native["status_changed_at"] == "2026-01-15T11:00:00Z"
    clock.advance(days=2)
    set_status(client, org, uid, "Hired")
    body = shown()
    assert body["time_last_status_changed"] == "2026-01-17T11:00:00Z"
    assert body["opening"]["hired_candidate_hire_date"] == "2026-01-17T11:00:00Z"
    assert body["current_steps"] == []


def test_the_time_filters_of_the_reference_page(
    client: TestClient, org: Org, position: dict[str, Any], clock: FakeClock
) -> None:
    early = create(client, org, new_candidate(position, partner_candidate_id="e"))["uid"]
    clock.advance(hours=2)  # 11:00
    late = create(client, org, new_candidate(position, partner_candidate_id="l", email="late@example.com"))["uid"]
    clock.advance(hours=2)  # 13:00: the early one changes status, the late one's person changes
    set_status(client, org, early, "On hold")
    client.patch(f"/comeet/candidates/{late}", json={"mobile_phone": "+44 7700 900123"}, headers=org.headers)

    noon = "2026-01-15T12:00:00Z"
    assert listed(client, org, **{"time_created:after": noon}) == []
    assert listed(client, org, **{"time_created:before": "2026-01-15T10:00:00Z"}) == [early]
    assert listed(client, org, **{"time_last_status_change:after": noon}) == [early]
    assert listed(client, org, **{"time_last_status_change:before": noon}) == [late]
    assert listed(client, org, **{"time_hiring_process_updated:after": noon}) == [early, late]
    assert listed(client, org, **{"time_hiring_process_updated:before": "2026-01-15T11:30:00Z"}) == []
    assert listed(client, org, **{"time_person_last_activity:after": noon}) == [late]
    assert listed(client, org, **{"time_person_last_activity:before": noon}) == [early]
    both = {"time_created:after": "2026-01-15T10:00:00Z", "time_created:before": noon}
    assert listed(client, org, **both) == [late]


def test_deleted_candidates_are_tombstones_and_the_deleted_filter_picks(
    client: TestClient, org: Org, position: dict[str, Any]
) -> None:
    kept = create(client, org, new_candidate(position))["uid"]
    gone = create(client, org, new_candidate(position, partner_candidate_id="p-2", email="b@example.com"))["uid"]
    assert client.delete(f"/api/v1/applications/{gone}", headers=org.headers).status_code == 204

    everyone = client.get("/comeet/candidates", headers=org.headers).json()["candidates"]
    assert [(c["uid"], c["deleted"]) for c in everyone] == [(kept, False), (gone, True)]
    assert everyone[1] == {"uid": gone, "deleted": True}
    assert listed(client, org, deleted="True") == [gone]
    assert listed(client, org, deleted="false") == [kept]


def test_status_filter_takes_a_comma_list(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    first = create(client, org, new_candidate(position))["uid"]
    second = create(client, org, new_candidate(position, partner_candidate_id="p-2", email="b@example.com"))["uid"]
    set_status(client, org, second, "Rejected")
    assert listed(client, org, status="In progress") == [first]
    assert listed(client, org, status="Rejected,Hired") == [second]
    assert listed(client, org, status="In progress, Rejected") == [first, second]


@pytest.mark.parametrize(
    ("params", "code", "named"),
    [({"position_uid": "x"}, "invalid_custom_candidate_field", "position_uid"), ({"sort": "asc"}, "invalid_custom_candidate_field", "sort"),
     ({"deleted": "maybe"}, "required_field", "deleted"),
     ({"time_last_status_change:after": "soon"}, "invalid_datetime", "time_last_status_change:after"),
     ({"time_person_last_activity:before": "2026-13-01"}, "invalid_datetime", "time_person_last_activity:before"),
     ({"limit": "5000"}, "required_field", "limit"), ({"status": "On hold," * 50}, "string_size_limit", "status")],
    ids=["unlisted filter", "unknown filter", "deleted", "status change time", "person activity time", "limit",
         "long value"],
)  # fmt: skip
def test_a_filter_the_list_does_not_take_is_400_not_ignored(
    client: TestClient, org: Org, position: dict[str, Any], services: Services,
    params: dict[str, str], code: str, named: str,
) -> None:  # fmt: skip
    create(client, org, new_candidate(position))
    before = table_counts(services)
    for path in ("/comeet/candidates", f"/comeet/positions/{position['id']}/candidates"):
        response = client.get(path, params=params, headers=org.headers)
        assert response.status_code == 400, response.text
        assert (response.json()["error"], response.json()["status"]) == (code, 400)
        assert named in response.json()["message"]
    assert table_counts(services) == before


def test_a_position_list_takes_the_same_filters(client: TestClient, org: Org, position: dict[str, Any]) -> None:
    other = make_position(client, org, name="Data engineer")
    mine = create(client, org, new_candidate(position))["uid"]
    theirs = create(client, org, new_candidate(other, partner_candidate_id="o"))["uid"]
    set_status(client, org, theirs, "Hired")
    set_status(client, org, mine, "Hired")
    response = client.get(f"/comeet/positions/{position['id']}/candidates", params={"status": "Hired"},
                          headers=org.headers)  # fmt: skip
    assert [c["uid"] for c in response.json()["candidates"]] == [mine]
