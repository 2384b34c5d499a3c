"""GDPR: once a candidate's gdprExpiryDate passes, the worker erases their personal data and keeps a tombstone."""

from __future__ import annotations

from sqlalchemy import select

from candidly.bootstrap import Services, build_worker
from candidly.storage.tables import applications, candidates, events
from tests.api.instaview.conftest import native
from tests.helpers import FakeClock, Org, TestClient


def test_an_expired_candidate_is_erased_with_a_tombstone_and_the_others_are_kept(
    client: TestClient, org: Org, services: Services, clock: FakeClock
) -> None:
    body = {"lastName": "Doe", "email": "jane@example.com", "phoneNumber": "+421901234567", "cv": "Jane Doe, engineer"}
    soon = client.post(
        "/instaview/candidates", json={**body, "firstName": "Jane", "gdprExpiryDate": "2026-01-20"}, headers=org.headers
    )
    later = client.post(
        "/instaview/candidates", json={**body, "firstName": "Kept", "gdprExpiryDate": "2027-01-01"}, headers=org.headers
    )
    assert soon.status_code == later.status_code == 201
    worker = build_worker(services)
    worker.housekeep()
    assert client.get(f"/api/v1/candidates/{native(soon.json()['id'])}", headers=org.headers).status_code == 200
    clock.advance(days=6)
    worker.housekeep()
    assert client.get(f"/api/v1/candidates/{native(soon.json()['id'])}", headers=org.headers).status_code == 404
    assert (
        client.get(f"/api/v1/candidates/{native(later.json()['id'])}", headers=org.headers).json()["first_name"]
        == "Kept"
    )
    with services.database.engine.connect() as conn:
        tomb = conn.execute(select(candidates).where(candidates.c.id == native(soon.json()["id"]))).mappings().one()
        kinds = [
            r.type
            for r in conn.execute(select(events.c.type).where(events.c.candidate_id == native(soon.json()["id"])))
        ]
    assert tomb["erased_at"] is not None
    assert (tomb["first_name"], tomb["email"], tomb["phone"], tomb["cv"], tomb["metadata"]) == (
        None,
        None,
        None,
        None,
        {},
    )
    assert kinds[0] == "candidate.created" and kinds[-1] == "candidate.erased"
    with services.database.engine.connect() as conn:
        assert (
            conn.execute(select(applications).where(applications.c.candidate_id == native(soon.json()["id"]))).first()
            is None
        )


def test_the_native_api_exports_and_erases_on_request(client: TestClient, org: Org, services: Services) -> None:
    person = client.post(
        "/api/v1/candidates", json={"first_name": "Ada", "email": "ada@example.com"}, headers=org.headers
    ).json()
    opening = client.post("/api/v1/openings", json={"kind": "job", "name": "Engineer"}, headers=org.headers).json()
    client.post(
        "/api/v1/applications", json={"opening_id": opening["id"], "candidate_id": person["id"]}, headers=org.headers
    )
    exported = client.get(f"/api/v1/candidates/{person['id']}/export", headers=org.headers).json()
    assert exported["candidate"]["email"] == "ada@example.com"
    assert [a["opening_id"] for a in exported["applications"]] == [opening["id"]]
    assert [e["type"] for e in exported["events"]][:2] == ["candidate.created", "application.created"]
    erased = client.post(f"/api/v1/candidates/{person['id']}/erase", headers=org.headers)
    assert erased.status_code == 200 and erased.json()["email"] is None and erased.json()["erased_at"]
    assert client.get(f"/api/v1/candidates/{person['id']}", headers=org.headers).status_code == 404
    assert client.post(f"/api/v1/candidates/{person['id']}/erase", headers=org.headers).status_code == 404
