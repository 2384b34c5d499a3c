"""Domain events: what happened, recorded in the event log and published from the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CANDIDATE_CREATED = "candidate.created"
CANDIDATE_UPDATED = "candidate.updated"
CANDIDATE_DELETED = "candidate.deleted"
CANDIDATE_ERASED = "candidate.erased"
CANDIDATE_MESSAGED = "candidate.messaged"  # data: message, subject; the outbox emails it when it can
APPLICATION_CREATED = "application.created"
APPLICATION_UPDATED = "application.updated"
APPLICATION_DELETED = "application.deleted"
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

# The event types a webhook subscription may ask for (DESIGN.md, "Webhooks").
WEBHOOK_EVENT_TYPES = frozenset(
    {
        CANDIDATE_CREATED,
        CANDIDATE_UPDATED,
        CANDIDATE_DELETED,
        APPLICATION_CREATED,
        APPLICATION_UPDATED,
        APPLICATION_DELETED,
        SESSION_COMPLETED,
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    """One fact in the event log: ``changes`` maps each changed field to [before, after]."""

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
