"""TestInvite clients end to end: inviteByEmail arrives over SMTP, a callback arrives when a session completes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from candidly.delivery.worker import Worker
from tests.delivery.conftest import Receiver, SmtpServer, finished_session, text_of
from tests.helpers import FakeClock, Org, TestClient, make_opening

TASKS = "/testinvite/api/integration/rest/v1/tasks"
SCORE = {"pointsAchieved": 1, "maxAchievablePoints": 2, "achievementRatio": 0.5}


def create(client: TestClient, org: Org, task_id: str, **extra: Any) -> dict[str, Any]:
    body = {"kind": "temporary-candidate", "fullname": "Grace Hopper", "email": "grace@example.com", **extra}
    response = client.post(f"{TASKS}/{task_id}/candidates", json=body, headers=org.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_invite_by_email_is_sent_at_date_to_send(
    client: TestClient, org: Org, worker: Worker, smtp: SmtpServer, clock: FakeClock
) -> None:
    task = make_opening(client, org)
    send_at = clock.now() + timedelta(days=1)
    candidate = create(client, org, task["id"], inviteByEmail={"emailTemplateName": "invite",
                                                                "dateToSend": int(send_at.timestamp())})  # fmt: skip
    worker.run_once()
    assert smtp.inbox.messages == []
    clock.set(send_at)
    worker.run_once()
    [message] = smtp.inbox.messages
    assert message["To"] == "grace@example.com" and message["Subject"] == "Your Backend assessment invitation"
    code = candidate["invitationCode"]
    assert f"Hello Grace Hopper, your code is {code}: https://candidly.test/access/{code}" in text_of(message)


def test_a_callback_gets_the_same_test_instance_the_api_shows_with_the_params(
    client: TestClient, org: Org, worker: Worker, receiver: Receiver
) -> None:
    task = make_opening(client, org)
    callback = {"url": receiver.url, "params": {"batch": 7}, "resource": "detailed"}
    candidate = create(client, org, task["id"], callback=callback)
    step_id = task["steps"][1]["id"]
    done = finished_session(client, org, candidate["candidateId"], step_id, {"scoreboard": SCORE})
    worker.run_once()
    [request] = receiver.requests
    posted = json.loads(request.body)
    shown = client.get(f"{TASKS}/{task['id']}/test-instances/{done['id']}?mode=detailed", headers=org.headers).json()
    assert posted == {**shown, "params": {"batch": 7}}
    assert posted["candidate"] == {"id": candidate["candidateId"], "kind": "temp"}


def test_a_callback_to_a_non_http_url_is_a_bad_request(client: TestClient, org: Org) -> None:
    task = make_opening(client, org)
    body = {"kind": "temporary-candidate", "fullname": "Grace Hopper",
            "callback": {"url": "file:///etc/passwd", "resource": "basic"}}  # fmt: skip
    response = client.post(f"{TASKS}/{task['id']}/candidates", json=body, headers=org.headers)
    assert response.status_code == 400
    assert "callback.url" in response.json()["message"]
