"""Native routes for webhook subscriptions: url, event types, and the signing secret (shown at creation)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from candidly.dialects.base import FastJSONResponse, iso, surface_services
from candidly.dialects.native.deps import Who
from candidly.dialects.native.schemas import In
from candidly.domain import commands as c
from candidly.domain.deliveries import WebhookSubscription, public_url

router = APIRouter(tags=["webhooks"])


class WebhookCreate(In):
    url: str = Field(min_length=1, max_length=2000)
    events: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=200)


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str | None
    created_at: str
    secret: str | None = None


def webhook_out(w: WebhookSubscription, *, with_secret: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": w.id,
        "url": w.url,
        "events": w.events,
        "description": w.description,
        "created_at": iso(w.created_at),
    }
    if with_secret:
        body["secret"] = w.secret
    return body


@router.post("/webhooks", status_code=201, response_model=WebhookOut)
async def create_webhook(body: WebhookCreate, who: Who, request: Request) -> Response:
    """Subscribe a URL to event types. The ``secret`` (Standard Webhooks ``whsec_``) is shown here and on get.

    A URL the sender would refuse (an internal address on its face, unless the operator allows them) is
    refused here, rather than accepted and then dead-lettered. Names are checked when they are called.
    """
    url = body.url if surface_services(request).settings.outbound_allow_private else public_url(body.url)
    subscription = await who.execute(c.CreateWebhook(url, tuple(body.events), body.description))
    return FastJSONResponse(webhook_out(subscription, with_secret=True), status_code=201)


@router.get("/webhooks", response_model=list[WebhookOut])
async def list_webhooks(who: Who) -> Response:
    """Every live subscription of the organization (secrets are shown only one at a time)."""
    subscriptions = await who.read(lambda r: r.webhooks())
    return FastJSONResponse([webhook_out(w) for w in subscriptions])


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut)
async def get_webhook(webhook_id: str, who: Who) -> Response:
    """One subscription, with its secret (admin scope only)."""
    subscription = await who.read(lambda r: r.webhook(webhook_id))
    return FastJSONResponse(webhook_out(subscription, with_secret=True))


@router.delete("/webhooks/{webhook_id}", status_code=204)
async def delete_webhook(webhook_id: str, who: Who) -> Response:
    """Stop sending to a subscription; its pending deliveries are dead-lettered when their turn comes."""
    await who.execute(c.DeleteWebhook(webhook_id))
    return Response(status_code=204)
