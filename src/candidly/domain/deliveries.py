"""Outbound deliveries (emails, callbacks, webhooks) with their attempts, and webhook subscriptions."""

from __future__ import annotations

import base64
import ipaddress
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


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Not globally routable, though Python 3.11's ``is_global`` lets them pass: 6to4 carries an IPv4 address
# inside (judged on its own first), NAT64 reaches any IPv4 one, and site-local IPv6 is private space.
_NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in ("2002::/16", "64:ff9b::/96", "64:ff9b:1::/48", "fec0::/10"))
_KINDS = ("unspecified", "loopback", "link_local", "private", "multicast", "reserved")


def address_refusal(address: IpAddress) -> str | None:
    """Why an outbound call may not go to ``address`` ("loopback", "private", ...), or None if it is global."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None and (why := address_refusal(inner)) is not None:
            return why
    for kind in _KINDS:
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global or any(address in network for network in _NOT_GLOBAL):
        return "not globally routable"
    return None


def literal_host_refusal(host: str) -> str | None:
    """Why a URL's host is internal without asking DNS: an internal IP literal, or a ``localhost`` name."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    try:
        address: IpAddress | None = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        address = ipv4_shorthand(name)
    if address is None:
        return None  # a name: where it points is judged when it is called
    return address_refusal(address)


def ipv4_shorthand(name: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a resolver reads in ``name`` the way inet_aton does ("127.1", "2130706433", "0x7f.0.0.1"),
    or None when ``name`` is no such number: such a URL reaches that address without asking DNS."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_inet_aton_part(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    *leading, last = [n for n in numbers if n is not None]
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    value = last
    for index, byte in enumerate(leading):
        value |= byte << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _inet_aton_part(part: str) -> int | None:
    """One dot-separated part as inet_aton reads it: 0x-prefixed hex, 0-prefixed octal, or decimal."""
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if part[2:].isalnum() else None
        if len(part) > 1 and part.startswith("0"):
            return int(part, 8)
        return int(part) if part.isdigit() else None
    except ValueError:
        return None


def public_url(value: str, field_name: str = "url") -> str:
    """An outbound URL whose host is not an internal address on its face (names are checked when called)."""
    url = outbound_url(value, field_name)
    why = literal_host_refusal(urlsplit(url).hostname or "")
    if why is not None:
        raise InvalidField(
            field_name,
            f"points at {address_of_kind(why)}, which the server does not call "
            "(the operator may allow it with CANDIDLY_OUTBOUND_ALLOW_PRIVATE=true)",
        )
    return url


def address_of_kind(kind: str) -> str:
    """ "a loopback address", "an unspecified address": a refusal's kind in a sentence."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} address"


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
