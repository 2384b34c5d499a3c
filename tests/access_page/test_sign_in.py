"""Signing in by code, direct link and credentials: steps as they apply now, loggedIn, refusals that change nothing."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from tests.access_page.conftest import TI, Page, candidate, make_task, read_candidate, sign_in
from tests.helpers import FakeClock, Org, TestClient, table_counts


def test_a_valid_code_lists_every_step_with_what_it_allows_now(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    cand = candidate(client, org, task, fullname="Ada Lovelace")
    # Typed the way people type: lower case, spaces for dashes, O for zero.
    typed = cand["invitationCode"].lower().replace("-", " ").replace("0", "o")
    response = sign_in(client, typed)
    assert (response.status_code, response.headers["location"]) == (303, "/access/steps")
    page = Page(client.get("/access/steps").text)
    assert page.h1 == "Backend assessment"
    assert page.steps == {
        "Coding test": {"status": "Open", "attempts": "1 attempt left", "note": "", "start": True},
        "Personality": {"status": "Not open yet: opens on 2026-01-25 09:00 UTC", "attempts": "Unlimited attempts",
                        "note": "", "start": False},
        "Video interview": {"status": "Closed", "attempts": "", "note": "", "start": False},
        "Old quiz": {"status": "Closed on 2026-01-14 09:00 UTC", "attempts": "", "note": "", "start": False},
    }  # fmt: skip


def test_programs_and_the_candidates_overrides_decide_what_they_see(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    s1 = task["steps"][0]["id"]
    cand = candidate(
        client, org, task, programIds=[task["programs"][0]["id"]],
        customizedSteps=[{"stepId": s1, "customization": {"activeAfter": 1769158800}}],  # 2026-01-23 09:00 UTC
    )  # fmt: skip
    sign_in(client, cand["invitationCode"])
    assert Page(client.get("/access/steps").text).steps == {
        "Coding test": {"status": "Not open yet: opens on 2026-01-23 09:00 UTC", "attempts": "1 attempt left",
                        "note": "", "start": False},
    }  # fmt: skip
    change = {"dates": {"isDefault": True}, "limit": {"isDefault": False, "value": 3}}
    response = client.patch(
        f"{TI}/{task['id']}/candidates/{cand['candidateId']}", json={"steps": {s1: change}}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    step = Page(client.get("/access/steps").text).steps["Coding test"]
    assert (step["status"], step["attempts"], step["start"]) == ("Open", "3 attempts left", True)


def test_signing_in_sets_logged_in_once_and_testinvite_then_refuses_to_delete(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    cand = candidate(client, org, task)
    assert read_candidate(client, org, task, cand)["loggedIn"] is False
    assert sign_in(client, cand["invitationCode"]).status_code == 303
    assert sign_in(client, cand["invitationCode"]).status_code == 303  # coming back is no new change
    assert read_candidate(client, org, task, cand)["loggedIn"] is True
    native = client.get(f"/api/v1/applications/{cand['candidateId']}", headers=org.headers).json()
    assert native["logged_in"] is True
    events = client.get(f"/api/v1/candidates/{native['candidate_id']}/events", headers=org.headers).json()
    logins = [e for e in events if e["type"] == "application.updated"]
    assert len(logins) == 1
    assert logins[0]["changes"] == {"logged_in": [False, True]}
    assert (logins[0]["actor"]["surface"], logins[0]["actor"]["type"]) == ("access", "candidate")
    deleted = client.delete(f"{TI}/{task['id']}/candidates/{cand['candidateId']}", headers=org.headers)
    assert deleted.status_code == 403


def test_the_direct_link_shows_a_welcome_and_changes_nothing_until_the_candidate_continues(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task)
    link = cand["directAccessUrl"]
    assert link == f"https://candidly.test/access/{cand['invitationCode']}"
    before = table_counts(services)
    page = Page(client.get(link.removeprefix("https://candidly.test")).text)
    assert (page.h1, page.buttons, page.forms) == ("Welcome", ["Continue"], ["/access/"])
    assert table_counts(services) == before
    assert read_candidate(client, org, task, cand)["loggedIn"] is False
    assert sign_in(client, cand["invitationCode"]).status_code == 303
    # Signed in, the link leads straight to the steps.
    again = client.get(link.removeprefix("https://candidly.test"), follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/access/steps")


def test_an_inactive_candidate_is_told_so_and_nothing_changes(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    cand = candidate(client, org, task)
    client.patch(
        f"{TI}/{task['id']}/candidates/{cand['candidateId']}", json={"fields": {"active": False}}, headers=org.headers
    )
    before = table_counts(services)
    response = sign_in(client, cand["invitationCode"])
    assert response.status_code == 403
    assert Page(response.text).alert == "Your access is not active. Please contact the organizer."
    assert "set-cookie" not in response.headers
    assert table_counts(services) == before
    assert read_candidate(client, org, task, cand)["loggedIn"] is False


def test_outside_the_login_window_the_candidate_learns_when_it_opens_or_closed(
    client: TestClient, org: Org, task: dict[str, Any], clock: FakeClock, services: Services
) -> None:
    later = candidate(client, org, task, dates={"after": 1769504400})  # 2026-01-27 09:00 UTC
    over = candidate(client, org, task, dates={"before": 1768381200})  # 2026-01-14 09:00 UTC
    before = table_counts(services)
    early = client.get(f"/access/{later['invitationCode']}")
    assert early.status_code == 403
    assert Page(early.text).alert == "Your access opens on 2026-01-27 09:00 UTC. Please come back then."
    late = sign_in(client, over["invitationCode"])
    assert (late.status_code, Page(late.text).alert) == (403, "Your access closed on 2026-01-14 09:00 UTC.")
    assert table_counts(services) == before
    clock.set(clock.now().replace(day=28))
    assert sign_in(client, later["invitationCode"]).status_code == 303


def test_a_wrong_code_is_refused_and_changes_nothing(client: TestClient, org: Org, services: Services) -> None:
    before = table_counts(services)
    response = sign_in(client, "ZZZZ-ZZZZ-ZZZZ")
    page = Page(response.text)
    assert response.status_code == 403
    assert page.alert == "This invitation code is not valid. Check it and try again."
    assert page.title.startswith("Error: ")
    assert "set-cookie" not in response.headers
    unknown_link = client.get("/access/ZZZZ-ZZZZ-ZZZY")
    assert unknown_link.status_code == 404
    assert Page(unknown_link.text).alert.startswith("This access link is not valid.")
    assert sign_in(client, "  ").status_code == 400
    assert sign_in(client, "Z" * 5000).status_code == 403
    assert table_counts(services) == before


def test_credentials_sign_in_on_the_openings_page_one_or_two_as_the_task_asks(
    client: TestClient, org: Org, clock: FakeClock
) -> None:
    double = make_task(client, org, clock.now(), name="Two", settings={"access_method": "double-credential"})
    single = make_task(client, org, clock.now(), name="One", settings={"access_method": "single-credential"})
    ada = candidate(client, org, double, credential1="ada", credential2="s3cret")
    bob = candidate(client, org, single, credential1="bob", credential2="ignored")
    form = client.get(f"/access/login/{double['id']}").text
    assert ('name="credential2"' in form, Page(form).h1) == (True, "Sign in to Two")
    assert 'name="credential2"' not in client.get(f"/access/login/{single['id']}").text
    url = f"/access/login/{double['id']}"
    wrong = client.post(url, data={"credential1": "ada", "credential2": "nope"}, follow_redirects=False)
    assert (wrong.status_code, Page(wrong.text).alert) == (
        403,
        "These credentials are not valid. Check them and try again.",
    )
    half = client.post(url, data={"credential1": "ada"}, follow_redirects=False)
    assert (half.status_code, Page(half.text).alert) == (400, "Enter your credentials.")
    assert read_candidate(client, org, double, ada)["loggedIn"] is False
    right = client.post(url, data={"credential1": "ada", "credential2": "s3cret"}, follow_redirects=False)
    assert (right.status_code, right.headers["location"]) == (303, "/access/steps")
    assert Page(client.get("/access/steps").text).h1 == "Two"
    assert read_candidate(client, org, double, ada)["loggedIn"] is True
    one = client.post(f"/access/login/{single['id']}", data={"credential1": "bob"}, follow_redirects=False)
    assert one.status_code == 303
    assert read_candidate(client, org, single, bob)["loggedIn"] is True
    # Another task's candidates cannot sign in here, and an unknown task has no page.
    other = client.post(f"/access/login/{single['id']}", data={"credential1": "ada"}, follow_redirects=False)
    assert other.status_code == 403
    assert client.get("/access/login/0123456789abcdef0123456789abcdef").status_code == 404


def test_without_an_access_method_a_candidates_second_credential_must_match(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    candidate(client, org, task, credential1="cy", credential2="pw")
    candidate(client, org, task, credential1="di")
    url = f"/access/login/{task['id']}"
    assert client.post(url, data={"credential1": "cy"}, follow_redirects=False).status_code == 403
    assert client.post(url, data={"credential1": "cy", "credential2": "pw"}, follow_redirects=False).status_code == 303
    assert client.post(url, data={"credential1": "di"}, follow_redirects=False).status_code == 303
