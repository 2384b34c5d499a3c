"""Candidates (people known to an organization) and users (members of the organization)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(slots=True)
class Candidate:
    """A person known to an organization, whatever openings they are in.

    ``seq`` is a per-organization sequence number (Paradox's OID); ``public_ref`` is an opaque,
    unguessable reference (Paradox's external_oid). ``attributes`` holds profile data that only some
    surfaces speak (a Paradox journey, a Comeet LinkedIn URL): each surface owns its own keys.
    """

    id: str
    organization_id: str
    seq: int
    public_ref: str
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    status: str | None = None
    language: str | None = None
    gender: str | None = None
    cv: str | None = None
    gdpr_expiry_date: date | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    # The candidate asked to receive no further messages: the outbox sends them no email.
    unsubscribed: bool = False
    version: int = 1
    deleted_at: datetime | None = None
    erased_at: datetime | None = None

    @property
    def fullname(self) -> str | None:
        parts = [p for p in (self.first_name, self.middle_name, self.last_name) if p]
        return " ".join(parts) or None


def split_fullname(fullname: str) -> tuple[str, str | None]:
    """Split "Ada King Lovelace" into ("Ada King", "Lovelace"); a single word is a first name."""
    parts = fullname.strip().rsplit(" ", 1)
    if len(parts) == 1:
        return parts[0], None
    return parts[0], parts[1]


@dataclass(slots=True)
class User:
    """A member of the organization (TestInvite's internal candidates are made from users)."""

    id: str
    organization_id: str
    username: str
    created_at: datetime
    updated_at: datetime
    fullname: str | None = None
    email: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    version: int = 1
    deleted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row of a bulk import that was not created: which field was wrong, and why."""

    row: int
    field: str
    reason: str


@dataclass(slots=True)
class ImportResult:
    """What a bulk import made (the new candidates' ids) and the rows it refused."""

    created: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
