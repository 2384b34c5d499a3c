"""Starting steps from the access page, and the signed cookie and form token that guard it."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.access_page.conftest import TI, Page, candidate, sign_in
from tests.helpers import FakeClock, Org, TestClient, table_counts


@pytest.fixture
def signed_in(client: TestClient, org: Org, task: dict[str, Any]) -> dict[str, Any]:
    cand = candidate(client, org, task)
    assert sign_in(client, cand["invitationCode"]).status_code == 303
    return cand


def step_id(task: dict[str, Any], name: str) -> str:
    return str(next(s["id"] for s in task["steps"] if s["name"] == name))


def start(client: TestClient, task: dict[str, Any], name: str, token: str | None = None, **headers: str) -> Any:
    if token is None:
        token = Page(client.get("/access/steps").text).token
    return client.post(
        f"/access/steps/{step_id(task, name)}/start", data={"token": token}, headers=headers, follow_redirects=False
    )


def sessions(client: TestClient, org: Org, cand: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidate's test instances, read through TestInvite."""
    response = client.get(
        f"{TI}/{cand['taskId']}/test-instances", params={"candidateId": cand["candidateId"]}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return list(response.json()["testInstances"])


def test_starting_an_open_step_starts_a_session_and_sends_the_candidate_to_its_launch_url(
    client: TestClient, org: Org, task: dict[str, Any], signed_in: dict[str, Any]
) -> None:
    response = start(client, task, "Coding test")
    assert (response.status_code, response.headers["location"]) == (303, "https://tests.example/coding")
    started = sessions(client, org, signed_in)
    assert [(s["stepId"], s["status"]) for s in started] == [(step_id(task, "Coding test"), "STARTED")]


def test_a_step_at_its_attempt_limit_cannot_be_started(
    client: TestClient, org: Org, task: dict[str, Any], signed_in: dict[str, Any], services: Services
) -> None:
    assert start(client, task, "Coding test").status_code == 303
    page = Page(client.get("/access/steps").text)
    assert page.steps["Coding test"] == {"status": "No attempts left", "attempts": "", "note": "", "start": False}
    before = table_counts(services)
    again = start(client, task, "Coding test", token=page.token)
    assert (again.status_code, Page(again.text).alert) == (409, "This step cannot be started now.")
    assert table_counts(services) == before
    assert len(sessions(client, org, signed_in)) == 1


@pytest.mark.parametrize("name", ["Personality", "Video interview", "Old quiz"])
def test_a_step_that_is_not_open_cannot_be_started(
    client: TestClient, task: dict[str, Any], signed_in: dict[str, Any], services: Services, name: str
) -> None:
    before = table_counts(services)
    assert start(client, task, name).status_code == 409
    assert table_counts(services) == before


def test_a_step_outside_the_candidates_programs_cannot_be_started(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task, programIds=[task["programs"][0]["id"]])
    sign_in(client, cand["invitationCode"])
    unlimited = client.patch(f"/api/v1/openings/{task['id']}", json={"steps": {step_id(task, "Personality"): {
        "active_after": None}}}, headers=org.headers)  # fmt: skip
    assert unlimited.status_code == 200, unlimited.text
    before = table_counts(services)
    assert start(client, task, "Personality").status_code == 409
    assert table_counts(services) == before


def test_a_step_without_a_launch_url_is_open_but_not_startable_here(
    client: TestClient, org: Org, task: dict[str, Any], signed_in: dict[str, Any], services: Services
) -> None:
    patched = client.patch(f"/api/v1/openings/{task['id']}", json={"steps": {step_id(task, "Coding test"): {
        "launch_url": None}}}, headers=org.headers)  # fmt: skip
    assert patched.status_code == 200, patched.text
    step = Page(client.get("/access/steps").text).steps["Coding test"]
    assert (step["status"], step["note"], step["start"]) == ("Open", "This step cannot be started here.", False)
    before = table_counts(services)
    assert start(client, task, "Coding test").status_code == 409  # a hand-made post: the start rolls back
    assert table_counts(services) == before


def test_a_start_without_the_pages_form_token_or_from_another_site_is_refused(
    client: TestClient, task: dict[str, Any], signed_in: dict[str, Any], services: Services
) -> None:
    before = table_counts(services)
    forged = start(client, task, "Coding test", token="forged")
    assert (forged.status_code, Page(forged.text).alert) == (403, "This form has expired. Please try again.")
    assert start(client, task, "Coding test", origin="https://evil.example").status_code == 403
    assert start(client, task, "Coding test", origin="null").status_code == 403
    assert table_counts(services) == before
    # The page's own origin, as the browser sends it, is fine.
    assert start(client, task, "Coding test", origin="http://testserver").status_code == 303


def test_the_cookie_is_signed_http_only_strict_and_expires(
    client: TestClient, org: Org, task: dict[str, Any], clock: FakeClock
) -> None:
    cand = candidate(client, org, task)
    response = sign_in(client, cand["invitationCode"])
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/access" in cookie
    value = client.cookies["candidly_access"]
    client.cookies.set("candidly_access", value[:-1] + ("0" if value[-1] != "0" else "1"), path="/access")
    tampered = client.get("/access/steps")
    assert Page(tampered.text).alert == "Your session has ended. Please sign in again."
    client.cookies.clear()
    assert client.get("/access/steps", follow_redirects=False).headers["location"] == "/access/"
    sign_in(client, cand["invitationCode"])
    clock.advance(hours=4, seconds=1)
    assert Page(client.get("/access/steps").text).alert == "Your session has ended. Please sign in again."


def test_a_candidate_made_inactive_while_signed_in_is_shown_the_message_not_the_steps(
    client: TestClient, org: Org, task: dict[str, Any], signed_in: dict[str, Any], services: Services
) -> None:
    client.patch(f"{TI}/{task['id']}/candidates/{signed_in['candidateId']}", json={"fields": {"active": False}},
                 headers=org.headers)  # fmt: skip
    page = client.get("/access/steps")
    assert (page.status_code, Page(page.text).steps) == (403, {})
    assert Page(page.text).alert == "Your access is not active. Please contact the organizer."
    # The message signed them out: a start now only leads back to the sign-in page.
    before = table_counts(services)
    refused = start(client, task, "Coding test", token="x")
    assert (refused.status_code, refused.headers["location"]) == (303, "/access/")
    assert table_counts(services) == before


def test_signing_out_drops_the_cookie(client: TestClient, task: dict[str, Any], signed_in: dict[str, Any]) -> None:
    token = Page(client.get("/access/steps").text).token
    assert client.post("/access/sign-out", data={"token": "forged"}).status_code == 403
    out = client.post("/access/sign-out", data={"token": token}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/access/")
    assert client.get("/access/steps", follow_redirects=False).status_code == 303
