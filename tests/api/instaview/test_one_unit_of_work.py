"""One unit of work per InstaView request: a get or a list is one read transaction, a create or an update one write.

A refused write still names another company's job first: test_isolation_and_keys.py.
"""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.api.instaview.conftest import BASE, new_candidate
from tests.helpers import Org, TestClient, transactions


def interviewed(client: TestClient, org: Org, job: dict[str, Any]) -> dict[str, Any]:
    """A candidate assigned to ``job`` with one interview started."""
    person = new_candidate(client, org, jobIds=[job["id"]])
    started = client.post(f"{BASE}/interviews", json={"candidateId": person["id"], "questions": ["Why?"]},
                          headers=org.headers)  # fmt: skip
    assert started.status_code == 201, started.text
    return person


def test_a_candidate_is_read_with_its_jobs_and_interviews_in_one_transaction(
    client: TestClient, org: Org, job: dict[str, Any], services: Services
) -> None:
    person = interviewed(client, org, job)
    with transactions(services) as begun:
        response = client.get(f"{BASE}/candidates/{person['id']}", headers=org.headers)
    assert response.status_code == 200
    found = response.json()
    assert (found["jobIds"], found["interviewCount"], found["analysisCount"]) == ([job["id"]], 1, 0)
    assert len(begun) == 1


def test_a_page_of_candidates_is_read_with_its_total_in_one_transaction(
    client: TestClient, org: Org, job: dict[str, Any], services: Services
) -> None:
    for _ in range(3):
        interviewed(client, org, job)
    new_candidate(client, org)  # in no job: not listed
    with transactions(services) as begun:
        response = client.get(f"{BASE}/candidates?limit=2&status=APPLIED&jobId={job['id']}", headers=org.headers)
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["totalPages"], len(page["data"])) == (3, 2, 2)
    assert [p["interviewCount"] for p in page["data"]] == [1, 1]
    assert len(begun) == 1


def test_a_create_and_an_update_answer_from_their_own_transaction(
    client: TestClient, org: Org, job: dict[str, Any], services: Services
) -> None:
    new_candidate(client, org)  # the key is cached now: authentication reads nothing
    body = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "gdprExpiryDate": "2031-01-01",
            "jobIds": [job["id"]]}  # fmt: skip
    with transactions(services) as begun:
        created = client.post(f"{BASE}/candidates", json=body, headers=org.headers)
    assert created.status_code == 201
    assert (created.json()["jobIds"], len(begun)) == ([job["id"]], 1)

    change = {"firstName": "Augusta", "status": "IN_PROCESS", "metadata": {"stage": "screen"}}
    with transactions(services) as begun:
        updated = client.patch(f"{BASE}/candidates/{created.json()['id']}", json=change, headers=org.headers)
    assert updated.status_code == 200
    assert (updated.json()["firstName"], updated.json()["jobIds"], len(begun)) == ("Augusta", [job["id"]], 1)


def test_an_email_cleared_while_a_phone_is_sent_is_kept(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org)  # clearing the last contact is refused: test_candidates.py
    change = {"email": None, "phoneNumber": "+421900123456"}
    kept = client.patch(f"{BASE}/candidates/{person['id']}", json=change, headers=org.headers)
    assert (kept.status_code, kept.json()["email"], kept.json()["phoneNumber"]) == (200, None, "+421900123456")
