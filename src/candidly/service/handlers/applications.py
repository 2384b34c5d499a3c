"""Handlers for applications: a candidate in an opening, its access window, overrides and invitation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from candidly.domain import commands as c
from candidly.domain.applications import (
    OVERRIDABLE,
    UNIQ_SCOPES,
    Application,
    ApplicationKind,
    apply_step_change,
    uniq_key,
    within_login_window,
)
from candidly.domain.deliveries import callback_spec
from candidly.domain.errors import Conflict, InvalidField, NotAllowed, NotFound
from candidly.domain.events import EventType
from candidly.domain.ids import new_id, new_invitation_code
from candidly.domain.openings import ATTEMPT_LIMIT_RULE, Opening, valid_attempt_limit
from candidly.domain.people import Candidate, split_fullname
from candidly.domain.principals import Scope
from candidly.domain.values import email_address, json_object, string_map, text
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.handlers.openings import load_opening
from candidly.service.handlers.people import (
    add_files_and_notes,
    load_candidate,
    load_user,
    new_candidate,
    update_candidate_fields,
)
from candidly.service.ports import UnitOfWork

_SIMPLE_TEXT = {"group": 200, "external_id": 255, "language": 10, "stage": 200, "status": 40,
                "credential1": 200, "credential2": 200, "source": 40, "salary_expectations": 255}  # fmt: skip
_BOOLS = ("active", "favorite", "logged_in")
_COLLECTIONS: dict[str, type] = {"labels": list, "tags": dict, "program_ids": list, "extra_emails": list,
                                 "step_overrides": dict}  # fmt: skip
_DICTS = {"external_data": 10 * 1024, "attributes": 64 * 1024, "callback": 10 * 1024}
APPLICATION_FIELDS = (
    "group", "labels", "tags", "external_id", "external_data", "language", "program_ids",
    "extra_emails", "active", "active_after", "active_before", "price_amount", "price_currency",
    "favorite", "rating", "stage", "status", "credential1", "credential2", "logged_in", "source",
    "callback", "attributes", "step_overrides", "salary_expectations",
)  # fmt: skip


def clean_application_field(key: str, value: Any, opening: Opening) -> Any:
    """Validate one application field against its opening and return its stored form."""
    if key in _SIMPLE_TEXT:
        return (
            None if value is None and key not in ("group", "source") else text(value, key, max_length=_SIMPLE_TEXT[key])
        )
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise InvalidField(key, "must be true or false")
        return value
    if key in _DICTS:
        if value is None:
            return None if key == "callback" else {}
        value = json_object(value, key, max_bytes=_DICTS[key], max_depth=10, max_keys=1000)
        return callback_spec(value) if key == "callback" else value
    if value is None and key in _COLLECTIONS:
        return _COLLECTIONS[key]()  # null empties a collection, as it empties metadata
    if key == "labels":
        if len(value) > 100:
            raise InvalidField(key, "must have at most 100 labels")
        return list(dict.fromkeys(text(v, f"{key}[{i}]", min_length=1, max_length=200) for i, v in enumerate(value)))
    if key == "tags":
        return string_map(value, key)
    if key == "program_ids":
        for i, pid in enumerate(value):
            if opening.program(pid) is None:
                raise InvalidField(f"{key}[{i}]", f"{pid!r} is not a program of this opening")
        return list(dict.fromkeys(value))
    if key == "extra_emails":
        if len(value) > 20:
            raise InvalidField(key, "must have at most 20 addresses")
        return [email_address(v, f"{key}[{i}]") for i, v in enumerate(value)]
    if key in ("active_after", "active_before"):
        return value
    if key == "price_amount":
        if value is not None and value < 0:
            raise InvalidField(key, "must not be negative")
        return value
    if key == "price_currency":
        return None if value is None else text(value, key, min_length=3, max_length=3)
    if key == "rating":
        if value is not None and not 1 <= value <= 5:
            raise InvalidField(key, "must be between 1 and 5")
        return value
    if key == "step_overrides":
        return {sid: _clean_override(opening, sid, o) for sid, o in value.items()}
    raise InvalidField(key, "is not an application field")


def _clean_override(opening: Opening, step_id: str, override: dict[str, Any]) -> dict[str, Any]:
    if opening.step(step_id) is None:
        raise InvalidField(f"step_overrides.{step_id}", "is not a step of this opening")
    for key, value in override.items():
        path = f"step_overrides.{step_id}.{key}"
        if key not in OVERRIDABLE:
            raise InvalidField(path, "cannot be overridden")
        if key == "attempt_limit" and not valid_attempt_limit(value):
            raise InvalidField(path, ATTEMPT_LIMIT_RULE)
        if key == "active" and not isinstance(value, bool):
            raise InvalidField(path, "must be true or false")
    return dict(override)


def _check_windows(application: Application, opening: Opening) -> None:
    """Every window must open before it closes, after all changes are applied."""
    if _inverted(application.active_after, application.active_before):
        raise InvalidField("active_after", "must be before active_before")
    for step in opening.steps:
        override = application.step_overrides.get(step.id, {})
        after = override.get("active_after", step.active_after)
        before = override.get("active_before", step.active_before)
        if _inverted(after, before):
            raise InvalidField(f"step_overrides.{step.id}.active_after", "must be before active_before")


def _inverted(after: datetime | None, before: datetime | None) -> bool:
    return after is not None and before is not None and after >= before


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
        id=new_id(), organization_id=ctx.organization_id, candidate_id=person.id, opening_id=opening.id,
        created_at=ctx.now, updated_at=ctx.now, group=opening.default_group, language=opening.language,
        invitation_code=new_invitation_code(), status_changed_at=ctx.now,
    )  # fmt: skip
    kind = fields.pop("kind", ApplicationKind.TEMPORARY)
    uniq_id = fields.pop("uniq_id", None)
    _apply_changes(application, opening, fields)
    application.kind = kind
    _check_windows(application, opening)
    if uniq_id is not None:
        _claim_uniq_id(
            uow,
            ctx,
            application,
            text(uniq_id, "uniq_id", min_length=1, max_length=255),
            scope or "task",
        )
    uow.applications.add(application)
    uow.openings.add_counts(ctx.organization_id, opening.id, 1)
    ctx.record(
        EventType.APPLICATION_CREATED, "application", application.id, candidate_id=person.id,
        data={"opening_id": opening.id}, changes=changes_between({}, snapshot(application)),
    )  # fmt: skip
    return application


# Where a uniqId must be unique, in words: "in this labels" would not read.
_WITHIN = {"task": "in this task", "group": "in this group", "labels": "by a candidate with the same labels",
           "programs": "by a candidate with the same programs"}  # fmt: skip


def _claim_uniq_id(uow: UnitOfWork, ctx: Context, application: Application, uniq_id: str, scope: str) -> None:
    if scope not in UNIQ_SCOPES:
        raise InvalidField("uniq_scope", f"must be one of {', '.join(UNIQ_SCOPES)}")
    key = uniq_key(uniq_id, scope, application)
    clash = uow.applications.find(ctx.organization_id, opening_id=application.opening_id, uniq_key=key)
    if clash:
        raise Conflict(
            f"uniqId {uniq_id!r} is already used {_WITHIN[scope]}",
            field="uniq_id",
            existing_id=clash[0].id,
        )
    application.uniq_id, application.uniq_key = uniq_id, key


def request_invitation(
    ctx: Context,
    application: Application,
    opening: Opening,
    person: Candidate,
    invite: c.Invitation,
) -> None:
    """Record an invitation email to send (now or at ``send_at``); the delivery worker sends it."""
    name = invite["template_name"]
    if opening.template(name) is None:
        raise InvalidField("invite.template_name", f"no email template named {name!r} in this opening")
    if person.email is None:
        raise InvalidField("invite", "the candidate has no email address to send to")
    send_at = invite.get("send_at")
    ctx.record(
        EventType.INVITATION_REQUESTED, "application", application.id, candidate_id=person.id,
        data={"template_name": name, "opening_id": opening.id, "send_at": send_at.isoformat() if send_at else None},
    )  # fmt: skip


def snapshot(application: Application) -> dict[str, Any]:
    return {k: getattr(application, k) for k in APPLICATION_FIELDS}


def load_application(uow: UnitOfWork, ctx: Context, application_id: str, opening_id: str | None = None) -> Application:
    application = uow.applications.get(ctx.organization_id, application_id)
    if application is None or application.deleted_at is not None:
        raise NotFound("application", application_id)
    if opening_id is not None and application.opening_id != opening_id:
        raise NotFound("application", application_id)
    return application


def load_enterable(uow: UnitOfWork, ctx: Context, application_id: str) -> Application:
    """An application whose candidate may come in now (active, within their login window); NotAllowed if not."""
    application = load_application(uow, ctx, application_id)
    if not within_login_window(application, ctx.now):
        raise NotAllowed("the candidate is inactive or outside their login window", field="application_id")
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
    before = snapshot(application)
    _apply_changes(application, opening, cmd.changes)
    overrides = dict(application.step_overrides)
    for step_id, change in cmd.step_changes.items():
        if opening.step(step_id) is None:
            raise InvalidField(f"steps.{step_id}", "is not a step of this opening")
        overrides[step_id] = apply_step_change(overrides.get(step_id, {}), change)
    application.step_overrides = clean_application_field(
        "step_overrides", {k: v for k, v in overrides.items() if v}, opening
    )
    _check_windows(application, opening)
    application.updated_at = ctx.now
    if application.status != before["status"]:
        application.status_changed_at = ctx.now
    if cmd.candidate_changes:
        person = load_candidate(uow, ctx, application.candidate_id)
        update_candidate_fields(uow, ctx, person, cmd.candidate_changes, None)
    save_versioned(uow.applications, application, "application", loaded_version, cmd.if_version)
    add_files_and_notes(uow, ctx, application.candidate_id, application.id, cmd.attachments, cmd.notes)
    ctx.record(
        EventType.APPLICATION_UPDATED, "application", application.id, candidate_id=application.candidate_id,
        changes=changes_between(before, snapshot(application)),
    )  # fmt: skip
    return application


def _apply_changes(application: Application, opening: Opening, changes: Mapping[str, Any]) -> None:
    """Set each field; ``labels_add``/``labels_remove`` edit labels, ``attributes_patch`` merges (null drops a key)."""
    for key, value in changes.items():
        if key == "attributes_patch":
            merged = {**application.attributes, **value}
            value = {k: v for k, v in merged.items() if v is not None}
            key = "attributes"
        elif key == "labels_add":
            value = [*application.labels, *value]
            key = "labels"
        elif key == "labels_remove":
            value = [label for label in application.labels if label not in set(value)]
            key = "labels"
        setattr(application, key, clean_application_field(key, value, opening))


@handles(c.DeleteApplication)
def delete_application(uow: UnitOfWork, ctx: Context, cmd: c.DeleteApplication) -> None:
    ctx.actor.principal.require(Scope.DELETE_CANDIDATES)
    if cmd.opening_id is not None:
        load_opening(uow, ctx, cmd.opening_id)
    application = load_application(uow, ctx, cmd.application_id, cmd.opening_id)
    if cmd.only_if_untouched and (application.logged_in or application.session_count > 0):
        raise NotAllowed("a candidate who has logged in or has test sessions cannot be deleted")
    if cmd.if_version is not None and cmd.if_version != application.version:
        save_versioned(uow.applications, application, "application", application.version, cmd.if_version)
    remove_application(uow, ctx, application)


def remove_application(uow: UnitOfWork, ctx: Context, application: Application) -> None:
    """Soft-delete an application, freeing its uniqId and invitation code for reuse."""
    loaded_version = application.version
    application.deleted_at = application.updated_at = ctx.now
    application.uniq_key = None
    application.invitation_code = None
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
