"""The candidate's neighbours: attribute data (PATCH merges, PUT replaces), unsubscribe, send_message, and get's
``conversation``/``note`` parameters; every refusal writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.paradox.conftest import BASE, new_candidate, refused
from tests.helpers import Org, TestClient, table_counts


def native_events(client: TestClient, org: Org, email: str) -> list[dict[str, Any]]:
    person = next(p for p in client.get("/api/v1/candidates", headers=org.headers).json()["items"]
                  if p["email"] == email)  # fmt: skip
    return list(client.get(f"/api/v1/candidates/{person['id']}/export", headers=org.headers).json()["events"])


def test_patch_merges_attribute_data_and_put_replaces_it(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, candidate_attribute_data={"a": "1", "b": "2"})
    url = f"{BASE}/candidate/attributes/{made['OID']}"
    patched = client.patch(url, json={"attributes": {"b": "3", "c": "4", "a": None}}, headers=px)
    assert patched.json() == {"success": True, "OID": made["OID"], "attributes": {"b": "3", "c": "4"}}
    replaced = client.put(f"{BASE}/candidate/attributes/{made['external_oid']}", json={"attributes": {"z": "9"}},
                          headers=px)  # fmt: skip
    assert replaced.json()["attributes"] == {"z": "9"}
    shown = client.get(f"{BASE}/candidates/{made['OID']}", headers=px).json()["candidate"]
    assert (shown["attributes"], shown["candidate_attribute_data"]) == ({"z": "9"}, {"z": "9"})
    assert client.put(url, json={"attributes": {}}, headers=px).json()["attributes"] == {}


def test_unsubscribe_flags_the_candidate_and_action_0_subscribes_again(
    client: TestClient, org: Org, px: dict[str, str]
) -> None:
    made = new_candidate(client, px)
    answer = client.put(f"{BASE}/candidates/unsubscribe", json={"OID": made["OID"]}, headers=px)
    assert answer.json() == {"success": True, "OID": made["OID"], "unsubscribed": True}
    assert client.get(f"{BASE}/candidates/{made['OID']}", headers=px).json()["candidate"]["unsubscribed"] is True
    again = client.put(f"{BASE}/candidates/unsubscribe", json={"OID": str(made["OID"]), "action_id": 0}, headers=px)
    assert again.json()["unsubscribed"] is False
    changes = [e["changes"] for e in native_events(client, org, made["email"]) if "unsubscribed" in e["changes"]]
    assert changes == [{"unsubscribed": [False, True]}, {"unsubscribed": [True, False]}]


def test_a_message_is_recorded_and_shown_in_the_conversation(client: TestClient, org: Org, px: dict[str, str]) -> None:
    made = new_candidate(client, px)
    body = {"OID": made["OID"], "message": "Your interview is at 10", "email_subject": "Interview"}
    assert client.post(f"{BASE}/candidates/send_message", json=body, headers=px).json() == {"success": True}
    messaged = [e for e in native_events(client, org, made["email"]) if e["type"] == "candidate.messaged"]
    assert [e["data"] for e in messaged] == [{"message": "Your interview is at 10", "subject": "Interview"}]
    got = client.get(f"{BASE}/candidates/{made['OID']}", params={"conversation": "true"}, headers=px).json()
    assert [m["answer_text"] for m in got["conversation"]] == ["Your interview is at 10"]
    assert client.get(f"{BASE}/candidates/{made['OID']}", headers=px).json()["conversation"] == []


def test_get_shows_notes_unless_note_is_false(client: TestClient, px: dict[str, str]) -> None:
    made = new_candidate(client, px, note="First call")
    client.put(f"{BASE}/candidates/{made['OID']}", json={"note": "Second call"}, headers=px)
    url = f"{BASE}/candidates/{made['OID']}"
    assert client.get(url, headers=px).json()["candidate"]["note"] == "First call\nSecond call"
    assert client.get(url, params={"note": "false"}, headers=px).json()["candidate"]["note"] is None
    refused(client.get(url, params={"notes": "true"}, headers=px), 400, 1013, "notes")


REJECTS: list[tuple[str, str, Any, int, str]] = [
    ("PATCH", "/candidate/attributes/{oid}", {"attributes": {"k": "x" * 256}}, 1010, "attributes.k"),
    ("PATCH", "/candidate/attributes/{oid}", {"attributes": {"k": 5}}, 1010, "attributes.k"),
    ("PUT", "/candidate/attributes/{oid}", {}, 1011, "attributes"),
    ("PUT", "/candidate/attributes/{oid}", {"attributes": {}, "oid": 1}, 1012, "oid"),
    ("PATCH", "/candidate/attributes/999", {"attributes": {"a": "1"}}, 1004, "ID"),
    ("PUT", "/candidates/unsubscribe", {"OID": "{oid}", "action_id": 2}, 1010, "action_id"),
    ("PUT", "/candidates/unsubscribe", {}, 1011, "OID"),
    ("PUT", "/candidates/unsubscribe", {"OID": 999}, 1004, "ID"),
    ("POST", "/candidates/send_message", {"OID": "{oid}"}, 1011, "message"),
    ("POST", "/candidates/send_message", {"OID": "{oid}", "message": ""}, 1010, "message"),
    ("POST", "/candidates/send_message", {"OID": "{oid}", "message": "x" * 5001}, 1010, "message"),
    ("POST", "/candidates/send_message", {"OID": "{oid}", "message": "Hi", "contact_method": 9}, 1010,
     "contact_method"),
    ("POST", "/candidates/send_message", {"OID": 999, "message": "Hi"}, 1004, "ID"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "code", "field"), REJECTS, ids=[f"{r[1]}-{r[4]}" for r in REJECTS])
def test_a_bad_neighbour_call_names_the_field_and_writes_nothing(
    client: TestClient, px: dict[str, str], services: Services, method: str, path: str, body: Any, code: int, field: str
) -> None:
    oid = new_candidate(client, px)["OID"]
    sent = {k: (oid if v == "{oid}" else v) for k, v in body.items()}
    before = table_counts(services)
    response = client.request(method, BASE + path.replace("{oid}", str(oid)), json=sent, headers=px)
    refused(response, 404 if code == 1004 else 400, code, field)
    assert table_counts(services) == before


def test_action_id_may_come_as_text_like_paradoxs_other_codes(client: TestClient, px: dict[str, str]) -> None:
    oid = new_candidate(client, px)["OID"]
    for action, unsubscribed in (("1", True), ("0", False)):
        answer = client.put(f"{BASE}/candidates/unsubscribe", json={"OID": oid, "action_id": action}, headers=px)
        assert answer.json() == {"success": True, "OID": oid, "unsubscribed": unsubscribed}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/candidate/attributes/{oid}"),
        ("PUT", "/candidates/unsubscribe"),
        ("POST", "/candidates/send_message"),
    ],
)
def test_a_body_that_is_not_json_is_an_invalid_request_naming_the_body(
    client: TestClient, px: dict[str, str], services: Services, method: str, path: str
) -> None:
    oid = new_candidate(client, px)["OID"]
    before = table_counts(services)
    response = client.request(method, BASE + path.replace("{oid}", str(oid)), content=b'{"OID": 1,',
                              headers={**px, "Content-Type": "application/json"})  # fmt: skip
    assert refused(response, 400, 1015, "body")["message"] == "body: is not valid JSON"
    assert table_counts(services) == before


def test_another_companys_candidate_cannot_be_messaged_unsubscribed_or_changed(
    client: TestClient, px: dict[str, str], other_org: Org, services: Services
) -> None:
    theirs = new_candidate(client, other_org.headers, ex_id="THEIRS")
    before = table_counts(services)
    for method, path, body in (
        ("POST", "/candidates/send_message", {"OID": theirs["external_oid"], "message": "Hi"}),
        ("PUT", "/candidates/unsubscribe", {"OID": "THEIRS"}),
        ("PATCH", f"/candidate/attributes/{theirs['external_oid']}", {"attributes": {"a": "1"}}),
    ):
        refused(client.request(method, BASE + path, json=body, headers=px), 404, 1004)
    assert table_counts(services) == before
