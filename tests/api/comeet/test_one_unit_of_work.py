"""One unit of work per Comeet request: a read opens one transaction, a create's answer comes from its own, and a
cached key (plain, JWT or a signed link's) is checked without the database."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.comeet.conftest import PDF, b64, comeet_jwt, create, new_candidate
from tests.api.comeet.test_files_and_salary import fetch
from tests.helpers import FakeClock, Org, TestClient, transactions


def test_a_candidate_is_read_whole_in_one_transaction(
    client: TestClient, org: Org, services: Services, position: dict[str, Any]
) -> None:
    created = create(client, org, new_candidate(position, resume={"name": "cv.pdf", "file": b64(PDF)}))
    with transactions(services) as begun:
        one = client.get(f"/comeet/candidates/{created['uid']}", headers=org.headers)
        listed = client.get("/comeet/candidates", headers=org.headers)
    assert one.status_code == 200 and listed.status_code == 200
    # The person, the position's steps and the files come from the same transaction as the process.
    assert one.json()["resume"]["name"] == "cv.pdf" and one.json()["current_steps"]
    assert [c["uid"] for c in listed.json()["candidates"]] == [created["uid"]]
    assert len(begun) == 2  # one per request: the positions and their candidates are read together


def test_a_create_answers_from_its_own_transaction(
    client: TestClient, org: Org, services: Services, position: dict[str, Any]
) -> None:
    create(client, org, new_candidate(position))  # the key is cached now: authentication reads nothing
    with transactions(services) as begun:
        response = client.post("/comeet/candidates", json=new_candidate(position, partner_candidate_id="p-2",
                                                                         email="grace@example.com"), headers=org.headers)  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["position_uid"] == position["id"] and response.json()["current_steps"]
    # One read of what the command is built from (the position's custom fields, the partner id's processes),
    # one write whose answer is read inside it: no third transaction to re-read the new candidate.
    assert len(begun) == 2


def test_a_cached_keys_jwt_and_signed_links_need_no_lookup(
    client: TestClient, org: Org, services: Services, clock: FakeClock, position: dict[str, Any]
) -> None:
    created = create(client, org, new_candidate(position, resume={"name": "cv.pdf", "file": b64(PDF)}))
    assert client.get(f"/comeet/positions/{position['id']}", headers=comeet_jwt(org, clock)).status_code == 200
    with transactions(services) as begun:
        position_read = client.get(f"/comeet/positions/{position['id']}", headers=comeet_jwt(org, clock))
        served = fetch(client, created["resume"]["url"])
    assert position_read.status_code == 200 and position_read.json()["uid"] == position["id"]
    assert served.status_code == 200 and served.content == PDF
    assert len(begun) == 2  # each request's own read; the key behind the token and the link is remembered
