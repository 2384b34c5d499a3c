"""One unit of work per request: a Paradox read opens one transaction, a create answers from its own, and a
cached key (plain, access token or Basic) is answered without reading the database."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.paradox.conftest import BASE, basic, new_candidate
from tests.helpers import Org, TestClient, transactions


def test_a_candidate_is_read_with_its_notes_and_messages_in_one_transaction(
    client: TestClient, px: dict[str, str], services: Services
) -> None:
    made = new_candidate(client, px, note="Called back")
    sent = {"OID": made["OID"], "message": "See you on Monday"}
    assert client.post(f"{BASE}/candidates/send_message", json=sent, headers=px).status_code == 200
    with transactions(services) as begun:
        response = client.get(f"{BASE}/candidates/{made['OID']}", params={"conversation": "true"}, headers=px)
    assert response.status_code == 200
    body = response.json()
    assert body["candidate"]["note"] == "Called back"
    assert [m["answer_text"] for m in body["conversation"]] == ["See you on Monday"]
    assert len(begun) == 1


def test_a_list_reads_its_page_and_count_in_one_transaction(
    client: TestClient, px: dict[str, str], services: Services
) -> None:
    for n in range(3):
        new_candidate(client, px, email=f"c{n}@example.com", ex_id=f"EX-{n}")
    with transactions(services) as begun:
        response = client.get(f"{BASE}/candidates", params={"limit": 2, "note": "true"}, headers=px)
    assert response.status_code == 200
    assert (response.json()["count"], len(response.json()["candidates"])) == (3, 2)
    assert len(begun) == 1


def test_a_create_answers_from_its_own_transaction(client: TestClient, px: dict[str, str], services: Services) -> None:
    new_candidate(client, px)  # the key is cached now: authentication reads nothing
    payload: dict[str, Any] = {"name": "Ada Lovelace", "email": "ada@example.com", "note": "Referred"}
    with transactions(services) as begun:
        response = client.post(f"{BASE}/candidates", json=payload, headers=px)
    assert response.status_code == 200, response.text
    assert response.json()["candidate"]["note"] == "Referred"  # read inside the command's transaction
    assert len(begun) == 1


def test_a_cached_key_is_answered_without_the_database_by_every_scheme(
    client: TestClient, org: Org, px: dict[str, str], services: Services
) -> None:
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    for headers in (px, basic(org), org.headers):
        assert client.get(f"{BASE}/candidates", headers=headers).status_code == 200  # cached from here on
    with transactions(services) as begun:
        assert client.post(f"{BASE}/auth/token", data=form).status_code == 200
        for headers in (px, basic(org), org.headers):
            assert client.get(f"{BASE}/candidates/404", headers=headers).status_code == 404
    assert len(begun) == 3  # one read per lookup of a candidate, none for a key or the token
