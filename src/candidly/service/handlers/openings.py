"""Handlers for openings: their steps, programs and email templates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from candidly.domain import commands as c
from candidly.domain.errors import InvalidField, NotAllowed, live
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.openings import OPENING_FIELDS, Opening, OpeningKind
from candidly.domain.principals import Scope
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.ports import UnitOfWork


@handles(c.CreateOpening, answers_with=Scope.READ_OPENINGS)
def create_opening(uow: UnitOfWork, ctx: Context, cmd: c.CreateOpening) -> Opening:
    ctx.actor.principal.require(Scope.WRITE_OPENINGS)
    if cmd.kind not in OpeningKind.__members__.values():
        raise InvalidField("kind", f"must be one of {', '.join(k.value for k in OpeningKind)}")
    opening = Opening(
        id=new_id(), organization_id=ctx.organization_id, kind=cmd.kind, name="", created_at=ctx.now, updated_at=ctx.now
    )
    opening.apply(
        {
            "name": cmd.name,
            "external_id": cmd.external_id,
            "language": cmd.language,
            "default_group": cmd.default_group,
            "settings": cmd.settings,
        }
    )
    _set_fields(uow, ctx, opening, cmd.fields)
    opening.set_steps(cmd.steps)
    opening.set_programs(cmd.programs)
    opening.set_templates(cmd.email_templates)
    uow.openings.add(opening)
    ctx.record(EventType.OPENING_CREATED, "opening", opening.id, data={"name": opening.name})
    return opening


def _set_fields(uow: UnitOfWork, ctx: Context, opening: Opening, changes: Mapping[str, Any]) -> None:
    """Set the opening's own fields; its lead recruiter must be a live user of the organization."""
    opening.apply(changes)
    if "lead_recruiter_id" in changes and opening.lead_recruiter_id is not None:
        live(
            uow.users.get(ctx.organization_id, opening.lead_recruiter_id),
            "user",
            opening.lead_recruiter_id,
            "lead_recruiter_id",
        )


def load_opening(uow: UnitOfWork, ctx: Context, opening_id: str, field: str | None = None) -> Opening:
    """The live opening ``opening_id`` of the context's organization, or NotFound."""
    return live(uow.openings.get(ctx.organization_id, opening_id), "opening", opening_id, field)


@handles(c.UpdateOpening, answers_with=Scope.READ_OPENINGS)
def update_opening(uow: UnitOfWork, ctx: Context, cmd: c.UpdateOpening) -> Opening:
    ctx.actor.principal.require(Scope.WRITE_OPENINGS)
    opening = load_opening(uow, ctx, cmd.opening_id)
    before = opening.snapshot()
    changes: Mapping[str, Any] = cmd.changes  # each value is checked by the field's own rule
    _set_fields(uow, ctx, opening, {k: v for k, v in changes.items() if k in OPENING_FIELDS})
    for key, value in changes.items():
        if key == "email_templates":  # null empties them, as it empties every other collection
            opening.set_templates(tuple(value or ()))
        elif key == "steps":
            opening.change_steps(value or {})
        elif key not in OPENING_FIELDS:
            raise InvalidField(key, "cannot be changed")
    opening.updated_at = ctx.now
    save_versioned(uow.openings, opening, "opening", opening.version, cmd.if_version)
    ctx.record(
        EventType.OPENING_UPDATED,
        "opening",
        opening.id,
        changes=changes_between(before, opening.snapshot()),
    )
    return opening


@handles(c.DeleteOpening)
def delete_opening(uow: UnitOfWork, ctx: Context, cmd: c.DeleteOpening) -> None:
    ctx.actor.principal.require(Scope.WRITE_OPENINGS)
    opening = load_opening(uow, ctx, cmd.opening_id)
    if opening.application_count > 0:
        raise NotAllowed("an opening with applications cannot be deleted", field="opening_id")
    opening.deleted_at = ctx.now
    save_versioned(uow.openings, opening, "opening", opening.version, cmd.if_version)
    ctx.record(EventType.OPENING_DELETED, "opening", opening.id)
