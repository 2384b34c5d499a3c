"""Testing a TestInvite integration: invite a candidate by email, read the invitation, wait for their window."""

from typing import Any

import httpx
import pytest

from candidly.testing import Clock, Outbox


@pytest.mark.candidly_scenario("assessment.yaml")
def test_an_invited_candidate_gets_the_email_and_may_start_once_their_window_opens(
    candidly_scenario: dict[str, Any], candidly_clock: Clock, candidly_outbox: Outbox
) -> None:
    acme = candidly_scenario["organizations"]["acme"]
    task = acme["openings"]["backend"]
    testinvite = acme["credentials"]["testinvite"]  # what TestInvite's client is configured with
    candidates = f"{testinvite['base_url']}/api/integration/rest/v1/tasks/{task['id']}/candidates"
    auth = {"Authorization": f"Bearer {testinvite['api_key']}"}

    created = httpx.post(candidates, headers=auth, json={
        "kind": "temporary-candidate", "fullname": "Ada Lovelace", "email": "ada@example.com",
        "inviteByEmail": {"emailTemplateName": "invite"},
    }).json()  # fmt: skip

    [email] = candidly_outbox.emails(to="ada@example.com")  # no SMTP server: the outbox captured it
    assert email.subject == "Your Backend assessment invitation"
    assert created["directAccessUrl"] in email.body

    # The candidate may come in from tomorrow on; until then their first step cannot start.
    tomorrow = int(candidly_clock.now().timestamp()) + 24 * 3600
    changed = httpx.patch(f"{candidates}/{created['candidateId']}", headers=auth,
                          json={"fields": {"activeAfter": tomorrow}})  # fmt: skip
    assert changed.status_code == 200, changed.text
    sessions = f"{acme['credentials']['native']['base_url']}/applications/{created['candidateId']}/sessions"
    start = {"step_id": task["steps"]["coding"]}
    assert httpx.post(sessions, headers=auth, json=start).status_code == 409

    candidly_clock.advance(hours=25)
    assert httpx.post(sessions, headers=auth, json=start).status_code == 201
