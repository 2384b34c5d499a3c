"""Webhook subscriptions, and the manual retry of an outbound delivery."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.deliveries import (
    DeliveryStatus,
    WebhookSubscription,
    new_webhook_secret,
    outbound_url,
    webhook_event_types,
)
from candidly.domain.errors import NotAllowed, NotFound, live
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.principals import Scope
from candidly.domain.values import text
from candidly.service.bus import handles
from candidly.service.context import Context
from candidly.service.ports import UnitOfWork


@handles(c.CreateWebhook)
def create_webhook(uow: UnitOfWork, ctx: Context, cmd: c.CreateWebhook) -> WebhookSubscription:
    ctx.actor.principal.require(Scope.ADMIN)
    subscription = WebhookSubscription(
        id=new_id(),
        organization_id=ctx.organization_id,
        url=outbound_url(cmd.url),
        events=webhook_event_types(list(cmd.events)),
        secret=new_webhook_secret(),
        created_at=ctx.now,
        description=None if cmd.description is None else text(cmd.description, "description", max_length=200),
    )
    uow.webhooks.add(subscription)
    ctx.record(EventType.WEBHOOK_CREATED, "webhook", subscription.id, data={"url": subscription.url})
    return subscription


@handles(c.DeleteWebhook)
def delete_webhook(uow: UnitOfWork, ctx: Context, cmd: c.DeleteWebhook) -> None:
    ctx.actor.principal.require(Scope.ADMIN)
    subscription = live(uow.webhooks.get(ctx.organization_id, cmd.webhook_id), "webhook", cmd.webhook_id)
    uow.webhooks.remove(ctx.organization_id, subscription.id, ctx.now)
    ctx.record(EventType.WEBHOOK_DELETED, "webhook", subscription.id)


@handles(c.RetryDelivery)
def retry_delivery(uow: UnitOfWork, ctx: Context, cmd: c.RetryDelivery) -> None:
    ctx.actor.principal.require(Scope.ADMIN)
    delivery = uow.deliveries.get(ctx.organization_id, cmd.delivery_id)
    if delivery is None:
        raise NotFound("delivery", cmd.delivery_id)
    if delivery.status == DeliveryStatus.DELIVERED:
        raise NotAllowed("the delivery has already been delivered")
    uow.deliveries.reschedule(ctx.organization_id, delivery.id, ctx.now)
    ctx.record(EventType.DELIVERY_RETRIED, "delivery", delivery.id, data={"previous_status": delivery.status})
