"""Handlers for organizations and API keys."""

from __future__ import annotations

import secrets

from candidly.domain import commands as c
from candidly.domain.errors import Forbidden, InvalidField, NotFound
from candidly.domain.ids import new_id, new_token
from candidly.domain.organizations import Organization
from candidly.domain.principals import ALL_SCOPES, KEY_PREFIX, ApiKey, IssuedKey, Scope, hash_token
from candidly.domain.values import json_object, text
from candidly.service.bus import handles
from candidly.service.context import Context
from candidly.service.ports import UnitOfWork


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


ORGANIZATION_METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}


@handles(c.CreateOrganizationForKey)
def create_organization_for_key(uow: UnitOfWork, ctx: Context, cmd: c.CreateOrganizationForKey) -> Organization:
    """The acting key makes an organization and spans it at once; only a key the operator allowed may."""
    principal = ctx.actor.principal
    if not principal.can_create_organizations or principal.key_id is None:
        raise Forbidden("only a key the operator allowed to create organizations may create one")
    key = uow.api_keys.get(principal.key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound("api key", principal.key_id)
    org = Organization(
        id=new_id(),
        name=text(cmd.name.strip(), "name", min_length=2, max_length=100),
        created_at=ctx.now,
        description=None
        if cmd.description is None
        else text(cmd.description, "description", min_length=1, max_length=1000),
        metadata=json_object(cmd.metadata, "metadata", **ORGANIZATION_METADATA_LIMITS),
        created_by_key_id=key.id,
    )
    uow.organizations.add(org)
    uow.api_keys.set_organizations(key.id, [*key.organization_ids, org.id])
    return org


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
        if principal.is_operator and not cmd.can_create_organizations:
            raise InvalidField("organization_ids", "the operator must name the organizations")
        beyond = sorted(set(cmd.scopes) - principal.scopes)
        if beyond:  # else an admin-only key could mint itself read:salary, or any scope it was not given
            raise Forbidden(f"a key can only give scopes it holds itself; it lacks {beyond[0]}", scope=beyond[0])
        # A key that may create organizations may start with none: it spans the ones it creates.
        org_ids = [] if principal.is_operator else [ctx.organization_id]
    if cmd.can_create_organizations and not principal.is_operator:
        raise Forbidden("only the operator allows a key to create organizations")
    name = text(cmd.name, "name", min_length=1, max_length=200)
    return _issue(uow, ctx, name, sorted(set(cmd.scopes)), org_ids, cmd.can_create_organizations)


def _issue(
    uow: UnitOfWork, ctx: Context, name: str, scopes: list[str], org_ids: list[str], can_create: bool = False
) -> IssuedKey:
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
        can_create_organizations=can_create,
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
