"""Applications: a candidate in one opening, with its own state, access window and step overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from candidly.domain.attempts import Attempt, clean_attempt_settings
from candidly.domain.deliveries import callback_spec
from candidly.domain.errors import InvalidField, NotAllowed, NotFound
from candidly.domain.ids import new_id
from candidly.domain.openings import ATTEMPT_LIMIT_RULE, UNLIMITED, Opening, Step, valid_attempt_limit
from candidly.domain.rules import (
    FieldRule,
    FieldTable,
    as_is,
    boolean,
    clean_field,
    json_within,
    null,
    plain,
    text_rule,
)
from candidly.domain.values import email_address, string_map, text


class ApplicationKind(StrEnum):
    TEMPORARY = "temporary"
    INTERNAL = "internal"


# A step override holds only the settings that differ from the opening's step. A missing key means
# "default" (the step's own setting); ``None`` for a date bound means "no limit".
OVERRIDABLE = ("active", "active_after", "active_before", "attempt_limit")


# Client JSON an application carries for the client (external data, a callback), bounded alike.
_CLIENT_JSON_10K = json_within(10 * 1024, max_depth=10, max_keys=1000)


def label(value: Any, field: str) -> str:
    """One label: 1 to 200 characters."""
    return text(value, field, min_length=1, max_length=200)


def _labels(value: list[Any], field: str) -> list[str]:
    if len(value) > 100:
        raise InvalidField(field, "must have at most 100 labels")
    return list(dict.fromkeys(label(v, f"{field}[{i}]") for i, v in enumerate(value)))


def _program_ids(value: list[str], field: str, opening: Opening) -> list[str]:
    for i, pid in enumerate(value):
        if opening.program(pid) is None:
            raise InvalidField(f"{field}[{i}]", f"{pid!r} is not a program of this opening")
    return list(dict.fromkeys(value))


def _extra_emails(value: list[str], field: str) -> list[str]:
    if len(value) > 20:
        raise InvalidField(field, "must have at most 20 addresses")
    return [email_address(v, f"{field}[{i}]") for i, v in enumerate(value)]


def _price_amount(value: float, field: str) -> float:
    if value < 0:
        raise InvalidField(field, "must not be negative")
    return value


def _rating(value: int, field: str) -> int:
    if not 1 <= value <= 5:
        raise InvalidField(field, "must be between 1 and 5")
    return value


def _callback(value: dict[str, Any], field: str) -> dict[str, Any]:
    return callback_spec(_CLIENT_JSON_10K(value, field, None))


def _step_overrides(value: dict[str, dict[str, Any]], field: str, opening: Opening) -> dict[str, dict[str, Any]]:
    return {sid: _override(opening, f"{field}.{sid}", sid, o) for sid, o in value.items()}


def _override(opening: Opening, path: str, step_id: str, override: dict[str, Any]) -> dict[str, Any]:
    """A step override sets only OVERRIDABLE settings of a step of this opening."""
    if opening.step(step_id) is None:
        raise InvalidField(path, "is not a step of this opening")
    for key, value in override.items():
        if key not in OVERRIDABLE:
            raise InvalidField(f"{path}.{key}", "cannot be overridden")
        if key == "attempt_limit" and not valid_attempt_limit(value):
            raise InvalidField(f"{path}.{key}", ATTEMPT_LIMIT_RULE)
        if key == "active" and not isinstance(value, bool):
            raise InvalidField(f"{path}.{key}", "must be true or false")
    return dict(override)


# Every field an application command may set, in the order the event log lists changes. ``group`` and
# ``source`` are required (null is refused); null empties a collection, as it empties metadata.
APPLICATION_RULES: FieldTable[Opening] = {
    "group": text_rule(200, nullable=False),
    "labels": FieldRule(plain(_labels), on_null=list),
    "tags": FieldRule(plain(string_map), on_null=dict),
    "external_id": text_rule(255),
    "external_data": FieldRule(_CLIENT_JSON_10K, on_null=dict),
    "language": text_rule(10),
    "program_ids": FieldRule(_program_ids, on_null=list),
    "extra_emails": FieldRule(plain(_extra_emails), on_null=list),
    "active": FieldRule(boolean),
    "active_after": FieldRule(as_is),
    "active_before": FieldRule(as_is),
    "price_amount": FieldRule(plain(_price_amount), on_null=null),
    "price_currency": text_rule(3, 3),
    "favorite": FieldRule(boolean),
    "rating": FieldRule(plain(_rating), on_null=null),
    "stage": text_rule(200),
    "status": text_rule(40),
    "credential1": text_rule(200),
    "credential2": text_rule(200),
    "logged_in": FieldRule(boolean),
    "source": text_rule(40, nullable=False),
    "callback": FieldRule(plain(_callback), on_null=null),
    "attributes": FieldRule(json_within(64 * 1024, max_depth=10, max_keys=1000), on_null=dict),
    "step_overrides": FieldRule(_step_overrides, on_null=dict),
    "salary_expectations": text_rule(255),
}
APPLICATION_FIELDS = tuple(APPLICATION_RULES)


def clean_application_field(key: str, value: Any, opening: Opening) -> Any:
    """Check one application field against its opening and return its stored form."""
    return clean_field(APPLICATION_RULES, key, value, opening, "is not an application field")


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

    def apply(
        self,
        changes: Mapping[str, Any],
        opening: Opening,
        now: datetime,
        step_changes: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """Check and set ``changes``, then ``step_changes``; every window must still open before it closes.

        ``labels_add``/``labels_remove`` edit the labels and ``attributes_patch`` merges into the attributes
        (a null value drops a key). A change of status is dated ``now``, whichever surface made it.
        """
        status = self.status
        for key, value in changes.items():
            key, value = self._patched(key, value)
            setattr(self, key, clean_application_field(key, value, opening))
        if step_changes is not None:
            self._change_steps(step_changes, opening)
        self.check_windows(opening)
        if self.status != status:
            self.status_changed_at = now
        self.updated_at = now

    def snapshot(self) -> dict[str, Any]:
        """The application's fields, as the event log compares them."""
        return {k: getattr(self, k) for k in APPLICATION_FIELDS}

    def check_invitation(self, opening: Opening, template_name: str, email: str | None) -> None:
        """An invitation names one of the opening's templates and goes to the candidate's address."""
        if opening.template(template_name) is None:
            raise InvalidField("invite.template_name", f"no email template named {template_name!r} in this opening")
        if email is None:
            raise InvalidField("invite", "the candidate has no email address to send to")

    def _patched(self, key: str, value: Any) -> tuple[str, Any]:
        """The field and whole value an edit command (``labels_add``, ...) stands for."""
        if key == "attributes_patch":
            merged = {**self.attributes, **value}
            return "attributes", {k: v for k, v in merged.items() if v is not None}
        if key == "labels_add":
            return "labels", [*self.labels, *value]
        if key == "labels_remove":
            return "labels", [label for label in self.labels if label not in set(value)]
        return key, value

    def _change_steps(self, step_changes: dict[str, dict[str, Any]], opening: Opening) -> None:
        """Merge per-step changes into the overrides (DEFAULT reverts a setting); an emptied override goes."""
        overrides = dict(self.step_overrides)
        for step_id, change in step_changes.items():
            if opening.step(step_id) is None:
                raise InvalidField(f"steps.{step_id}", "is not a step of this opening")
            overrides[step_id] = apply_step_change(overrides.get(step_id, {}), change)
        self.step_overrides = clean_application_field(
            "step_overrides", {k: v for k, v in overrides.items() if v}, opening
        )

    def check_windows(self, opening: Opening) -> None:
        """Every window (the application's, each step's as overridden) must open before it closes."""
        if _inverted(self.active_after, self.active_before):
            raise InvalidField("active_after", "must be before active_before")
        for step in opening.steps:
            override = self.step_overrides.get(step.id, {})
            if _inverted(
                override.get("active_after", step.active_after), override.get("active_before", step.active_before)
            ):
                raise InvalidField(f"step_overrides.{step.id}.active_after", "must be before active_before")

    def claim_uniq_id(self, uniq_id: Any, scope: str) -> None:
        """Take ``uniq_id``, unique within ``scope`` (the caller checks that no live application holds its key)."""
        uniq_id = text(uniq_id, "uniq_id", min_length=1, max_length=255)
        if scope not in UNIQ_SCOPES:
            raise InvalidField("uniq_scope", f"must be one of {', '.join(UNIQ_SCOPES)}")
        self.uniq_id, self.uniq_key = uniq_id, uniq_key(uniq_id, scope, self)

    def require_enterable(self, now: datetime) -> None:
        """The candidate may come in only while active and within their login window."""
        if not within_login_window(self, now):
            raise NotAllowed("the candidate is inactive or outside their login window", field="application_id")

    def require_untouched(self) -> None:
        """Some surfaces delete only a candidate who has neither logged in nor started a session."""
        if self.logged_in or self.session_count > 0:
            raise NotAllowed("a candidate who has logged in or has test sessions cannot be deleted")

    def remove(self, now: datetime) -> None:
        """Soft-delete, freeing the uniqId and the invitation code for reuse."""
        self.deleted_at = self.updated_at = now
        self.uniq_key = None
        self.invitation_code = None

    def startable_step(self, opening: Opening, step_id: str, now: datetime) -> EffectiveStep:
        """The step as it applies here, if an attempt may start at ``now``; else why not."""
        if opening.step(step_id) is None:
            raise NotFound("step", step_id, field="step_id")
        step = next((s for s in effective_steps(self, opening) if s.step_id == step_id), None)
        if step is None:
            raise NotAllowed("the step is not in the candidate's programs", field="step_id")
        if not step.open_at(now):
            raise NotAllowed("the step is not active or outside its window", field="step_id")
        return step

    def start_attempt(
        self, opening: Opening, step_id: str, used: int, now: datetime, settings: dict[str, Any]
    ) -> Attempt:
        """Start attempt ``used + 1`` at a step: the candidate and the step must be open, an attempt left."""
        self.require_enterable(now)
        step = self.startable_step(opening, step_id, now)
        if step.attempts_left(used) == 0:
            raise NotAllowed(f"the step allows {step.attempt_limit} attempt(s) and all are used", field="step_id")
        attempt = Attempt(
            id=new_id(),
            organization_id=self.organization_id,
            application_id=self.id,
            candidate_id=self.candidate_id,
            opening_id=opening.id,
            step_id=step.step_id,
            attempt=used + 1,
            started_at=now,
            settings=clean_attempt_settings(settings),
        )
        self.session_count += 1
        return attempt


def _inverted(after: datetime | None, before: datetime | None) -> bool:
    return after is not None and before is not None and after >= before


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
# Where a uniqId must be unique, in words: "in this labels" would not read.
UNIQ_WITHIN = {
    "task": "in this task",
    "group": "in this group",
    "labels": "by a candidate with the same labels",
    "programs": "by a candidate with the same programs",
}
