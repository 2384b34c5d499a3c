"""Handlers for applications: a candidate in an opening, its access window, overrides and invitation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from candidly.domain import commands as c
from candidly.domain.applications import UNIQ_WITHIN, Application, ApplicationKind
from candidly.domain.errors import Conflict, NotFound, live
from candidly.domain.events import EventType
from candidly.domain.ids import new_id, new_invitation_code
from candidly.domain.openings import Opening
from candidly.domain.people import Candidate, split_fullname
from candidly.domain.principals import Scope
from candidly.domain.values import email_address
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.handlers.candidate_records import (
    add_files_and_notes,
    load_candidate,
    new_candidate,
    update_candidate_fields,
)
from candidly.service.handlers.openings import load_opening
from candidly.service.handlers.users import load_user
from candidly.service.ports import UnitOfWork


def _resolve_person(uow: UnitOfWork, ctx: Context, cmd: c.CreateApplication, fields: dict[str, Any]) -> Candidate:
    if cmd.candidate_id is not None:
        return load_candidate(uow, ctx, cmd.candidate_id, field="candidate_id")
    if cmd.user_id is not None:
        user = load_user(uow, ctx, cmd.user_id, field="user_id")
        first, last = split_fullname(user.fullname) if user.fullname else (None, None)
        # Internal candidates: the user's name and email, the user's tags under the request's,
        # and the username as uniqId and first credential, so a user joins a task at most once.
        fields["kind"] = ApplicationKind.INTERNAL
        fields["tags"] = {**user.tags, **fields.get("tags", {})}
        fields["credential1"] = user.username
        fields["uniq_id"] = user.username
        return new_candidate(uow, ctx, {"first_name": first, "last_name": last, "email": user.email})
    if cmd.reuse_person_by_email and (given := cmd.candidate.get("email")):
        email = email_address(given)
        existing = uow.candidates.find(ctx.organization_id, email=email, deleted_at=None)
        if existing:
            return existing[0]
    return new_candidate(uow, ctx, cmd.candidate)


@handles(c.CreateApplication, answers_with=Scope.READ_CANDIDATES)
def create_application(uow: UnitOfWork, ctx: Context, cmd: c.CreateApplication) -> Application:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    opening = load_opening(uow, ctx, cmd.opening_id, field="opening_id")
    fields: dict[str, Any] = dict(cmd.fields)
    _require_restricted(ctx, fields)
    person = _resolve_person(uow, ctx, cmd, fields)
    application = new_application(uow, ctx, person, opening, fields, cmd.uniq_scope)
    add_files_and_notes(uow, ctx, person.id, application.id, cmd.attachments, cmd.notes)
    if cmd.invite is not None:
        request_invitation(ctx, application, opening, person, cmd.invite)
    return application


def _require_restricted(ctx: Context, changes: Mapping[str, Any]) -> None:
    """Restricted fields need their own scope to be written, whatever else the key may do."""
    if "salary_expectations" in changes:
        ctx.actor.principal.require(Scope.READ_SALARY)


def new_application(
    uow: UnitOfWork,
    ctx: Context,
    person: Candidate,
    opening: Opening,
    fields: dict[str, Any],
    scope: str | None = None,
) -> Application:
    """Build, validate and add an application of ``person`` to ``opening``."""
    application = Application(
        id=new_id(),
        organization_id=ctx.organization_id,
        candidate_id=person.id,
        opening_id=opening.id,
        created_at=ctx.now,
        updated_at=ctx.now,
        group=opening.default_group,
        language=opening.language,
        invitation_code=new_invitation_code(),
        status_changed_at=ctx.now,
    )
    kind = fields.pop("kind", ApplicationKind.TEMPORARY)
    uniq_id = fields.pop("uniq_id", None)
    application.apply(fields, opening, ctx.now)
    application.kind = kind
    if uniq_id is not None:
        _claim_uniq_id(uow, ctx, application, uniq_id, scope or "task")
    uow.applications.add(application)
    uow.openings.add_counts(ctx.organization_id, opening.id, 1)
    ctx.record(
        EventType.APPLICATION_CREATED,
        "application",
        application.id,
        candidate_id=person.id,
        data={"opening_id": opening.id},
        changes=changes_between({}, application.snapshot()),
    )
    return application


def _claim_uniq_id(uow: UnitOfWork, ctx: Context, application: Application, uniq_id: object, scope: str) -> None:
    application.claim_uniq_id(uniq_id, scope)
    clash = uow.applications.find(ctx.organization_id, opening_id=application.opening_id, uniq_key=application.uniq_key)
    if clash:
        raise Conflict(
            f"uniqId {application.uniq_id!r} is already used {UNIQ_WITHIN[scope]}",
            field="uniq_id",
            existing_id=clash[0].id,
        )


def request_invitation(
    ctx: Context,
    application: Application,
    opening: Opening,
    person: Candidate,
    invite: c.Invitation,
) -> None:
    """Record an invitation email to send (now or at ``send_at``); the delivery worker sends it."""
    name = invite["template_name"]
    application.check_invitation(opening, name, person.email)
    send_at = invite.get("send_at")
    ctx.keep(application, opening, person)  # as written: the fan-out builds the email from them
    ctx.record(
        EventType.INVITATION_REQUESTED,
        "application",
        application.id,
        candidate_id=person.id,
        data={"template_name": name, "opening_id": opening.id, "send_at": send_at.isoformat() if send_at else None},
    )


def load_application(uow: UnitOfWork, ctx: Context, application_id: str, opening_id: str | None = None) -> Application:
    application = live(uow.applications.get(ctx.organization_id, application_id), "application", application_id)
    if opening_id is not None and application.opening_id != opening_id:
        raise NotFound("application", application_id)
    return application


def load_enterable(uow: UnitOfWork, ctx: Context, application_id: str) -> Application:
    """An application whose candidate may come in now (active, within their login window); NotAllowed if not."""
    application = load_application(uow, ctx, application_id)
    application.require_enterable(ctx.now)
    return application


@handles(c.UpdateApplication, answers_with=Scope.READ_CANDIDATES)
def update_application(uow: UnitOfWork, ctx: Context, cmd: c.UpdateApplication) -> Application:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    if cmd.opening_id is not None:
        load_opening(uow, ctx, cmd.opening_id)
    application = load_application(uow, ctx, cmd.application_id, cmd.opening_id)
    _require_restricted(ctx, cmd.changes)
    opening = load_opening(uow, ctx, application.opening_id)
    loaded_version = application.version
    before = application.snapshot()
    application.apply(cmd.changes, opening, ctx.now, cmd.step_changes)
    if cmd.candidate_changes:
        person = load_candidate(uow, ctx, application.candidate_id)
        update_candidate_fields(uow, ctx, person, cmd.candidate_changes, None)
    save_versioned(uow.applications, application, "application", loaded_version, cmd.if_version)
    add_files_and_notes(uow, ctx, application.candidate_id, application.id, cmd.attachments, cmd.notes)
    ctx.record(
        EventType.APPLICATION_UPDATED,
        "application",
        application.id,
        candidate_id=application.candidate_id,
        changes=changes_between(before, application.snapshot()),
    )
    return application


@handles(c.DeleteApplication)
def delete_application(uow: UnitOfWork, ctx: Context, cmd: c.DeleteApplication) -> None:
    ctx.actor.principal.require(Scope.DELETE_CANDIDATES)
    if cmd.opening_id is not None:
        load_opening(uow, ctx, cmd.opening_id)
    application = load_application(uow, ctx, cmd.application_id, cmd.opening_id)
    if cmd.only_if_untouched:
        application.require_untouched()
    if cmd.if_version is not None and cmd.if_version != application.version:
        save_versioned(uow.applications, application, "application", application.version, cmd.if_version)
    remove_application(uow, ctx, application)


def remove_application(uow: UnitOfWork, ctx: Context, application: Application) -> None:
    """Soft-delete an application, freeing its uniqId and invitation code for reuse."""
    loaded_version = application.version
    application.remove(ctx.now)
    save_versioned(uow.applications, application, "application", loaded_version, None)
    uow.openings.add_counts(ctx.organization_id, application.opening_id, -1)
    ctx.record(EventType.APPLICATION_DELETED, "application", application.id, candidate_id=application.candidate_id)


def set_openings(uow: UnitOfWork, ctx: Context, person: Candidate, opening_ids: tuple[str, ...]) -> list[Application]:
    """Make ``opening_ids`` the person's openings exactly: add the missing, remove the others."""
    current = {
        a.opening_id: a for a in uow.applications.find(ctx.organization_id, candidate_id=person.id, deleted_at=None)
    }
    wanted = list(dict.fromkeys(opening_ids))
    for i, opening_id in enumerate(wanted):
        if opening_id not in current:
            opening = load_opening(uow, ctx, opening_id, field=f"opening_ids[{i}]")
            current[opening_id] = new_application(uow, ctx, person, opening, {})
    for opening_id, application in list(current.items()):
        if opening_id not in wanted:
            remove_application(uow, ctx, application)
            del current[opening_id]
    return [current[o] for o in wanted]
