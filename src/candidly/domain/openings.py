"""Openings (tasks, jobs, positions) with their ordered steps, programs and email templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class OpeningKind(StrEnum):
    TASK = "task"
    JOB = "job"
    POSITION = "position"


UNLIMITED = -1
MAX_ATTEMPTS = 1000
POSITION_STATUSES = ("open", "closed")
LOCATION_KEYS = ("name", "city", "state", "country")
# What a position shows of itself (Comeet's position object); any kind of opening may hold them.
POSITION_FIELDS = ("department", "location", "experience_level", "employment_type", "details", "lead_recruiter_id")
ATTEMPT_LIMIT_RULE = f"must be a number of attempts from 1 to {MAX_ATTEMPTS}, or -1 for unlimited"


def valid_attempt_limit(value: object) -> bool:
    """-1 (unlimited) or 1 to MAX_ATTEMPTS attempts; the bound keeps the number within a database integer."""
    return isinstance(value, int) and not isinstance(value, bool) and (value == UNLIMITED or 1 <= value <= MAX_ATTEMPTS)


@dataclass(slots=True)
class Step:
    """A stage of an opening with its default access settings."""

    id: str
    organization_id: str
    opening_id: str
    position: int
    name: str
    key: str | None = None
    type: str | None = None
    active: bool = True
    active_after: datetime | None = None
    active_before: datetime | None = None
    attempt_limit: int = UNLIMITED
    launch_url: str | None = None


@dataclass(slots=True)
class Program:
    """A named subset of an opening's steps; an application in programs sees only their steps."""

    id: str
    organization_id: str
    opening_id: str
    name: str
    step_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EmailTemplate:
    """A Jinja2 subject and body an opening can send to its candidates."""

    id: str
    organization_id: str
    opening_id: str
    name: str
    subject: str
    body: str


@dataclass(slots=True)
class Opening:
    """Something candidates are put through: an assessment task, a job, a position."""

    id: str
    organization_id: str
    kind: str
    name: str
    created_at: datetime
    updated_at: datetime
    external_id: str | None = None
    language: str = "en"
    default_group: str = "default"
    settings: dict[str, Any] = field(default_factory=dict)
    status: str = "open"
    # What a position shows of itself (Comeet's position object); other kinds may leave them empty.
    department: str | None = None
    location: dict[str, str] | None = None  # name, city, state, country
    experience_level: str | None = None
    employment_type: str | None = None
    details: list[dict[str, str]] = field(default_factory=list)  # [{name, value}]
    lead_recruiter_id: str | None = None  # a user of the organization
    application_count: int = 0
    version: int = 1
    deleted_at: datetime | None = None
    steps: list[Step] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    email_templates: list[EmailTemplate] = field(default_factory=list)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def program(self, program_id: str) -> Program | None:
        return next((p for p in self.programs if p.id == program_id), None)

    def template(self, name: str) -> EmailTemplate | None:
        return next((t for t in self.email_templates if t.name == name), None)
