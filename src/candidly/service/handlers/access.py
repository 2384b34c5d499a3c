"""Handlers for organizations and API keys."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from candidly.domain import commands as c
from candidly.domain.access import ALL_SCOPES, KEY_PREFIX, ApiKey, Organization, Scope, hash_token
from candidly.domain.errors import Forbidden, InvalidField, NotFound
from candidly.domain.ids import new_id, new_token
from candidly.domain.values import text
from candidly.service.bus import handles
from candidly.service.context import Context
from candidly.service.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key with its token, which is shown this once and never again."""

    key: ApiKey
    token: str


@handles(c.CreateOrganization)
def create_organization(uow: UnitOfWork, ctx: Context, cmd: c.CreateOrganization) -> tuple[Organization, IssuedKey]:
    if not ctx.actor.principal.is_operator:
        raise Forbidden("only the operator creates organizations")
    org = Organization(
        id=new_id(),
        name=text(cmd.name.strip(), "name", min_length=1, max_length=200),
        created_at=ctx.now,
    )
    uow.organizations.add(org)
    issued = _issue(uow, ctx, "default", sorted(ALL_SCOPES), [org.id])
    return org, issued


@handles(c.CreateApiKey)
def create_api_key(uow: UnitOfWork, ctx: Context, cmd: c.CreateApiKey) -> IssuedKey:
    principal = ctx.actor.principal
    unknown = sorted(set(cmd.scopes) - ALL_SCOPES)
    if unknown:
        raise InvalidField("scopes", f"unknown scope {unknown[0]!r}")
    if cmd.organization_ids:
        if not principal.is_operator:
            raise Forbidden("only the operator makes keys for named organizations")
        for i, org_id in enumerate(cmd.organization_ids):
            if uow.organizations.get(org_id) is None:
                raise NotFound("organization", org_id, field=f"organization_ids[{i}]")
        org_ids = list(dict.fromkeys(cmd.organization_ids))
    else:
        principal.require(Scope.ADMIN)
        if principal.is_operator:
            raise InvalidField("organization_ids", "the operator must name the organizations")
        beyond = sorted(set(cmd.scopes) - principal.scopes)
        if beyond:  # else an admin-only key could mint itself read:salary, or any scope it was not given
            raise Forbidden(f"a key can only give scopes it holds itself; it lacks {beyond[0]}", scope=beyond[0])
        org_ids = [ctx.organization_id]
    return _issue(
        uow,
        ctx,
        text(cmd.name, "name", min_length=1, max_length=200),
        sorted(set(cmd.scopes)),
        org_ids,
    )


def _issue(uow: UnitOfWork, ctx: Context, name: str, scopes: list[str], org_ids: list[str]) -> IssuedKey:
    token = new_token(KEY_PREFIX)
    key = ApiKey(
        id=new_id(),
        organization_id=org_ids[0] if len(org_ids) == 1 else None,
        name=name,
        token_hash=hash_token(token),
        scopes=scopes,
        organization_ids=org_ids,
        created_at=ctx.now,
        # Secret for signed schemes (Comeet's HS256 JWT): HMAC needs the key itself, not a hash.
        signing_secret=secrets.token_urlsafe(32),
    )
    uow.api_keys.add(key)
    return IssuedKey(key=key, token=token)


@handles(c.RevokeApiKey)
def revoke_api_key(uow: UnitOfWork, ctx: Context, cmd: c.RevokeApiKey) -> None:
    principal = ctx.actor.principal
    key = uow.api_keys.get(cmd.key_id)
    if key is None or not (principal.is_operator or ctx.organization_id in key.organization_ids):
        raise NotFound("api key", cmd.key_id)
    principal.require(Scope.ADMIN)
    if len(key.organization_ids) > 1 and not principal.is_operator:
        # An ATS key serves other organizations too: one of them must not cut the others off.
        raise Forbidden("only the operator revokes a key that serves several organizations", scope=None)
    uow.api_keys.revoke(key.id, ctx.now)
