"""Email templates cannot stall the server: rendered outside any transaction, within a budget of time and size."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from candidly.settings import Settings
from tests.delivery.conftest import SmtpServer, delivery_settings, text_of
from tests.delivery.test_email import invite
from tests.helpers import Org, TestClient, make_opening, make_org, table_counts

LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    return delivery_settings(database_url, smtp.port, template_render_seconds=5.0)


def email_log(client: TestClient, org: Org) -> list[dict[str, Any]]:
    return list(client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"])


def invite_with(client: TestClient, org: Org, services: Services, body: str) -> None:
    opening = make_opening(client, org, email_templates=[{"name": "invite", "subject": "Hi", "body": body}])
    invite(services, org, opening)


def test_a_template_that_loops_for_hours_is_dead_lettered_and_no_write_waits_for_it(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer
) -> None:
    invite_with(client, org, services, LOOP)
    other = make_org(client, "Globex")
    rendering = threading.Thread(target=worker.run_once)
    rendering.start()
    # While the template burns its budget, another organization writes (it would wait if the render held a
    # transaction), and the delivery is still in the works.
    created = client.post("/api/v1/candidates", json={"first_name": "Ada"}, headers=other.headers)
    assert created.status_code == 201
    assert [d["status"] for d in email_log(client, org)] == ["pending"]
    rendering.join()
    [delivery] = email_log(client, org)
    assert delivery["status"] == "dead" and delivery["attempts"] == 1
    assert delivery["last_error"] == "template 'invite': rendering the template took longer than 5 s"
    assert smtp.inbox.messages == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{{ 'x' * 10000000 }}", "the rendered email is larger than the budget allows"),
        ("{{ 'x' * 10000000000 }}", "rendering the template needed more memory than the budget allows"),
    ],
)
def test_a_template_over_its_budget_is_dead_lettered_and_the_next_one_still_renders(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer, body: str, error: str
) -> None:
    invite_with(client, org, services, body)
    worker.run_once()
    [delivery] = email_log(client, org)
    assert delivery["status"] == "dead" and error in delivery["last_error"]
    invite_with(client, org, services, "Hello {{ candidate.fullname }}")
    worker.run_once()
    [message] = smtp.inbox.messages
    assert text_of(message).strip() == "Hello Ada Lovelace"


def test_a_template_is_rendered_as_it_was_when_the_invitation_was_fanned_out(
    client: TestClient, org: Org, services: Services, worker: Worker, smtp: SmtpServer
) -> None:
    opening = make_opening(client, org)
    invite(services, org, opening)
    worker.fan_out()
    changed = {"email_templates": [{"name": "invite", "subject": "Changed", "body": "Changed"}]}
    assert client.patch(f"/api/v1/openings/{opening['id']}", json=changed, headers=org.headers).status_code == 200
    worker.run_once()
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Your Backend assessment invitation"


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ({"name": "invite", "subject": "Hi", "body": "x" * 100_001}, "email_templates[0].body"),
        ({"name": "invite", "subject": "Hi {{", "body": "x"}, "email_templates[0].subject"),
        ({"name": "invite", "subject": "Hi", "body": "{% for i in range(3) %}"}, "email_templates[0].body"),
    ],
)
def test_a_template_is_checked_when_saved_and_a_bad_one_names_its_field_and_writes_nothing(
    client: TestClient, org: Org, services: Services, template: dict[str, str], field: str
) -> None:
    before = table_counts(services)
    body = {"kind": "task", "name": "Backend", "email_templates": [template]}
    response = client.post("/api/v1/openings", json=body, headers=org.headers)
    assert response.status_code == 422 and response.json()["field"] == field, response.text
    assert table_counts(services) == before
