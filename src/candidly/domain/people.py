"""Candidates (people known to an organization) and users (members of the organization)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from candidly.domain.errors import InvalidField
from candidly.domain.rules import FieldRule, FieldTable, clean_field, json_within, null, one_of, plain, text_rule
from candidly.domain.values import MAX_NAME, email_address, json_object, phone_number, string_map

NOTE_MAX = 30_000  # the longest note a surface takes (a note posted to Comeet)
GENDERS = ("male", "female")
CV_MAX = 50_000
# CVs arrive anonymized (domain.anonymize, run by the surface before the write transaction) and a placeholder may
# be longer than what it replaced ("Al" -> "[NAME]"): the stored text may grow up to three times the input limit.
CV_STORED_MAX = 3 * CV_MAX
METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}
# Surface-specific profile data (Paradox's fields, Comeet's custom fields); merged over many updates, so bounded whole.
ATTRIBUTE_LIMITS = {"max_bytes": 256 * 1024, "max_depth": 5, "max_keys": 2000}


def _future_date(value: date, field: str, today: date) -> date:
    if value <= today:
        raise InvalidField(field, "must be a date in the future")
    return value


def _attributes(value: dict[str, Any], field: str) -> dict[str, Any]:
    return json_object(dict(value), field, **ATTRIBUTE_LIMITS)


# A candidate's fields, the rules every surface shares. Null clears any of them (metadata and attributes to {}).
CANDIDATE_RULES: FieldTable[date] = {
    "first_name": text_rule(MAX_NAME, 1),
    "last_name": text_rule(MAX_NAME, 1),
    "middle_name": text_rule(MAX_NAME, 1),
    "email": FieldRule(plain(email_address), on_null=null),
    "phone": FieldRule(plain(phone_number), on_null=null),
    "external_id": text_rule(255),
    "status": text_rule(40),
    "language": text_rule(40),
    "gender": FieldRule(one_of(GENDERS, "must be male, female or null"), on_null=null),
    "cv": text_rule(CV_STORED_MAX),
    "gdpr_expiry_date": FieldRule(_future_date, on_null=null),
    "metadata": FieldRule(json_within(**METADATA_LIMITS), on_null=dict),
    "attributes": FieldRule(plain(_attributes), on_null=dict),
}
CANDIDATE_FIELDS = tuple(CANDIDATE_RULES)


def clean_candidate_field(key: str, value: Any, today: date) -> Any:
    """Check one candidate field and return its stored form."""
    return clean_field(CANDIDATE_RULES, key, value, today, "is not a candidate field")


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

    def apply(self, changes: Mapping[str, Any], today: date) -> None:
        """Check and set ``changes``; ``attributes_patch`` merges into the attributes (a null value drops a key)."""
        for key, value in changes.items():
            if key == "attributes_patch":
                merged = {**self.attributes, **value}
                key, value = "attributes", {k: v for k, v in merged.items() if v is not None}
            setattr(self, key, clean_candidate_field(key, value, today))

    def snapshot(self) -> dict[str, Any]:
        """The candidate's fields, as the event log compares them."""
        return {k: getattr(self, k) for k in CANDIDATE_FIELDS}

    def blank(self) -> None:
        """Clear every field (erasure): nothing personal stays."""
        for key in CANDIDATE_FIELDS:
            setattr(self, key, clean_candidate_field(key, None, date.min))


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

    def apply(self, changes: Mapping[str, Any]) -> None:
        """Check every change first, then set them: a refused change leaves the user as it was."""
        for key, value in clean_user(changes).items():
            setattr(self, key, value)

    def snapshot(self) -> dict[str, Any]:
        """The user's fields, as the event log compares them."""
        return {k: getattr(self, k) for k in USER_FIELDS}


# A user's fields: a username is required, the rest may be cleared.
USER_RULES: FieldTable[object] = {
    "username": text_rule(200, 1, nullable=False),
    "fullname": text_rule(MAX_NAME),
    "email": FieldRule(plain(email_address), on_null=null),
    "tags": FieldRule(plain(string_map)),
}
USER_FIELDS = tuple(USER_RULES)


def clean_user(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check a user's fields and return their stored forms."""
    return {key: clean_field(USER_RULES, key, value, None, "is not a user field") for key, value in changes.items()}


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
