"""One unit of work per request: a native read opens one transaction, a create's answer comes from its own."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.domain import commands as c
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.service.caller import Caller
from candidly.service.reader import Reader
from tests.helpers import Org, TestClient, make_opening, table_counts, transactions


def new_application(client: TestClient, org: Org) -> dict[str, Any]:
    opening = make_opening(client, org)
    body = {"opening_id": opening["id"], "candidate": {"first_name": "Ada", "email": "ada@example.com"}}
    response = client.post("/api/v1/applications", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_application_is_read_with_its_opening_in_one_transaction(
    client: TestClient, org: Org, services: Services
) -> None:
    created = new_application(client, org)
    with transactions(services) as begun:
        response = client.get(f"/api/v1/applications/{created['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json() == created  # the effective steps come from the opening, read in the same transaction
    assert len(begun) == 1


def test_a_create_answers_from_its_own_transaction(client: TestClient, org: Org, services: Services) -> None:
    new_application(client, org)  # the key is cached now: authentication reads nothing
    opening = make_opening(client, org)
    body = {"opening_id": opening["id"], "candidate": {"first_name": "Grace"}}
    with transactions(services) as begun:
        response = client.post("/api/v1/applications", json=body, headers=org.headers)
    assert response.status_code == 201
    assert [s["name"] for s in response.json()["steps"]] == ["Coding test", "Personality"]
    assert len(begun) == 1


def test_an_answer_that_fails_rolls_the_change_back(client: TestClient, org: Org, services: Services) -> None:
    principal = Principal(key_id=org.key_id, organization_ids=(org.id,), scopes=ALL_SCOPES)
    who = Caller(principal, org.id, Actor(principal, "native"), services.backend)
    before = table_counts(services)

    def answer(r: Reader, person: Any) -> None:
        assert r.candidate(person.id).first_name == "Lin"  # the answer sees the command's own write
        raise LookupError("the answer could not be rendered")

    with pytest.raises(LookupError):
        asyncio.run(who.execute(c.CreateCandidate({"first_name": "Lin"}, ()), answer=answer))
    assert table_counts(services) == before
