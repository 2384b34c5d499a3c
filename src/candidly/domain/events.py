"""Domain events: what happened, recorded in the event log and published from the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """Every kind of event Candidly records; the values are the wire names webhooks and the event log carry."""

    CANDIDATE_CREATED = "candidate.created"
    CANDIDATE_UPDATED = "candidate.updated"
    CANDIDATE_DELETED = "candidate.deleted"
    CANDIDATE_ERASED = "candidate.erased"
    CANDIDATE_MESSAGED = "candidate.messaged"  # data: message, subject; the outbox emails it when it can
    APPLICATION_CREATED = "application.created"
    APPLICATION_UPDATED = "application.updated"
    APPLICATION_DELETED = "application.deleted"
    INVITATION_REQUESTED = "invitation.requested"  # data: opening_id, template_name, send_at; the outbox emails it
    SESSION_STARTED = "session.started"
    SESSION_COMPLETED = "session.completed"
    SESSION_DELETED = "session.deleted"
    OPENING_CREATED = "opening.created"
    OPENING_UPDATED = "opening.updated"
    OPENING_DELETED = "opening.deleted"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DELETED = "user.deleted"
    STATUS_MAP_SET = "status_map.set"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_DELETED = "webhook.deleted"
    DELIVERY_RETRIED = "delivery.retried"


# The event types a webhook subscription may ask for (DESIGN.md, "Webhooks").
WEBHOOK_EVENT_TYPES: frozenset[EventType] = frozenset(
    {
        EventType.CANDIDATE_CREATED,
        EventType.CANDIDATE_UPDATED,
        EventType.CANDIDATE_DELETED,
        EventType.APPLICATION_CREATED,
        EventType.APPLICATION_UPDATED,
        EventType.APPLICATION_DELETED,
        EventType.SESSION_COMPLETED,
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    """One fact in the event log: ``changes`` maps each changed field to [before, after].

    ``type`` is an ``EventType``'s value; read back from storage it is the plain string, which compares equal.
    """

    id: str
    organization_id: str
    type: str
    subject_type: str
    subject_id: str
    occurred_at: datetime
    actor: dict[str, Any]
    candidate_id: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as {field: [before, after]} (the audit trail's "what changed")."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
