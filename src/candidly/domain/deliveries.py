"""Outbound deliveries (emails, callbacks, webhooks) with their attempts, and webhook subscriptions."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from candidly.domain.errors import InvalidField
from candidly.domain.events import WEBHOOK_EVENT_TYPES


class DeliveryKind(StrEnum):
    EMAIL = "email"
    CALLBACK = "callback"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(slots=True)
class Delivery:
    """One message to send, persisted before its first attempt; ``attempts`` counts the current round."""

    id: str
    organization_id: str
    kind: str
    target: str
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    event_id: str | None = None
    event_type: str | None = None
    subscription_id: str | None = None
    status: str = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    last_status_code: int | None = None
    delivered_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class DeliveryAttempt:
    """What happened when a delivery was tried once."""

    id: str
    organization_id: str
    delivery_id: str
    number: int
    attempted_at: datetime
    outcome: str
    status_code: int | None = None
    error: str | None = None


@dataclass(slots=True)
class WebhookSubscription:
    """Where to POST which event types, signed with ``secret`` (Standard Webhooks)."""

    id: str
    organization_id: str
    url: str
    events: list[str]
    secret: str
    created_at: datetime
    description: str | None = None
    deleted_at: datetime | None = field(default=None)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def outbound_url(value: str, field_name: str = "url") -> str:
    """An absolute http(s) URL without credentials; where it points is checked when it is called."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidField(field_name, "must be an absolute http or https URL")
    if parts.username or parts.password:
        raise InvalidField(field_name, "must not carry credentials")
    if len(value) > 2000:
        raise InvalidField(field_name, "must be at most 2000 characters")
    return value


def webhook_event_types(values: list[str]) -> list[str]:
    if not values:
        raise InvalidField("events", "must name at least one event type")
    for i, value in enumerate(values):
        if value not in WEBHOOK_EVENT_TYPES:
            raise InvalidField(f"events[{i}]", f"must be one of {', '.join(sorted(WEBHOOK_EVENT_TYPES))}")
    return list(dict.fromkeys(values))


CALLBACK_RESOURCES = ("basic", "detailed")


def callback_spec(value: dict[str, Any]) -> dict[str, Any]:
    """A session-completion callback: ``url`` (http/https), optional ``params`` object, ``resource`` mode."""
    url = value.get("url")
    if not isinstance(url, str):
        raise InvalidField("callback.url", "is required: the URL to POST completed sessions to")
    resource = value.get("resource", "basic")
    if resource not in CALLBACK_RESOURCES:
        raise InvalidField("callback.resource", f"must be one of {', '.join(CALLBACK_RESOURCES)}")
    params = value.get("params")
    if params is not None and not isinstance(params, dict):
        raise InvalidField("callback.params", "must be an object")
    return {"url": outbound_url(url, "callback.url"), "params": params or {}, "resource": resource}
