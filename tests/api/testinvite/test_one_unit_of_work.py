"""One unit of work per TestInvite request: a create answers from its own transaction, a get reads in one."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.testinvite.conftest import BASE, case, ids_of
from tests.helpers import Org, TestClient, statements, transactions


def warm(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    """A request just before the counted one, so the key is cached and authentication reads nothing."""
    assert client.get(f"{BASE}/{task['id']}", headers=org.headers).status_code == 200


def test_a_create_with_every_common_property_is_one_transaction(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    body = case("create_temporary", ids_of(task))["request"]
    warm(client, org, task)
    with transactions(services) as begun, statements(services) as sent:
        response = client.post(f"{BASE}/{task['id']}/candidates", json=body, headers=org.headers)
    assert response.status_code == 200, response.text
    created = response.json()
    # The answer names the application's person, as the create's own transaction wrote it: not read back.
    assert (created["fullname"], created["email"]) == ("Ada Lovelace", "ada@example.com")
    assert len(begun) == 1
    assert [s for s in sent if s.startswith("SELECT") and "FROM candidates" in s] == []
    fetched = client.get(f"{BASE}/{task['id']}/candidates/{created['candidateId']}", headers=org.headers)
    assert fetched.json() == created


def test_a_get_reads_task_candidate_and_person_in_one_transaction(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    body = {"kind": "temporary-candidate", "fullname": "Grace Hopper", "group": "navy"}
    created = client.post(f"{BASE}/{task['id']}/candidates", json=body, headers=org.headers).json()
    warm(client, org, task)
    with transactions(services) as begun:
        response = client.get(
            f"{BASE}/{task['id']}/candidates/{created['candidateId']}?mode=detailed", headers=org.headers
        )
    assert response.status_code == 200
    assert (response.json()["fullname"], response.json()["group"]) == ("Grace Hopper", "navy")
    assert len(begun) == 1
