"""What the outbox looks like from outside: backlog gauges for /metrics, and mail warnings for /readyz."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import cast

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from candidly.bootstrap import Services
from candidly.delivery.senders import SMTP_UNSET
from candidly.storage.outbox import Backlog
from candidly.storage.uow import SqlUnitOfWork

log = logging.getLogger("candidly.delivery")


def backlog(services: Services) -> Backlog:
    with services.database.unit_of_work(write=False) as uow:
        return cast(SqlUnitOfWork, uow).deliveries.backlog()


class OutboxCollector(Collector):
    """Read at each scrape: deliveries pending and the age of the oldest, events not yet fanned out."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            now = backlog(self.services)
        except Exception:  # a scrape must answer while the database is away; readiness reports that
            log.warning("outbox metrics: the database did not answer", exc_info=True)
            return
        oldest = now.oldest_pending_created_at
        age = 0.0 if oldest is None else max((self.services.clock.now() - oldest).total_seconds(), 0.0)
        yield GaugeMetricFamily("candidly_outbox_pending_deliveries", "Deliveries not yet sent", value=now.pending)
        yield GaugeMetricFamily(
            "candidly_outbox_oldest_pending_age_seconds", "Age of the oldest delivery not yet sent", value=age
        )
        yield GaugeMetricFamily(
            "candidly_outbox_unpublished_events", "Events not yet fanned out", value=now.unpublished_events
        )


def mail_warnings(services: Services) -> list[str]:
    """Why mail cannot go out, when invitations are waiting for it (empty when all is well)."""
    if services.settings.smtp_host:
        return []
    waiting = backlog(services).pending_emails
    return [f"{waiting} invitation emails are waiting; {SMTP_UNSET}"] if waiting else []
