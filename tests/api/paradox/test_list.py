"""GET /candidates: the item shape, paging by offset or page, and every documented filter; unknown ones are 400."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.domain import commands as c
from candidly.domain.principals import Actor
from tests.api.paradox.conftest import BASE, new_candidate, refused
from tests.helpers import FakeClock, Org, TestClient

DOCUMENTED = (
    "start_date", "end_date", "created_start_date", "start_keyword", "limit", "offset", "page", "status",
    "group_name", "location_id", "source", "conversation", "interviews", "note", "profile_id", "include_attributes",
    "candidate_journey_status", "job_loc_code", "job_req_id", "ex_id", "email",
)  # fmt: skip


def listed(client: TestClient, px: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(f"{BASE}/candidates", params=params, headers=px)
    assert response.status_code == 200, response.text
    return dict(response.json())


def oids(client: TestClient, px: dict[str, str], **params: Any) -> list[int]:
    return [item["candidate"]["OID"] for item in listed(client, px, **params)["candidates"]]


def imported(services: Services, org: Org, email: str, **paradox: Any) -> int:
    """A candidate whose Paradox conversation fields (source, start keyword, group...) an importer set, as the
    native service stores them; the Paradox API itself never writes these. Its OID."""
    actor = Actor(services.auth.authenticate(org.token), surface="test")
    fields: c.CandidateChanges = {
        "first_name": "Imp",
        "email": email,
        "attributes": {f"paradox.{k}": v for k, v in paradox.items()},
    }
    person = services.bus.execute(c.CreateCandidate(fields), actor, org.id)
    return int(person.seq)


def test_the_documented_filters_are_exactly_the_21_of_the_reference(client: TestClient) -> None:
    operation = client.get(f"{BASE}/openapi.json").json()["paths"]["/candidates"]["get"]
    assert sorted(p["name"] for p in operation["parameters"]) == sorted(DOCUMENTED)
    assert len(DOCUMENTED) == 21


def test_each_item_is_candidate_stage_conversation_and_note(client: TestClient, px: dict[str, str]) -> None:
    new_candidate(client, px, candidate_journey="Hourly", candidate_journey_status="Interview: Scheduled")
    body = listed(client, px)
    assert set(body) >= {"limit", "count", "offset", "candidates"}
    (item,) = body["candidates"]
    assert set(item) == {"candidate", "stage", "conversation", "note"}
    assert item["stage"] == {"journey_name": "Hourly", "stage_name": "Interview", "status_name": "Scheduled"}
    assert (item["conversation"], item["note"], item["candidate"]["attributes"]) == ([], None, {})


def test_unknown_or_misspelt_parameters_are_400_naming_them(client: TestClient, px: dict[str, str]) -> None:
    for name in ("limt", "candidate_status", "include_attribute"):
        error = refused(client.get(f"{BASE}/candidates", params={name: "1"}, headers=px), 400, 1013, name)
        assert "not a parameter" in error["message"]


def test_page_is_one_based_and_cannot_be_combined_with_offset(client: TestClient, px: dict[str, str]) -> None:
    made = [new_candidate(client, px, email=f"p{i}@example.com")["OID"] for i in range(5)]
    assert oids(client, px, limit=2, page=1) == made[:2]
    page3 = listed(client, px, limit=2, page=3)
    assert ([i["candidate"]["OID"] for i in page3["candidates"]], page3["offset"], page3["count"]) == (made[4:], 4, 5)
    refused(client.get(f"{BASE}/candidates", params={"page": 2, "offset": 0}, headers=px), 400, 1010, "page")
    refused(client.get(f"{BASE}/candidates", params={"page": 0}, headers=px), 400, 1010, "page")


def test_start_and_end_date_bound_the_last_update_and_created_start_date_the_creation(
    client: TestClient, org: Org, clock: FakeClock
) -> None:
    px = org.headers  # days pass: a key, not an hour-long token
    early = new_candidate(client, px, email="early@example.com")["OID"]
    clock.advance(days=2)
    late = new_candidate(client, px, email="late@example.com")["OID"]
    clock.advance(days=2)
    client.put(f"{BASE}/candidates/{early}", json={"job_title": "Cook"}, headers=px)  # early is updated last
    day = clock.now() - timedelta(days=1)
    assert oids(client, px, start_date=day.isoformat()) == [early]
    assert oids(client, px, end_date=day.isoformat()) == [late]
    assert oids(client, px, created_start_date=day.isoformat()) == []
    assert oids(client, px, created_start_date=(day - timedelta(days=2)).replace(tzinfo=None).isoformat()) == [late]
    refused(client.get(f"{BASE}/candidates", params={"start_date": "yesterday"}, headers=px), 400, 1010, "start_date")


def test_journey_status_and_job_location_filter_on_what_the_api_wrote(client: TestClient, px: dict[str, str]) -> None:
    a = new_candidate(client, px, email="a@example.com", candidate_journey_status="Offer: Sent", job_loc_code="LDN")
    b = new_candidate(client, px, email="b@example.com", candidate_journey_status="Offer: Accepted")
    assert oids(client, px, candidate_journey_status="Offer: Sent") == [a["OID"]]
    assert oids(client, px, candidate_journey_status="Offer: Accepted") == [b["OID"]]
    assert oids(client, px, job_loc_code="LDN") == [a["OID"]]
    assert oids(client, px, job_loc_code="NYC") == []


def test_conversation_fields_filter_on_what_an_importer_stored(
    client: TestClient, org: Org, px: dict[str, str], services: Services
) -> None:
    sms = imported(services, org, "sms@example.com", source=1, start_keyword="JOBS", group_name="Stores",
                   location_id="L-7", profile_id="P-1")  # fmt: skip
    widget = imported(services, org, "widget@example.com", source=2, group_name="Office")
    new_candidate(client, px, email="api@example.com")
    assert oids(client, px, source="1") == [sms]
    assert oids(client, px, source="WIDGET") == [widget]
    assert oids(client, px, start_keyword="JOBS") == [sms]
    assert oids(client, px, group_name="Office") == [widget]
    assert oids(client, px, location_id="L-7", profile_id="P-1") == [sms]
    assert oids(client, px, group_name="Stores", source=2) == []
    shown = listed(client, px, source=1)["candidates"][0]["candidate"]
    assert (shown["source"], shown["start_keyword"], shown["group_name"]) == (1, "JOBS", "Stores")
    refused(client.get(f"{BASE}/candidates", params={"source": "7"}, headers=px), 400, 1010, "source")


@pytest.mark.parametrize("yes", ["true", "Yes", "1"])
def test_note_and_include_attributes_fill_the_item_when_asked(client: TestClient, px: dict[str, str], yes: str) -> None:
    new_candidate(client, px, note="Called on Monday", candidate_attribute_data={"shift": "night"})
    bare = listed(client, px)["candidates"][0]
    assert (bare["note"], bare["candidate"]["note"], bare["candidate"]["attributes"]) == (None, None, {})
    full = listed(client, px, note=yes, include_attributes=yes)["candidates"][0]
    assert (full["note"], full["candidate"]["note"]) == ("Called on Monday", "Called on Monday")
    assert full["candidate"]["attributes"] == {"shift": "night"}


def test_conversation_and_interviews_fill_the_item_when_asked(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px)
    sent = client.post(f"{BASE}/candidates/send_message", json={"OID": made["OID"], "message": "Hi Jane"}, headers=px)
    assert sent.status_code == 200
    assert listed(client, px)["candidates"][0]["conversation"] == []
    item = listed(client, px, conversation="true", interviews="true")["candidates"][0]
    assert [(m["answer_text"], m["message_type"]) for m in item["conversation"]] == [("Hi Jane", 1)]
    assert item["interview"] == {"past_interview_at": None, "scheduled_at": None, "interviewed": False}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"note": "maybe"}, "note"), ({"conversation": "2"}, "conversation"), ({"offset": -1}, "offset"),
     ({"email": "not-an-email"}, "email"), ({"status": "9"}, "status")],
)  # fmt: skip
def test_bad_filter_values_are_400_naming_the_parameter(
    client: TestClient, px: dict[str, str], params: dict[str, Any], field: str
) -> None:
    refused(client.get(f"{BASE}/candidates", params=params, headers=px), 400, 1010, field)
