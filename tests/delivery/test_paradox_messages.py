"""Paradox's send_message and unsubscribe through the outbox: a message is emailed over real SMTP, an unsubscribed
candidate receives nothing more (messages and invitations are dead-lettered with the reason, never sent)."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from candidly.domain import commands as c
from candidly.domain.principals import Actor
from tests.api.paradox.conftest import BASE
from tests.delivery.conftest import SmtpServer, text_of
from tests.helpers import Org, TestClient, make_opening


def paradox_candidate(client: TestClient, org: Org, **body: Any) -> dict[str, Any]:
    payload = {"name": "Ada Lovelace", "email": "ada@example.com", **body}
    response = client.post(f"{BASE}/candidates", json=payload, headers=org.headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["candidate"])


def send(client: TestClient, org: Org, oid: int, message: str, **extra: Any) -> None:
    response = client.post(f"{BASE}/candidates/send_message", json={"OID": oid, "message": message, **extra},
                           headers=org.headers)  # fmt: skip
    assert response.json() == {"success": True}


def email_log(client: TestClient, org: Org) -> list[tuple[str, str, str | None]]:
    items = client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"]
    return [(d["status"], d["target"], d["last_error"]) for d in items]


def test_a_message_is_emailed_to_the_candidate(client: TestClient, org: Org, worker: Worker, smtp: SmtpServer) -> None:
    made = paradox_candidate(client, org)
    send(client, org, made["OID"], "Your interview is on Monday at 10.", email_subject="Interview")
    send(client, org, made["OID"], "See you soon.")
    worker.run_once()
    # Due at the same instant, the two may be sent in either order.
    assert sorted((m["To"], m["Subject"], text_of(m).strip()) for m in smtp.inbox.messages) == [
        ("ada@example.com", "A message about your application", "See you soon."),
        ("ada@example.com", "Interview", "Your interview is on Monday at 10."),
    ]


def test_a_candidate_without_an_email_gets_no_delivery_but_the_message_is_logged(
    client: TestClient, org: Org, worker: Worker, smtp: SmtpServer
) -> None:
    made = paradox_candidate(client, org, email=None, phone="+14155550123")
    send(client, org, made["OID"], "Text only")
    worker.run_once()
    assert (smtp.inbox.messages, email_log(client, org)) == ([], [])
    got = client.get(f"{BASE}/candidates/{made['OID']}", params={"conversation": "true"}, headers=org.headers)
    assert [m["answer_text"] for m in got.json()["conversation"]] == ["Text only"]


def test_an_unsubscribed_candidate_receives_no_further_messages_or_invitations(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer
) -> None:
    made = paradox_candidate(client, org)
    send(client, org, made["OID"], "Before")
    worker.run_once()
    client.put(f"{BASE}/candidates/unsubscribe", json={"OID": made["OID"]}, headers=org.headers)
    send(client, org, made["OID"], "After")
    opening = make_opening(client, org)
    person = next(p for p in client.get("/api/v1/candidates", headers=org.headers).json()["items"])
    actor = Actor(services.auth.authenticate(org.token), surface="test")
    invitation = c.CreateApplication(
        opening["id"], candidate_id=person["id"], invite={"template_name": "invite", "send_at": None}
    )
    services.bus.execute(invitation, actor, org.id)
    worker.run_once()
    assert [text_of(m).strip() for m in smtp.inbox.messages] == ["Before"]
    unsubscribed = "the candidate has unsubscribed from messages"
    assert sorted(email_log(client, org)) == [
        ("dead", "ada@example.com", unsubscribed), ("dead", "ada@example.com", unsubscribed),
        ("delivered", "ada@example.com", None),
    ]  # fmt: skip
    client.put(f"{BASE}/candidates/unsubscribe", json={"OID": made["OID"], "action_id": 0}, headers=org.headers)
    send(client, org, made["OID"], "Welcome back")
    worker.run_once()
    assert [text_of(m).strip() for m in smtp.inbox.messages] == ["Before", "Welcome back"]
