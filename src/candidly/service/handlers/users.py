"""Handlers for users: the members of an organization (TestInvite's internal candidates are made from them)."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.errors import Conflict, live
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.people import User, clean_user
from candidly.domain.principals import Scope
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.ports import Filters, UnitOfWork


def _ensure_username_free(uow: UnitOfWork, ctx: Context, username: str) -> None:
    if uow.users.count(ctx.organization_id, Filters(equal={"username": username}, include_deleted=True)):
        raise Conflict(f"username {username!r} is taken", field="username")


@handles(c.CreateUser, answers_with=Scope.READ_USERS)
def create_user(uow: UnitOfWork, ctx: Context, cmd: c.CreateUser) -> User:
    ctx.actor.principal.require(Scope.WRITE_USERS)
    fields = clean_user({"username": cmd.username, "fullname": cmd.fullname, "email": cmd.email, "tags": cmd.tags})
    _ensure_username_free(uow, ctx, fields["username"])
    user = User(id=new_id(), organization_id=ctx.organization_id, created_at=ctx.now, updated_at=ctx.now, **fields)
    uow.users.add(user)
    ctx.record(EventType.USER_CREATED, "user", user.id)
    return user


def load_user(uow: UnitOfWork, ctx: Context, user_id: str, field: str | None = None) -> User:
    return live(uow.users.get(ctx.organization_id, user_id), "user", user_id, field)


@handles(c.UpdateUser, answers_with=Scope.READ_USERS)
def update_user(uow: UnitOfWork, ctx: Context, cmd: c.UpdateUser) -> User:
    ctx.actor.principal.require(Scope.WRITE_USERS)
    user = load_user(uow, ctx, cmd.user_id)
    loaded_version, before = user.version, user.snapshot()
    user.apply(cmd.changes)
    if user.username != before["username"]:
        _ensure_username_free(uow, ctx, user.username)
    user.updated_at = ctx.now
    save_versioned(uow.users, user, "user", loaded_version, cmd.if_version)
    ctx.record(
        EventType.USER_UPDATED,
        "user",
        user.id,
        changes=changes_between(before, user.snapshot()),
    )
    return user


@handles(c.DeleteUser)
def delete_user(uow: UnitOfWork, ctx: Context, cmd: c.DeleteUser) -> None:
    ctx.actor.principal.require(Scope.WRITE_USERS)
    user = load_user(uow, ctx, cmd.user_id)
    loaded_version = user.version
    user.deleted_at = ctx.now
    save_versioned(uow.users, user, "user", loaded_version, cmd.if_version)
    ctx.record(EventType.USER_DELETED, "user", user.id)
