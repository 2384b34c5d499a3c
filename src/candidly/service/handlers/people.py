"""Handlers for candidates (people) and users (organization members)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from candidly.domain import commands as c
from candidly.domain.attachments import Attachment, Note
from candidly.domain.errors import Conflict, InvalidField, NotFound
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.people import Candidate, User
from candidly.domain.principals import Scope
from candidly.domain.values import MAX_NAME, email_address, json_object, phone_number, string_map, text
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.ports import Filters, UnitOfWork

NOTE_MAX = 30_000  # the longest note a surface takes (a note posted to Comeet)
GENDERS = ("male", "female")
CV_MAX = 50_000
# CVs arrive anonymized (domain.anonymize, run by the surface before the write transaction) and a placeholder may
# be longer than what it replaced ("Al" -> "[NAME]"): the stored text may grow up to three times the input limit.
CV_STORED_MAX = 3 * CV_MAX
METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}
# Surface-specific profile data (Paradox's fields, Comeet's custom fields); merged over many updates, so bounded whole.
ATTRIBUTE_LIMITS = {"max_bytes": 256 * 1024, "max_depth": 5, "max_keys": 2000}
CANDIDATE_FIELDS = (
    "first_name", "last_name", "middle_name", "email", "phone", "external_id", "status",
    "language", "gender", "cv", "gdpr_expiry_date", "metadata", "attributes",
)  # fmt: skip


def clean_candidate_field(key: str, value: Any, today: date) -> Any:
    """Validate one candidate field and return its stored form (the rules every surface shares)."""
    if value is None:
        return {} if key in ("metadata", "attributes") else None
    if key in ("first_name", "last_name", "middle_name"):
        return text(value, key, min_length=1, max_length=MAX_NAME)
    if key == "email":
        return email_address(value, key)
    if key == "phone":
        return phone_number(value, key)
    if key in ("external_id", "status", "language"):
        return text(value, key, max_length=255 if key == "external_id" else 40)
    if key == "gender":
        if value not in GENDERS:
            raise InvalidField(key, "must be male, female or null")
        return value
    if key == "cv":
        return text(value, key, max_length=CV_STORED_MAX)
    if key == "gdpr_expiry_date":
        if value <= today:
            raise InvalidField(key, "must be a date in the future")
        return value
    if key == "metadata":
        return json_object(value, key, **METADATA_LIMITS)
    if key == "attributes":
        return json_object(dict(value), key, **ATTRIBUTE_LIMITS)
    raise InvalidField(key, "is not a candidate field")


def apply_candidate_changes(candidate: Candidate, changes: Mapping[str, Any], today: date) -> None:
    """Apply validated changes; ``attributes_patch`` merges into attributes (a null value drops a key)."""
    for key, value in changes.items():
        if key == "attributes_patch":
            merged = {**candidate.attributes, **value}
            candidate.attributes = json_object(
                {k: v for k, v in merged.items() if v is not None}, "attributes", **ATTRIBUTE_LIMITS
            )
        else:
            setattr(candidate, key, clean_candidate_field(key, value, today))


def snapshot(candidate: Candidate) -> dict[str, Any]:
    return {k: getattr(candidate, k) for k in CANDIDATE_FIELDS}


def new_candidate(uow: UnitOfWork, ctx: Context, fields: Mapping[str, Any]) -> Candidate:
    """Build, validate and add a person; records candidate.created."""
    candidate = Candidate(
        id=new_id(),
        organization_id=ctx.organization_id,
        seq=uow.organizations.next_candidate_seq(ctx.organization_id),
        public_ref=secrets.token_urlsafe(16),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    apply_candidate_changes(candidate, fields, ctx.now.date())
    uow.candidates.add(candidate)
    ctx.record(
        EventType.CANDIDATE_CREATED, "candidate", candidate.id, candidate_id=candidate.id,
        changes=changes_between({}, snapshot(candidate)),
    )  # fmt: skip
    return candidate


def load_candidate(uow: UnitOfWork, ctx: Context, candidate_id: str, field: str | None = None) -> Candidate:
    candidate = uow.candidates.get(ctx.organization_id, candidate_id)
    if candidate is None or candidate.deleted_at is not None:
        raise NotFound("candidate", candidate_id, field=field)
    return candidate


def update_candidate_fields(
    uow: UnitOfWork,
    ctx: Context,
    candidate: Candidate,
    changes: Mapping[str, Any],
    if_version: int | None,
) -> None:
    """Apply ``changes`` to a loaded candidate, save it under optimistic locking, record the event."""
    loaded_version = candidate.version
    before = snapshot(candidate)
    apply_candidate_changes(candidate, changes, ctx.now.date())
    candidate.updated_at = ctx.now
    save_versioned(uow.candidates, candidate, "candidate", loaded_version, if_version)
    ctx.record(
        EventType.CANDIDATE_UPDATED, "candidate", candidate.id, candidate_id=candidate.id,
        changes=changes_between(before, snapshot(candidate)),
    )  # fmt: skip


def add_files_and_notes(
    uow: UnitOfWork,
    ctx: Context,
    candidate_id: str,
    application_id: str | None,
    attachments: tuple[c.AttachmentSpec, ...],
    notes: tuple[str, ...],
) -> None:
    """Store the command's files and notes with the person (and the application), in the command's transaction."""
    for spec in attachments:
        attachment = Attachment(
            id=new_id(), organization_id=ctx.organization_id, candidate_id=candidate_id, application_id=application_id,
            kind=text(spec.kind, "attachments.kind", max_length=40),
            name=text(spec.name, "attachments.name", min_length=1, max_length=255),
            content_type=spec.content_type, size=len(spec.content), created_at=ctx.now,
        )  # fmt: skip
        uow.blobs.add_attachment(attachment, spec.content)
    for body in notes:
        uow.blobs.add_note(Note(
            id=new_id(), organization_id=ctx.organization_id, candidate_id=candidate_id, application_id=application_id,
            body=text(body, "note", min_length=1, max_length=NOTE_MAX), author=ctx.actor.as_dict(), created_at=ctx.now,
        ))  # fmt: skip


def _clean_user(changes: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "username":
            out[key] = text(value, key, min_length=1, max_length=200)
        elif key == "fullname":
            out[key] = None if value is None else text(value, key, max_length=MAX_NAME)
        elif key == "email":
            out[key] = None if value is None else email_address(value, key)
        elif key == "tags":
            out[key] = string_map(value, key)
        else:
            raise InvalidField(key, "is not a user field")
    return out


def _ensure_username_free(uow: UnitOfWork, ctx: Context, username: str) -> None:
    if uow.users.count(ctx.organization_id, Filters(equal={"username": username}, include_deleted=True)):
        raise Conflict(f"username {username!r} is taken", field="username")


@handles(c.CreateUser, answers_with=Scope.READ_USERS)
def create_user(uow: UnitOfWork, ctx: Context, cmd: c.CreateUser) -> User:
    ctx.actor.principal.require(Scope.WRITE_USERS)
    fields = _clean_user({"username": cmd.username, "fullname": cmd.fullname, "email": cmd.email, "tags": cmd.tags})
    _ensure_username_free(uow, ctx, fields["username"])
    user = User(
        id=new_id(),
        organization_id=ctx.organization_id,
        created_at=ctx.now,
        updated_at=ctx.now,
        **fields,
    )
    uow.users.add(user)
    ctx.record(EventType.USER_CREATED, "user", user.id)
    return user


def load_user(uow: UnitOfWork, ctx: Context, user_id: str, field: str | None = None) -> User:
    user = uow.users.get(ctx.organization_id, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound("user", user_id, field=field)
    return user


@handles(c.UpdateUser, answers_with=Scope.READ_USERS)
def update_user(uow: UnitOfWork, ctx: Context, cmd: c.UpdateUser) -> User:
    ctx.actor.principal.require(Scope.WRITE_USERS)
    user = load_user(uow, ctx, cmd.user_id)
    loaded_version = user.version
    fields = _clean_user(cmd.changes)
    if "username" in fields and fields["username"] != user.username:
        _ensure_username_free(uow, ctx, fields["username"])
    before = {k: getattr(user, k) for k in fields}
    for key, value in fields.items():
        setattr(user, key, value)
    user.updated_at = ctx.now
    save_versioned(uow.users, user, "user", loaded_version, cmd.if_version)
    ctx.record(EventType.USER_UPDATED, "user", user.id, changes=changes_between(before, fields))
    return user


@handles(c.DeleteUser)
def delete_user(uow: UnitOfWork, ctx: Context, cmd: c.DeleteUser) -> None:
    ctx.actor.principal.require(Scope.WRITE_USERS)
    user = load_user(uow, ctx, cmd.user_id)
    loaded_version = user.version
    user.deleted_at = ctx.now
    save_versioned(uow.users, user, "user", loaded_version, cmd.if_version)
    ctx.record(EventType.USER_DELETED, "user", user.id)
