"""The event log names what happened with the wire names of ``EventType``, the ones webhooks carry."""

from __future__ import annotations

from sqlalchemy import select

from candidly.bootstrap import SYSTEM, Services
from candidly.domain import commands as c
from candidly.storage import tables as t


def recorded_types(services: Services, organization_id: str) -> list[str]:
    with services.database.engine.connect() as conn:
        query = select(t.events.c.type).where(t.events.c.organization_id == organization_id).order_by(t.events.c.id)
        return list(conn.scalars(query))


def test_a_webhook_made_and_removed_is_recorded_as_webhook_created_and_webhook_deleted(services: Services) -> None:
    org, _ = services.bus.execute(c.CreateOrganization("Acme"), SYSTEM)
    hook = services.bus.execute(c.CreateWebhook("https://hooks.example.com/x", ("candidate.created",)), SYSTEM, org.id)
    services.bus.execute(c.DeleteWebhook(hook.id), SYSTEM, org.id)
    assert recorded_types(services, org.id) == ["webhook.created", "webhook.deleted"]
