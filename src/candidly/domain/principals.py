"""API keys, scopes and the principal a request acts as."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from candidly.domain.errors import Forbidden, NotFound


class Scope(StrEnum):
    """What an API key may do (DESIGN.md, "Scopes")."""

    READ_CANDIDATES = "read:candidates"
    WRITE_CANDIDATES = "write:candidates"
    DELETE_CANDIDATES = "delete:candidates"
    READ_OPENINGS = "read:openings"
    WRITE_OPENINGS = "write:openings"
    READ_USERS = "read:users"
    WRITE_USERS = "write:users"
    READ_SALARY = "read:salary"
    ADMIN = "admin"


ALL_SCOPES: frozenset[str] = frozenset(s.value for s in Scope)
KEY_PREFIX = "cdly"


def hash_token(token: str) -> str:
    """Keys are stored only as this digest; a 256-bit random token needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(slots=True)
class ApiKey:
    """A bearer credential of one organization, or of several (an ATS key, made by the operator)."""

    id: str
    organization_id: str | None
    name: str
    token_hash: str
    scopes: list[str]
    organization_ids: list[str]
    created_at: datetime
    revoked_at: datetime | None = None
    signing_secret: str | None = None
    # Set only by the operator: the key may create organizations, which it then spans (InstaView's ATS keys).
    can_create_organizations: bool = False


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key with its token, which is shown this once and never again."""

    key: ApiKey
    token: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: the operator, or an API key with its organizations and scopes."""

    key_id: str | None
    organization_ids: tuple[str, ...]
    scopes: frozenset[str]
    is_operator: bool = False
    signing_secret: str | None = field(default=None, repr=False)
    can_create_organizations: bool = False

    @property
    def is_multi_organization(self) -> bool:
        return len(self.organization_ids) > 1

    def require(self, scope: Scope | str) -> None:
        """Raise Forbidden unless the principal holds ``scope`` (the operator holds all)."""
        if self.is_operator or str(scope) in self.scopes:
            return
        raise Forbidden(f"missing scope {scope}", scope=str(scope))

    def has(self, scope: Scope | str) -> bool:
        return self.is_operator or str(scope) in self.scopes

    def organization(self, requested: str | None = None) -> str:
        """The organization a call acts in: the key's own, or ``requested`` for a multi-organization key.

        Raises:
            NotFound: the key manages no such organization (callers may render it as 403).
        """
        if requested is None:
            if len(self.organization_ids) != 1:
                raise Forbidden("a multi-organization key must name the organization", scope=None)
            return self.organization_ids[0]
        if requested not in self.organization_ids:
            raise NotFound("organization", requested)
        return requested


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change and through which surface, as the event log records it."""

    principal: Principal
    surface: str = "native"
    type: str = "api_key"
    name: str | None = None
    email: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "type": self.type,
            "key_id": self.principal.key_id,
            "name": self.name,
            "email": self.email,
            "surface": self.surface,
        }
