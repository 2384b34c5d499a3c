"""Invitation emails: rendered from the opening's template and sent over real SMTP, at once or when scheduled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from candidly.domain import commands as c
from candidly.domain.principals import Actor
from tests.delivery.conftest import SmtpServer, text_of
from tests.helpers import FakeClock, Org, TestClient, make_opening


def invite(services: Services, org: Org, opening: dict[str, Any], **invitation: Any) -> Any:
    """Create an application that asks for the opening's "invite" email (what TestInvite's inviteByEmail does)."""
    actor = Actor(services.auth.authenticate(org.token), surface="test")
    command = c.CreateApplication(
        opening["id"], candidate={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        invite=cast(c.Invitation, {"template_name": "invite", **invitation}),
    )  # fmt: skip
    return services.bus.execute(command, actor, org.id)


def test_an_invitation_arrives_with_the_rendered_template(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer
) -> None:
    opening = make_opening(client, org)
    application = invite(services, org, opening)
    worker.run_once()
    assert len(smtp.inbox.messages) == 1
    message = smtp.inbox.messages[0]
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Your Backend assessment invitation"
    code = application.invitation_code
    assert text_of(message).strip() == (f"Hello Ada Lovelace, your code is {code}: https://candidly.test/access/{code}")
    log = client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"]
    assert [(d["status"], d["target"], d["attempts"]) for d in log] == [("delivered", "ada@example.com", 1)]


def test_a_scheduled_invitation_is_sent_only_after_its_time(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer, clock: FakeClock
) -> None:
    opening = make_opening(client, org)
    invite(services, org, opening, send_at=clock.now() + timedelta(hours=6))
    worker.run_once()
    clock.advance(hours=5, minutes=59)
    worker.run_once()
    assert smtp.inbox.messages == []
    clock.advance(minutes=1)
    worker.run_once()
    assert len(smtp.inbox.messages) == 1


def test_templates_cannot_reach_python_internals(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer
) -> None:
    template = {"name": "invite", "subject": "Hi", "body": "{{ candidate.__class__.__mro__[1].__subclasses__() }}"}
    opening = make_opening(client, org, email_templates=[template])
    invite(services, org, opening)
    worker.run_once()
    assert smtp.inbox.messages == []
    [delivery] = client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"]
    assert delivery["status"] == "dead" and "unsafe" in delivery["last_error"]


def test_an_unreachable_smtp_server_is_retried_then_dead_lettered(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer, clock: FakeClock
) -> None:
    opening = make_opening(client, org)
    invite(services, org, opening)
    worker.settings.smtp_port = 1  # nothing listens there
    for _ in range(4):
        worker.run_once()
        clock.advance(hours=2)
    [delivery] = client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"]
    detail = client.get(f"/api/v1/deliveries/{delivery['id']}", headers=org.headers).json()
    assert detail["status"] == "dead" and detail["attempts"] == 4
    assert [a["outcome"] for a in detail["attempt_log"]] == ["failed"] * 4
    assert "SMTP" in detail["last_error"]


def test_a_template_addresses_the_candidate_by_gender_set_or_detected_from_the_name(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer
) -> None:
    greeting = (
        "{{ 'Dear Ms.' if candidate.gender == 'female' else 'Dear Mr.' if candidate.gender == 'male' else 'Hello' }}"
    )
    templates = [{"name": "invite", "subject": "Hi", "body": greeting + " {{ candidate.fullname }}"}]
    opening = make_opening(client, org, email_templates=templates)
    invite(services, org, opening)  # Ada: no gender set, detected as female (InstaView answers null for it)
    worker.run_once()
    assert text_of(smtp.inbox.messages[0]).strip() == "Dear Ms. Ada Lovelace"
