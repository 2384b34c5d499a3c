"""Openings (tasks, jobs, positions) with their ordered steps, programs and email templates."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from candidly.domain.errors import InvalidField
from candidly.domain.ids import new_id
from candidly.domain.rules import FieldRule, FieldTable, clean_field, json_within, null, plain, text_rule
from candidly.domain.values import text


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


MAX_DETAILS = 100
SETTINGS_LIMITS = {"max_bytes": 64 * 1024, "max_depth": 10, "max_keys": 1000}
# What an update may change of a step.
STEP_SETTINGS = ("name", "type", "active", "active_after", "active_before", "attempt_limit", "launch_url")


def valid_attempt_limit(value: object) -> bool:
    """-1 (unlimited) or 1 to MAX_ATTEMPTS attempts; the bound keeps the number within a database integer."""
    return isinstance(value, int) and not isinstance(value, bool) and (value == UNLIMITED or 1 <= value <= MAX_ATTEMPTS)


def _location(value: Any, field: str) -> dict[str, str] | None:
    if not isinstance(value, dict):
        raise InvalidField(field, f"must be an object with {', '.join(LOCATION_KEYS)}")
    for key in value:
        if key not in LOCATION_KEYS:
            raise InvalidField(f"{field}.{key}", f"is not one of {', '.join(LOCATION_KEYS)}")
    found = {k: text(v, f"{field}.{k}", max_length=200) for k, v in value.items() if v is not None}
    return found or None


def _details(value: Any, field: str) -> list[dict[str, str]]:
    """Named texts a position shows (``[{name, value}]``), in the order given; null (or empty) is none."""
    value = value or []
    if not isinstance(value, list) or len(value) > MAX_DETAILS:
        raise InvalidField(field, f"must be a list of at most {MAX_DETAILS} {{name, value}} objects")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"name", "value"}:
            raise InvalidField(f"{field}[{i}]", "must be an object with name and value")
        out.append(
            {
                "name": text(item.get("name") or "", f"{field}[{i}].name", min_length=1, max_length=200),
                "value": text(item.get("value") or "", f"{field}[{i}].value", max_length=20_000),
            }
        )
    return out


# An opening's own fields (steps, programs and templates have their own rules below). Name, language,
# default group and status are required; the position's fields may be cleared; null empties ``settings``.
OPENING_RULES: FieldTable[object] = {
    "name": text_rule(200, 1, nullable=False),
    "external_id": text_rule(255),
    "language": text_rule(10, 2, nullable=False),
    "default_group": text_rule(200, 1, nullable=False),
    "settings": FieldRule(json_within(**SETTINGS_LIMITS), on_null=dict),
    "status": text_rule(40, 1, nullable=False),
    "department": text_rule(200),
    "location": FieldRule(plain(_location), on_null=null),
    "experience_level": text_rule(100),
    "employment_type": text_rule(100),
    "details": FieldRule(plain(_details)),
    "lead_recruiter_id": text_rule(64, 1),
}
OPENING_FIELDS = tuple(OPENING_RULES)


def clean_opening_field(key: str, value: Any) -> Any:
    """Check one of an opening's own fields and return its stored form."""
    return clean_field(OPENING_RULES, key, value, None, "cannot be changed")


def check_step(path: str, after: datetime | None, before: datetime | None, limit: object) -> None:
    """A step's window opens before it closes, and its attempt limit is one a step may have."""
    if after is not None and before is not None and after >= before:
        raise InvalidField(f"{path}.active_after", "must be before active_before")
    if not valid_attempt_limit(limit):
        raise InvalidField(f"{path}.attempt_limit", ATTEMPT_LIMIT_RULE)


# What a command asks an opening to have: its steps, programs and email templates, before they are checked.


@dataclass(frozen=True, slots=True)
class StepSpec:
    name: str
    key: str | None = None
    type: str | None = None
    active: bool = True
    active_after: datetime | None = None
    active_before: datetime | None = None
    attempt_limit: int = -1
    launch_url: str | None = None


@dataclass(frozen=True, slots=True)
class ProgramSpec:
    name: str
    step_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    name: str
    subject: str
    body: str


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

    def snapshot(self) -> dict[str, Any]:
        """The opening's own fields, as the event log compares them."""
        return {k: getattr(self, k) for k in OPENING_FIELDS}

    def apply(self, changes: Mapping[str, Any]) -> None:
        """Check and set the opening's own fields; a position is open or closed."""
        for key, value in changes.items():
            setattr(self, key, clean_opening_field(key, value))
        if self.kind == OpeningKind.POSITION and self.status not in POSITION_STATUSES:
            raise InvalidField("status", f"a position's status must be one of {', '.join(POSITION_STATUSES)}")

    def set_steps(self, specs: tuple[StepSpec, ...]) -> None:
        """Replace the steps, in the order given; a step's ``key`` is its handle within the request."""
        steps: list[Step] = []
        keys: set[str] = set()
        for i, spec in enumerate(specs):
            if spec.key is not None:
                if spec.key in keys:
                    raise InvalidField(f"steps[{i}].key", f"duplicate step key {spec.key!r}")
                keys.add(spec.key)
            check_step(f"steps[{i}]", spec.active_after, spec.active_before, spec.attempt_limit)
            fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
            fields["name"] = text(spec.name, f"steps[{i}].name", min_length=1, max_length=200)
            steps.append(
                Step(id=new_id(), organization_id=self.organization_id, opening_id=self.id, position=i, **fields)
            )
        self.steps = steps

    def set_programs(self, specs: tuple[ProgramSpec, ...]) -> None:
        """Replace the programs; each names its steps by their keys."""
        by_key = {s.key: s.id for s in self.steps if s.key is not None}
        programs = []
        for i, spec in enumerate(specs):
            step_ids = []
            for j, key in enumerate(spec.step_keys):
                if key not in by_key:
                    raise InvalidField(f"programs[{i}].step_keys[{j}]", f"no step with key {key!r}")
                step_ids.append(by_key[key])
            name = text(spec.name, f"programs[{i}].name", min_length=1, max_length=200)
            programs.append(
                Program(
                    id=new_id(), organization_id=self.organization_id, opening_id=self.id, name=name, step_ids=step_ids
                )
            )
        self.programs = programs

    def set_templates(self, specs: tuple[TemplateSpec, ...]) -> None:
        """Replace the email templates: unique names, subjects and bodies that parse as Jinja2."""
        templates: list[EmailTemplate] = []
        for i, spec in enumerate(specs):
            if any(t.name == spec.name for t in templates):
                raise InvalidField(f"email_templates[{i}].name", f"duplicate template name {spec.name!r}")
            for part in ("subject", "body"):
                _check_template(getattr(spec, part), f"email_templates[{i}].{part}")
            templates.append(
                EmailTemplate(
                    id=new_id(),
                    organization_id=self.organization_id,
                    opening_id=self.id,
                    name=text(spec.name, f"email_templates[{i}].name", min_length=1, max_length=200),
                    subject=text(spec.subject, f"email_templates[{i}].subject", max_length=1000),
                    body=text(spec.body, f"email_templates[{i}].body", max_length=100_000),
                )
            )
        self.email_templates = templates

    def change_steps(self, changes: dict[str, dict[str, Any]]) -> None:
        """Change settings of existing steps; each step must stay valid."""
        for step_id, settings in changes.items():
            step = self.step(step_id)
            if step is None:
                raise InvalidField(f"steps.{step_id}", "no such step in this opening")
            for key, value in settings.items():
                if key not in STEP_SETTINGS:
                    raise InvalidField(f"steps.{step_id}.{key}", "cannot be changed")
                setattr(step, key, value)
            check_step(f"steps.{step_id}", step.active_after, step.active_before, step.attempt_limit)


# Templates are parsed (never rendered) here to refuse bad syntax at write time; Jinja2 is a pure library, as
# phonenumbers is for values. The sandbox is what renders them later, in delivery.
_TEMPLATE_CHECKER = SandboxedEnvironment()


def _check_template(source: str, field: str) -> None:
    try:
        _TEMPLATE_CHECKER.parse(source)
    except TemplateSyntaxError as exc:
        raise InvalidField(field, f"template syntax error: {exc.message}") from exc
