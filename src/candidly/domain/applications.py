"""Applications: a candidate in one opening, with its own state, access window and step overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from candidly.domain.openings import UNLIMITED, Opening, Step


class ApplicationKind(StrEnum):
    TEMPORARY = "temporary"
    INTERNAL = "internal"


# A step override holds only the settings that differ from the opening's step. A missing key means
# "default" (the step's own setting); ``None`` for a date bound means "no limit".
OVERRIDABLE = ("active", "active_after", "active_before", "attempt_limit")


@dataclass(slots=True)
class Application:
    """A candidate in one opening (a TestInvite candidate, an InstaView job assignment, a Comeet candidate)."""

    id: str
    organization_id: str
    candidate_id: str
    opening_id: str
    created_at: datetime
    updated_at: datetime
    kind: str = ApplicationKind.TEMPORARY
    user_id: str | None = None
    group: str = "default"
    labels: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    external_id: str | None = None
    external_data: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    program_ids: list[str] = field(default_factory=list)
    extra_emails: list[str] = field(default_factory=list)
    active: bool = True
    active_after: datetime | None = None
    active_before: datetime | None = None
    price_amount: float | None = None
    price_currency: str | None = None
    step_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    favorite: bool = False
    rating: int | None = None
    stage: str | None = None
    status: str | None = None
    # When ``status`` last changed (creation counts), whichever surface changed it.
    status_changed_at: datetime | None = None
    # Restricted (Comeet's BETA field): only principals holding ``read:salary`` may write or read it.
    salary_expectations: str | None = None
    credential1: str | None = None
    credential2: str | None = None
    invitation_code: str | None = None
    logged_in: bool = False
    source: str = "pre-registration"
    uniq_id: str | None = None
    uniq_key: str | None = None
    callback: dict[str, Any] | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    session_count: int = 0
    version: int = 1
    deleted_at: datetime | None = None


class Refusal(StrEnum):
    """Why an active flag and window (an application's, a step's) keep someone out now."""

    INACTIVE = "inactive"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def window_refusal(
    active: bool, after: datetime | None, before: datetime | None, now: datetime
) -> tuple[Refusal, datetime | None] | None:
    """Why ``active`` and the window [after, before) shut at ``now`` (with the date behind it), or None if open."""
    if not active:
        return Refusal.INACTIVE, None
    if after is not None and now < after:
        return Refusal.NOT_YET, after
    if before is not None and now >= before:
        return Refusal.CLOSED, before
    return None


@dataclass(frozen=True, slots=True)
class EffectiveStep:
    """A step's settings as they apply to one application: the opening's, then the override."""

    step_id: str
    name: str
    position: int
    active: bool
    active_after: datetime | None
    active_before: datetime | None
    attempt_limit: int
    launch_url: str | None
    overridden: frozenset[str]

    def open_at(self, now: datetime) -> bool:
        """Whether the step's own window and flag let an attempt start at ``now``."""
        return window_refusal(self.active, self.active_after, self.active_before, now) is None

    def attempts_left(self, used: int) -> int | None:
        """Attempts still allowed (None when unlimited)."""
        if self.attempt_limit == UNLIMITED:
            return None
        return max(self.attempt_limit - used, 0)


def effective_step(step: Step, override: dict[str, Any]) -> EffectiveStep:
    """Combine a step with one application's override of it."""
    return EffectiveStep(
        step_id=step.id,
        name=step.name,
        position=step.position,
        active=override.get("active", step.active),
        active_after=override.get("active_after", step.active_after),
        active_before=override.get("active_before", step.active_before),
        attempt_limit=override.get("attempt_limit", step.attempt_limit),
        launch_url=step.launch_url,
        overridden=frozenset(k for k in OVERRIDABLE if k in override),
    )


def effective_steps(application: Application, opening: Opening) -> list[EffectiveStep]:
    """The steps an application can see (its programs' steps, or all when it has none), as they apply to it."""
    visible: set[str] | None = None
    if application.program_ids:
        visible = set()
        for pid in application.program_ids:
            program = opening.program(pid)
            if program is not None:
                visible.update(program.step_ids)
    steps = sorted(opening.steps, key=lambda s: s.position)
    return [
        effective_step(s, application.step_overrides.get(s.id, {})) for s in steps if visible is None or s.id in visible
    ]


def within_login_window(application: Application, now: datetime) -> bool:
    """Whether the application's own active flag and window let the candidate in at ``now``."""
    return window_refusal(application.active, application.active_after, application.active_before, now) is None


class _Default:
    """Marker for "revert this setting to the opening step's own" in a step change."""

    _instance: _Default | None = None

    def __new__(cls) -> _Default:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT = _Default()


def apply_step_change(override: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """Return a new override: DEFAULT removes a setting, any other value (None included) sets it."""
    result = dict(override)
    for key, value in change.items():
        if value is DEFAULT:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def uniq_key(uniq_id: str, scope: str, application: Application) -> str:
    """The key under which ``uniq_id`` must be unique within an opening, for TestInvite's scopes."""
    if scope == "task":
        return f"task|{uniq_id}"
    if scope == "group":
        return f"group|{application.group}|{uniq_id}"
    if scope == "labels":
        return f"labels|{'|'.join(sorted(application.labels))}|{uniq_id}"
    if scope == "programs":
        return f"programs|{'|'.join(sorted(application.program_ids))}|{uniq_id}"
    raise ValueError(scope)


UNIQ_SCOPES = ("task", "group", "labels", "programs")
