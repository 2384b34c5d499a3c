"""Test mode through the plugin: signed webhooks and retries in the captured outbox, scheduled mail, the endpoints' rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from candidly.testing import Candidly, CandidlyOrg, Clock, Outbox

HOOK = "https://hooks.example.com/candidly"
OPENING = {
    "kind": "task", "name": "Backend assessment", "steps": [{"key": "s1", "name": "Coding test"}],
    "email_templates": [{"name": "invite", "subject": "Hi {{ candidate.fullname }}", "body": "{{ invitation_code }}"}],
}  # fmt: skip


def native(org: CandidlyOrg, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{org.base_url}/api/v1{path}", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_webhook_is_captured_with_signature_headers_that_verify(
    candidly_org: CandidlyOrg, candidly_outbox: Outbox
) -> None:
    secret = native(candidly_org, "/webhooks", {"url": HOOK, "events": ["candidate.created"]})["secret"]
    person = native(candidly_org, "/candidates", {"first_name": "Ada", "email": "ada@example.com"})
    [hook] = candidly_outbox.webhooks(to=HOOK)
    assert hook.organization_id == candidly_org.id
    assert hook.json()["data"]["id"] == person["id"]
    # What a receiver does with the headers: verify them with the subscription's secret (raises if wrong).
    Webhook(secret).verify(hook.body, dict(hook.headers))
    assert hook.headers["webhook-id"] == hook.delivery_id


def test_a_refused_webhook_is_retried_when_the_clock_reaches_its_backoff(
    candidly_org: CandidlyOrg, candidly_outbox: Outbox, candidly_clock: Clock
) -> None:
    native(candidly_org, "/webhooks", {"url": HOOK, "events": ["candidate.created"]})
    candidly_outbox.refuse(HOOK, status=503, times=1)
    native(candidly_org, "/candidates", {"first_name": "Ada"})
    assert candidly_outbox.webhooks() == []  # the first attempt met the 503
    candidly_clock.advance(minutes=5)  # past the first backoff (10 s, with jitter)
    [hook] = candidly_outbox.webhooks()
    log = httpx.get(f"{candidly_org.base_url}/api/v1/deliveries/{hook.delivery_id}", headers=candidly_org.headers)
    assert [a["outcome"] for a in log.json()["attempt_log"]] == ["failed", "delivered"]


def test_a_scheduled_invitation_is_captured_only_once_the_clock_reaches_it(
    candidly_org: CandidlyOrg, candidly_outbox: Outbox, candidly_clock: Clock
) -> None:
    task = native(candidly_org, "/openings", OPENING)
    send_at = int((candidly_clock.now() + timedelta(hours=6)).timestamp())
    created = httpx.post(
        f"{candidly_org.testinvite.base_url}/api/integration/rest/v1/tasks/{task['id']}/candidates",
        json={"kind": "temporary-candidate", "fullname": "Ada Lovelace", "email": "ada@example.com",
              "inviteByEmail": {"emailTemplateName": "invite", "dateToSend": send_at}},
        headers=candidly_org.headers,
    ).json()  # fmt: skip
    candidly_clock.advance(hours=5)
    assert candidly_outbox.emails() == []
    candidly_clock.advance(hours=2)
    [email] = candidly_outbox.emails()
    assert (email.to, email.subject, email.body) == ("ada@example.com", "Hi Ada Lovelace", created["invitationCode"])


def test_the_clock_can_be_set_and_goes_back_to_the_wall_clock_after_the_test(
    candidly: Candidly, candidly_clock: Clock
) -> None:
    assert candidly_clock.set(datetime(2031, 3, 1, tzinfo=UTC)).year == 2031
    assert candidly_clock.now().year == 2031
    assert abs(candidly_clock.reset() - datetime.now(UTC)) < timedelta(minutes=5)


def test_only_the_operator_may_use_the_test_endpoints(candidly: Candidly, candidly_org: CandidlyOrg) -> None:
    assert httpx.get(f"{candidly.base_url}/_candidly/clock").status_code == 401
    response = httpx.post(f"{candidly.base_url}/_candidly/clock", json={"reset": True}, headers=candidly_org.headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_a_clock_move_must_say_exactly_one_thing(candidly: Candidly) -> None:
    before = candidly.clock.now()
    response = candidly.client.post("/_candidly/clock", json={"advance": {"hours": 1}, "reset": True})
    assert response.status_code == 422
    assert "exactly one of advance, set or reset" in response.json()["detail"]
    typo = candidly.client.post("/_candidly/clock", json={"advance": {"hourz": 1}})
    assert (typo.status_code, typo.json()["field"]) == (422, "advance.hourz")
    assert candidly.clock.now() - before < timedelta(minutes=5)  # nothing moved


def test_what_an_earlier_test_caused_is_not_in_the_next_tests_outbox(candidly: Candidly) -> None:
    earlier = candidly.new_org("Earlier test")
    native(earlier, "/webhooks", {"url": HOOK, "events": ["candidate.created"]})
    native(earlier, "/candidates", {"first_name": "Ada"})  # caused, never read
    candidly.outbox.clear()  # what the candidly_outbox fixture does before each test
    later = candidly.new_org("Later test")
    native(later, "/webhooks", {"url": HOOK, "events": ["candidate.created"]})
    native(later, "/candidates", {"first_name": "Bob"})
    assert [m.organization_id for m in candidly.outbox.webhooks()] == [later.id]
    assert candidly.outbox.messages(organization_id=earlier.id) == []


def test_a_testinvite_callback_is_captured_when_a_session_completes(
    candidly_org: CandidlyOrg, candidly_outbox: Outbox
) -> None:
    task = native(candidly_org, "/openings", OPENING)
    callback = {"url": "https://ats.example.com/testinvite", "params": {"ref": "abc-1"}, "resource": "basic"}
    created = httpx.post(
        f"{candidly_org.testinvite.base_url}/api/integration/rest/v1/tasks/{task['id']}/candidates",
        json={"kind": "temporary-candidate", "fullname": "Ada Lovelace", "callback": callback},
        headers=candidly_org.headers,
    ).json()
    session = native(
        candidly_org, f"/applications/{created['candidateId']}/sessions", {"step_id": task["steps"][0]["id"]}
    )
    score = {"scoreboard": {"pointsAchieved": 1, "maxAchievablePoints": 2, "achievementRatio": 0.5}}
    done = httpx.post(f"{candidly_org.base_url}/api/v1/sessions/{session['id']}/complete", json={"result": score},
                      headers=candidly_org.headers)  # fmt: skip
    assert done.status_code == 200, done.text
    [posted] = candidly_outbox.callbacks(to=str(callback["url"]))
    body = posted.json()
    assert (body["testInstanceId"], body["ticketId"], body["params"]) == (
        session["id"],
        created["candidateId"],
        {"ref": "abc-1"},
    )
    assert body["result"]["scoreboard"] == score["scoreboard"]
