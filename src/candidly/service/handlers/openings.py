"""Handlers for openings: their steps, programs and email templates."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from candidly.domain import commands as c
from candidly.domain.errors import InvalidField, NotAllowed, NotFound
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.openings import (
    ATTEMPT_LIMIT_RULE,
    LOCATION_KEYS,
    POSITION_FIELDS,
    POSITION_STATUSES,
    EmailTemplate,
    Opening,
    OpeningKind,
    Program,
    Step,
    valid_attempt_limit,
)
from candidly.domain.principals import Scope
from candidly.domain.values import json_object, text
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.ports import UnitOfWork

_SCALARS = ("name", "external_id", "language", "default_group", "settings", "status", *POSITION_FIELDS)
# (min, max) length of the text fields; external_id and the position's texts may be null.
_TEXT_BOUNDS = {"name": (1, 200), "external_id": (0, 255), "language": (2, 10), "default_group": (1, 200),
                "status": (1, 40), "department": (0, 200), "experience_level": (0, 100),
                "employment_type": (0, 100), "lead_recruiter_id": (1, 64)}  # fmt: skip
_NULLABLE = ("external_id", "department", "experience_level", "employment_type", "lead_recruiter_id", "location")
MAX_DETAILS = 100
SETTINGS_LIMITS = {"max_bytes": 64 * 1024, "max_depth": 10, "max_keys": 1000}
_STEP_SETTINGS = (
    "name",
    "type",
    "active",
    "active_after",
    "active_before",
    "attempt_limit",
    "launch_url",
)


@handles(c.CreateOpening, answers_with=Scope.READ_OPENINGS)
def create_opening(uow: UnitOfWork, ctx: Context, cmd: c.CreateOpening) -> Opening:
    ctx.actor.principal.require(Scope.WRITE_OPENINGS)
    if cmd.kind not in OpeningKind.__members__.values():
        raise InvalidField("kind", f"must be one of {', '.join(k.value for k in OpeningKind)}")
    opening = Opening(
        id=new_id(),
        organization_id=ctx.organization_id,
        kind=cmd.kind,
        name=clean_opening_field("name", cmd.name),
        created_at=ctx.now,
        updated_at=ctx.now,
        external_id=clean_opening_field("external_id", cmd.external_id),
        language=clean_opening_field("language", cmd.language),
        default_group=clean_opening_field("default_group", cmd.default_group),
        settings=clean_opening_field("settings", cmd.settings),
    )
    _set_fields(uow, ctx, opening, cmd.fields)
    opening.steps = _steps(opening, cmd.steps)
    opening.programs = _programs(opening, cmd.programs)
    opening.email_templates = _templates(opening, cmd.email_templates)
    uow.openings.add(opening)
    ctx.record(EventType.OPENING_CREATED, "opening", opening.id, data={"name": opening.name})
    return opening


def clean_opening_field(key: str, value: Any) -> Any:
    """Validate one of an opening's own fields and return its stored form (null empties ``settings`` and ``details``)."""
    if key == "settings":
        return {} if value is None else json_object(value, key, **SETTINGS_LIMITS)
    if key == "details":
        return _details(value or [])
    if value is None and key in _NULLABLE:
        return None
    if key == "location":
        return _location(value)
    low, high = _TEXT_BOUNDS[key]
    return text(value, key, min_length=low, max_length=high)


def _location(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        raise InvalidField("location", f"must be an object with {', '.join(LOCATION_KEYS)}")
    for key in value:
        if key not in LOCATION_KEYS:
            raise InvalidField(f"location.{key}", f"is not one of {', '.join(LOCATION_KEYS)}")
    found = {k: text(v, f"location.{k}", max_length=200) for k, v in value.items() if v is not None}
    return found or None


def _details(value: Any) -> list[dict[str, str]]:
    """Named texts a position shows (``[{name, value}]``), in the order given."""
    if not isinstance(value, list) or len(value) > MAX_DETAILS:
        raise InvalidField("details", f"must be a list of at most {MAX_DETAILS} {{name, value}} objects")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"name", "value"}:
            raise InvalidField(f"details[{i}]", "must be an object with name and value")
        out.append({"name": text(item.get("name") or "", f"details[{i}].name", min_length=1, max_length=200),
                    "value": text(item.get("value") or "", f"details[{i}].value", max_length=20_000)})  # fmt: skip
    return out


def _set_fields(uow: UnitOfWork, ctx: Context, opening: Opening, changes: Mapping[str, Any]) -> None:
    """Set the opening's own fields; a position is open or closed, and its lead recruiter is a live user."""
    for key, value in changes.items():
        if key not in _SCALARS:
            raise InvalidField(key, "cannot be changed")
        setattr(opening, key, clean_opening_field(key, value))
    if opening.kind == OpeningKind.POSITION and opening.status not in POSITION_STATUSES:
        raise InvalidField("status", f"a position's status must be one of {', '.join(POSITION_STATUSES)}")
    if "lead_recruiter_id" in changes and opening.lead_recruiter_id is not None:
        user = uow.users.get(ctx.organization_id, opening.lead_recruiter_id)
        if user is None or user.deleted_at is not None:
            raise NotFound("user", opening.lead_recruiter_id, field="lead_recruiter_id")


def _steps(opening: Opening, specs: tuple[c.StepSpec, ...]) -> list[Step]:
    steps: list[Step] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        if spec.key is not None:
            if spec.key in seen:
                raise InvalidField(f"steps[{i}].key", f"duplicate step key {spec.key!r}")
            seen.add(spec.key)
        _check_step(f"steps[{i}]", spec.active_after, spec.active_before, spec.attempt_limit)
        fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
        fields["name"] = text(spec.name, f"steps[{i}].name", min_length=1, max_length=200)
        steps.append(
            Step(
                id=new_id(),
                organization_id=opening.organization_id,
                opening_id=opening.id,
                position=i,
                **fields,
            )
        )
    return steps


def _check_step(path: str, after: Any, before: Any, limit: int) -> None:
    if after is not None and before is not None and after >= before:
        raise InvalidField(f"{path}.active_after", "must be before active_before")
    if not valid_attempt_limit(limit):
        raise InvalidField(f"{path}.attempt_limit", ATTEMPT_LIMIT_RULE)


def _programs(opening: Opening, specs: tuple[c.ProgramSpec, ...]) -> list[Program]:
    by_key = {s.key: s.id for s in opening.steps if s.key is not None}
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
                id=new_id(),
                organization_id=opening.organization_id,
                opening_id=opening.id,
                name=name,
                step_ids=step_ids,
            )
        )
    return programs


_TEMPLATE_CHECKER = SandboxedEnvironment()


def _templates(opening: Opening, specs: tuple[c.TemplateSpec, ...]) -> list[EmailTemplate]:
    templates: list[EmailTemplate] = []
    for i, spec in enumerate(specs):
        if any(t.name == spec.name for t in templates):
            raise InvalidField(f"email_templates[{i}].name", f"duplicate template name {spec.name!r}")
        for part in ("subject", "body"):
            try:
                _TEMPLATE_CHECKER.parse(getattr(spec, part))
            except TemplateSyntaxError as exc:
                raise InvalidField(f"email_templates[{i}].{part}", f"template syntax error: {exc.message}") from exc
        templates.append(
            EmailTemplate(
                id=new_id(),
                organization_id=opening.organization_id,
                opening_id=opening.id,
                name=text(spec.name, f"email_templates[{i}].name", min_length=1, max_length=200),
                subject=text(spec.subject, f"email_templates[{i}].subject", max_length=1000),
                body=text(spec.body, f"email_templates[{i}].body", max_length=100_000),
            )
        )
    return templates


def load_opening(uow: UnitOfWork, ctx: Context, opening_id: str, field: str | None = None) -> Opening:
    """The live opening ``opening_id`` of the context's organization, or NotFound."""
    opening = uow.openings.get(ctx.organization_id, opening_id)
    if opening is None or opening.deleted_at is not None:
        raise NotFound("opening", opening_id, field=field)
    return opening


@handles(c.UpdateOpening, answers_with=Scope.READ_OPENINGS)
def update_opening(uow: UnitOfWork, ctx: Context, cmd: c.UpdateOpening) -> Opening:
    ctx.actor.principal.require(Scope.WRITE_OPENINGS)
    opening = load_opening(uow, ctx, cmd.opening_id)
    before = {k: getattr(opening, k) for k in _SCALARS}
    changes: Mapping[str, Any] = cmd.changes  # each value is checked by the field's own rule
    _set_fields(uow, ctx, opening, {k: v for k, v in changes.items() if k in _SCALARS})
    for key, value in changes.items():
        if key in _SCALARS:
            continue
        if key == "email_templates":  # null empties them, as it empties every other collection
            opening.email_templates = _templates(opening, tuple(value or ()))
        elif key == "steps":
            _update_steps(opening, value or {})
        else:
            raise InvalidField(key, "cannot be changed")
    opening.updated_at = ctx.now
    save_versioned(uow.openings, opening, "opening", opening.version, cmd.if_version)
    ctx.record(
        EventType.OPENING_UPDATED,
        "opening",
        opening.id,
        changes=changes_between(before, {k: getattr(opening, k) for k in _SCALARS}),
    )
    return opening


def _update_steps(opening: Opening, changes: dict[str, dict[str, Any]]) -> None:
    for step_id, settings in changes.items():
        step = opening.step(step_id)
        if step is None:
            raise InvalidField(f"steps.{step_id}", "no such step in this opening")
        for key, value in settings.items():
            if key not in _STEP_SETTINGS:
                raise InvalidField(f"steps.{step_id}.{key}", "cannot be changed")
            setattr(step, key, value)
        _check_step(f"steps.{step_id}", step.active_after, step.active_before, step.attempt_limit)


@handles(c.DeleteOpening)
def delete_opening(uow: UnitOfWork, ctx: Context, cmd: c.DeleteOpening) -> None:
    ctx.actor.principal.require(Scope.WRITE_OPENINGS)
    opening = load_opening(uow, ctx, cmd.opening_id)
    if opening.application_count > 0:
        raise NotAllowed("an opening with applications cannot be deleted", field="opening_id")
    opening.deleted_at = ctx.now
    save_versioned(uow.openings, opening, "opening", opening.version, cmd.if_version)
    ctx.record(EventType.OPENING_DELETED, "opening", opening.id)
