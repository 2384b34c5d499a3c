"""One unit of work per request on the access page: the steps page and the direct link read in one transaction,
a step's start answers its launch URL from its own, a sign-in reads whose code it is and then records the login."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.access_page.conftest import Page, candidate, sign_in
from tests.access_page.test_steps import sessions, step_id
from tests.helpers import Org, TestClient, transactions


def test_the_steps_page_reads_the_application_its_opening_and_sessions_in_one_transaction(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task)
    sign_in(client, cand["invitationCode"])
    with transactions(services) as begun:
        page = client.get("/access/steps")
    assert page.status_code == 200
    assert Page(page.text).steps["Coding test"]["status"] == "Open"
    assert len(begun) == 1


def test_a_start_answers_its_launch_url_from_its_own_transaction(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task)
    sign_in(client, cand["invitationCode"])
    token = Page(client.get("/access/steps").text).token
    with transactions(services) as begun:
        response = client.post(
            f"/access/steps/{step_id(task, 'Coding test')}/start", data={"token": token}, follow_redirects=False
        )
    assert (response.status_code, response.headers["location"]) == (303, "https://tests.example/coding")
    assert len(begun) == 1
    assert [s["stepId"] for s in sessions(client, org, cand)] == [step_id(task, "Coding test")]


def test_the_direct_link_reads_in_one_transaction(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task)
    with transactions(services) as begun:
        page = client.get(f"/access/{cand['invitationCode']}")
    assert page.status_code == 200
    assert cand["invitationCode"] in page.text
    assert len(begun) == 1


def test_a_sign_in_reads_whose_code_it_is_then_records_the_login(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task)
    with transactions(services) as begun:
        response = sign_in(client, cand["invitationCode"])
    assert response.status_code == 303
    # The code names its organization: it is read before the candidate, scoped to it, records the login.
    assert len(begun) == 2
