"""Erasure is complete: after POST /candidates/{id}/erase no table holds the person's name, email, phone or CV."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select

from candidly.bootstrap import Services, build_worker
from candidly.storage.tables import events
from tests.helpers import Org, TestClient, make_opening

TI = "/testinvite/api/integration/rest/v1/tasks"
PERSON = {
    "firstName": "Augusta", "lastName": "Byronlace", "email": "augusta.byron@example.com",
    "phoneNumber": "+14155550123", "cv": "Analytical engine enthusiast since 1843", "gdprExpiryDate": "2031-06-30",
}  # fmt: skip
# What must be gone: the name, the email, the phone (in any of its forms) and the CV.
ERASED = ["Augusta", "Byronlace", "augusta.byron@example.com", "4155550123", "Analytical engine enthusiast"]


def _everywhere(services: Services, needles: list[str]) -> list[str]:
    """Every (table, column) of the live schema that holds one of ``needles`` (case-insensitively)."""
    schema = MetaData()
    schema.reflect(services.database.engine)
    found = []
    with services.database.engine.connect() as conn:
        for table in schema.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                    found += [f"{table.name}.{column}: {n}" for n in needles if n.casefold() in text.casefold()]
    return found


def _a_life(client: TestClient, org: Org, services: Services) -> dict[str, Any]:
    """A person known through every path that copies their data: creates with Idempotency-Key, an invitation
    email, a webhook subscriber, an update, an application. TestInvite makes a person of its own per candidate,
    so the person is two candidates here, and both are erased."""
    client.post("/api/v1/webhooks", json={"url": "https://hooks.example/in", "events": ["candidate.created",
                "candidate.updated", "application.created", "application.updated"]}, headers=org.headers)  # fmt: skip
    task = make_opening(client, org)
    made = client.post("/instaview/candidates", json=PERSON, headers={**org.headers, "Idempotency-Key": "k-1"})
    assert made.status_code == 201, made.text
    person = made.json()
    native_id = person["id"].replace("-", "")
    patched = client.patch(
        f"/api/v1/candidates/{native_id}", json={"middle_name": "Ada", "metadata": {"note": "Augusta's desk"}},
        headers=org.headers,
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    invited = client.post(
        f"{TI}/{task['id']}/candidates",
        json={"kind": "temporary-candidate", "fullname": "Augusta Byronlace", "email": PERSON["email"],
              "tracking": {"uniqId": PERSON["email"]}, "inviteByEmail": {"emailTemplateName": "invite"}},
        headers={**org.headers, "Idempotency-Key": "k-2"},
    )  # fmt: skip
    assert invited.status_code == 200, invited.text
    application = client.post("/api/v1/applications", json={"opening_id": task["id"], "candidate_id": native_id},
                              headers={**org.headers, "Idempotency-Key": "k-3"})  # fmt: skip
    assert application.status_code == 201, application.text
    build_worker(services).fan_out()
    second = client.get(f"/api/v1/applications/{invited.json()['candidateId']}", headers=org.headers).json()
    return {"ids": [native_id, second["candidate_id"]]}


def _erase(client: TestClient, org: Org, life: dict[str, Any]) -> None:
    for ident in life["ids"]:
        erased = client.post(f"/api/v1/candidates/{ident}/erase", headers=org.headers)
        assert erased.status_code == 200, erased.text


def test_after_erasure_no_table_holds_the_person(client: TestClient, org: Org, services: Services) -> None:
    life = _a_life(client, org, services)
    assert _everywhere(services, ERASED)  # the search finds what is there
    deliveries = client.get("/api/v1/deliveries", headers=org.headers).text
    assert PERSON["email"] in deliveries

    _erase(client, org, life)

    assert _everywhere(services, ERASED) == []
    assert PERSON["email"] not in client.get("/api/v1/deliveries", headers=org.headers).text
    with services.database.engine.connect() as conn:  # the trail of who did what, and when, stays
        of_person = select(events.c.type).where(events.c.candidate_id == life["ids"][0]).order_by(events.c.id)
        kinds = conn.execute(of_person).scalars().all()  # ids are time-ordered; rows come in no order without it
    assert kinds[0] == "candidate.created" and kinds[-1] == "candidate.erased"
    # A retried create no longer replays the erased record: it is a new request.
    again = client.post("/instaview/candidates", json=PERSON, headers={**org.headers, "Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json()["id"].replace("-", "") not in life["ids"]


def test_an_invitation_not_yet_sent_is_never_sent(client: TestClient, org: Org, services: Services) -> None:
    life = _a_life(client, org, services)
    _erase(client, org, life)
    emails = [d for d in client.get("/api/v1/deliveries", headers=org.headers).json()["items"] if d["kind"] == "email"]
    assert emails and all(d["status"] == "dead" for d in emails)
    assert all("erased" in d["last_error"] for d in emails)
