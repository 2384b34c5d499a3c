"""Domain errors: facts about why a command cannot be carried out. They carry data, never status codes."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """Base of every error the domain and service layers raise on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidField(DomainError):
    """A value is not acceptable; ``field`` is its dotted path in the command."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(DomainError):
    """No such resource in the caller's organization(s)."""

    def __init__(self, kind: str, ident: str, field: str | None = None) -> None:
        super().__init__(f"{kind} {ident!r} not found")
        self.kind = kind
        self.ident = ident
        self.field = field


def live(entity: T | None, kind: str, ident: str, field: str | None = None) -> T:
    """``entity`` when it exists and is not deleted; otherwise NotFound, as a deleted resource is to its callers."""
    if entity is None or getattr(entity, "deleted_at", None) is not None:
        raise NotFound(kind, ident, field=field)
    return entity


class Conflict(DomainError):
    """The command clashes with existing state (a duplicate, an already-used resource)."""

    def __init__(self, message: str, field: str | None = None, existing_id: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.existing_id = existing_id


class NotAllowed(DomainError):
    """The command is well-formed, but the resource's state forbids it (e.g. deleting a logged-in candidate)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleVersion(DomainError):
    """The caller's If-Match version is not the current one."""

    def __init__(self, kind: str, ident: str, current: int) -> None:
        super().__init__(f"{kind} {ident!r} has changed (current version {current})")
        self.kind = kind
        self.ident = ident
        self.current = current


class Unauthenticated(DomainError):
    """No credential, or one that is unknown, revoked, expired or badly signed."""


class Forbidden(DomainError):
    """The credential is valid but lacks the scope or the organization the call needs."""

    def __init__(self, message: str, scope: str | None = None) -> None:
        super().__init__(message)
        self.scope = scope
