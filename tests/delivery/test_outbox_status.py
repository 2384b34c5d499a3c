"""The outbox seen from outside: its backlog on /metrics, and mail that cannot go out on /readyz and in the log."""

from __future__ import annotations

import logging
import threading

import pytest

from candidly.bootstrap import Services
from candidly.delivery.worker import Worker
from tests.delivery.test_email import invite
from tests.helpers import FakeClock, Org, TestClient, make_opening


def gauge(client: TestClient, name: str) -> float:
    [line] = [x for x in client.get("/metrics").text.splitlines() if x.startswith(f"{name} ")]
    return float(line.split()[1])


def test_metrics_show_the_backlog_and_the_age_of_the_oldest_pending_delivery(
    client: TestClient, org: Org, services: Services, worker: Worker, clock: FakeClock
) -> None:
    opening = make_opening(client, org)
    invite(services, org, opening)
    # The invitation's delivery committed with the create: no event waits for the worker's fan-out.
    assert gauge(client, "candidly_outbox_unpublished_events") == 0
    assert gauge(client, "candidly_outbox_pending_deliveries") == 1
    worker.settings.smtp_port = 1  # nothing listens there: the email stays pending
    worker.run_once()
    clock.advance(seconds=90)
    assert gauge(client, "candidly_outbox_pending_deliveries") == 1
    assert gauge(client, "candidly_outbox_oldest_pending_age_seconds") == 90


def test_readyz_says_when_invitations_wait_for_a_mail_server_that_is_not_configured(
    client: TestClient, org: Org, services: Services, worker: Worker
) -> None:
    services.settings.smtp_host = None
    assert "warnings" not in client.get("/readyz").json()  # nothing asks for mail yet
    invite(services, org, make_opening(client, org))
    worker.fan_out()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    [warning] = ready.json()["warnings"]
    assert warning.startswith("1 invitation emails are waiting; CANDIDLY_SMTP_HOST is not set")
    services.settings.smtp_host = "127.0.0.1"
    assert "warnings" not in client.get("/readyz").json()


@pytest.mark.parametrize("host", [None, "mail.example.com"])
def test_the_worker_warns_at_start_when_mail_is_not_configured(
    services: Services, worker: Worker, caplog: pytest.LogCaptureFixture, host: str | None
) -> None:
    services.settings.smtp_host = host
    stop = threading.Event()
    stop.set()
    with caplog.at_level(logging.WARNING, logger="candidly.delivery"):
        worker.run(stop)
    warned = [r.getMessage() for r in caplog.records if "CANDIDLY_SMTP_HOST is not set" in r.getMessage()]
    assert len(warned) == (1 if host is None else 0)
