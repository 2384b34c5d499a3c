"""The context a handler runs in: who acts, in which organization, at what time, and the events it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from candidly.domain.applications import Application
from candidly.domain.events import Event, EventType, diff
from candidly.domain.ids import new_id
from candidly.domain.openings import Opening
from candidly.domain.people import Candidate
from candidly.domain.principals import Actor

# Fields whose values never go into the event log: the log is read by auditors and webhooks, and
# these are secrets or bulky personal text. The log records that they changed, not to what.
REDACTED_FIELDS = frozenset({"cv", "credential1", "credential2", "signing_secret", "token_hash", "salary_expectations"})


@dataclass(slots=True)
class Context:
    actor: Actor
    organization_id: str
    now: datetime
    events: list[Event] = field(default_factory=list)
    # Entities the handler holds as it wrote them, by (type, id): the fan-out, run after the handler in the same
    # transaction, takes them from here instead of reading them again (an invitation's application, person, opening).
    kept: dict[tuple[type, str], object] = field(default_factory=dict)

    def keep(self, *entities: Application | Candidate | Opening) -> None:
        for entity in entities:
            self.kept[(type(entity), entity.id)] = entity

    def record(
        self,
        type_: EventType,
        subject_type: str,
        subject_id: str,
        *,
        candidate_id: str | None = None,
        changes: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Append an event; it is written in the same transaction as the change that caused it."""
        self.events.append(
            Event(
                id=new_id(),
                organization_id=self.organization_id,
                type=type_,
                subject_type=subject_type,
                subject_id=subject_id,
                occurred_at=self.now,
                actor=self.actor.as_dict(),
                candidate_id=candidate_id,
                changes=_redact(changes or {}),
                data=data or {},
            )
        )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe {field: [before, after]} for the event log."""
    return {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in diff(before, after).items()}


# What JSON holds as it is: tested first, as most of a record's values are these (a create's event compares ~60).
_PLAIN = (str, int, float, type(None))


def _jsonable(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, datetime) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):  # nested values too: step overrides hold window bounds
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _redact(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (["[redacted]", "[redacted]"] if k in REDACTED_FIELDS else v) for k, v in changes.items()}
