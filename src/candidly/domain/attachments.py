"""What is attached to a candidate besides their fields: files (a resume, an offer letter) and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored file's description; its bytes are read only when the file itself is asked for."""

    id: str
    organization_id: str
    candidate_id: str
    application_id: str | None
    kind: str
    name: str
    content_type: str
    size: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Note:
    """A free-text note about a candidate; ``author`` is the actor who wrote it, as the event log records actors."""

    id: str
    organization_id: str
    candidate_id: str
    application_id: str | None
    body: str
    author: dict[str, str | None]
    created_at: datetime
