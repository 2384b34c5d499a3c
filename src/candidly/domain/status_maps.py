"""Status maps: an organization's named tables from an external system's status id to a journey status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from candidly.domain.errors import InvalidField
from candidly.domain.values import text

MAX_ENTRIES = 500


@dataclass(slots=True)
class StatusMap:
    """``entries`` maps an external status id to a journey status written ``"stage: status"``."""

    id: str
    organization_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    entries: dict[str, str] = field(default_factory=dict)
    version: int = 1


def journey_status(value: Any, field_name: str) -> str:
    """A journey status is ``"{stage}: {status}"``, both parts non-empty."""
    cleaned = text(value, field_name, min_length=3, max_length=255)
    stage, sep, status = cleaned.partition(":")
    if not sep or not stage.strip() or not status.strip():
        raise InvalidField(field_name, 'must be written "stage: status"')
    return f"{stage.strip()}: {status.strip()}"


def clean_entries(entries: dict[str, Any]) -> dict[str, str]:
    if not entries:
        raise InvalidField("entries", "must hold at least one external status id")
    if len(entries) > MAX_ENTRIES:
        raise InvalidField("entries", f"must hold at most {MAX_ENTRIES} entries")
    out: dict[str, str] = {}
    for ex_id, status in entries.items():
        key = text(ex_id, "entries", min_length=1, max_length=255)
        out[key] = journey_status(status, f"entries.{key}")
    return out
