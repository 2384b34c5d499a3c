"""What the service layer needs from storage, as Protocols the storage package implements."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

from candidly.domain.applications import Application
from candidly.domain.attachments import Attachment, Note
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryAttempt, WebhookSubscription
from candidly.domain.events import Event
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate, User
from candidly.domain.principals import ApiKey
from candidly.domain.status_maps import StatusMap
from candidly.service.idempotency import IdempotencyLedger

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A keyset page: items after (or before) ``cursor`` in id order, ``limit`` of them.

    ``offset`` exists only for the dialects whose wire format pages by number; it is applied after
    the keyset so it never scans from the start of a large table when combined with a cursor.
    """

    limit: int = 50
    cursor: str | None = None
    backwards: bool = False
    descending: bool = False
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    """Equality filters by column, plus a few special ones every list endpoint shares."""

    equal: dict[str, Any] = field(default_factory=dict)
    contains_label: str | None = None
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    include_deleted: bool = False
    in_opening: str | None = None  # candidates only: those with a live application in this opening
    # Time column -> (from, until), both inclusive, either open. Applications also take PERSON_ACTIVITY.
    ranges: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    # Equality on keys of the JSON ``attributes`` column (a surface's profile fields), compared as text.
    attributes: dict[str, str] = field(default_factory=dict)


PERSON_ACTIVITY = "person.updated_at"  # a range on applications: their person last changed within it


class Repository(Protocol[T]):
    def get(self, organization_id: str, ident: str) -> T | None: ...
    def add(self, entity: T) -> None: ...
    def add_many(self, entities: Sequence[T]) -> None: ...
    def update(self, entity: T, expected_version: int) -> bool: ...
    # ``equal``: column -> value; None means IS NULL, a list any of its values. Rows come in id order.
    def find(self, organization_id: str, **equal: Any) -> list[T]: ...
    def page(self, organization_id: str, filters: Filters, request: PageRequest) -> Page[T]: ...
    def count(self, organization_id: str, filters: Filters) -> int: ...
    def owner(self, ident: str) -> str | None: ...


class OpeningRepository(Repository[Opening], Protocol):
    def add_counts(self, organization_id: str, opening_id: str, delta: int) -> None: ...


class CandidateRepository(Repository[Candidate], Protocol):
    def expiring(self, before: date, limit: int) -> list[Candidate]: ...


class ApplicationRepository(Repository[Application], Protocol):
    def by_invitation_code(self, code: str) -> Application | None: ...


class OrganizationRepository(Protocol):
    def get(self, ident: str) -> Organization | None: ...
    def add(self, entity: Organization) -> None: ...
    def many(self, idents: Sequence[str]) -> list[Organization]: ...
    def next_candidate_seq(self, ident: str, count: int = 1) -> int: ...


class ApiKeyRepository(Protocol):
    def get(self, ident: str) -> ApiKey | None: ...
    def by_hash(self, token_hash: str) -> ApiKey | None: ...
    def add(self, entity: ApiKey) -> None: ...
    def revoke(self, ident: str, when: datetime) -> None: ...
    def set_organizations(self, ident: str, organization_ids: list[str]) -> None: ...


class EventLog(Protocol):
    def append(self, events: Sequence[Event], published_at: datetime | None = None) -> None:
        """Log ``events``; ``published_at`` set when their deliveries are written with them (no fan-out waits)."""
        ...

    def for_candidate(self, organization_id: str, candidate_id: str) -> list[Event]: ...


class Blobs(Protocol):
    """Attachments and notes of candidates."""

    def add_attachment(self, attachment: Attachment, content: bytes) -> None: ...
    def attachments(self, organization_id: str, candidate_id: str) -> list[Attachment]: ...
    def attachment(self, organization_id: str, ident: str) -> tuple[Attachment, bytes] | None: ...
    def delete_attachments(self, organization_id: str, candidate_id: str) -> int: ...
    def add_note(self, note: Note) -> None: ...
    def notes(self, organization_id: str, candidate_id: str) -> list[Note]: ...
    def delete_notes(self, organization_id: str, candidate_id: str) -> int: ...


class WebhookRepository(Protocol):
    def get(self, organization_id: str, ident: str) -> WebhookSubscription | None: ...
    def add(self, entity: WebhookSubscription) -> None: ...
    def find(self, organization_id: str, **equal: Any) -> list[WebhookSubscription]: ...
    def live(self, organization_id: str) -> list[WebhookSubscription]:
        """The organization's subscriptions not deleted; may be read once per unit of work (the fan-out's)."""
        ...

    def remove(self, organization_id: str, ident: str, when: datetime) -> None: ...


class DeliveryRepository(Protocol):
    """The outbox's deliveries as the service sees them; the worker's claims live in storage."""

    def get(self, organization_id: str, ident: str) -> Delivery | None: ...
    def add_many(self, entities: Sequence[Delivery]) -> None: ...
    def page(self, organization_id: str, filters: Filters, request: PageRequest) -> Page[Delivery]: ...
    def attempts(self, organization_id: str, delivery_id: str) -> list[DeliveryAttempt]: ...
    def reschedule(self, organization_id: str, ident: str, when: datetime) -> None: ...


class Erasure(Protocol):
    """What other tables copied of a person (events, deliveries, test results, stored answers), blanked."""

    def forget_person(
        self, organization_id: str, candidate_id: str, handles: Sequence[str], names: Sequence[str] = ()
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    @property
    def organizations(self) -> OrganizationRepository: ...

    @property
    def api_keys(self) -> ApiKeyRepository: ...

    @property
    def users(self) -> Repository[User]: ...

    @property
    def openings(self) -> OpeningRepository: ...

    @property
    def candidates(self) -> CandidateRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def blobs(self) -> Blobs: ...

    @property
    def attempts(self) -> Repository[Attempt]: ...

    @property
    def webhooks(self) -> WebhookRepository: ...

    @property
    def status_maps(self) -> Repository[StatusMap]: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...

    @property
    def erasure(self) -> Erasure: ...

    @property
    def idempotency(self) -> IdempotencyLedger: ...

    def commit(self) -> None: ...


class Database(Protocol):
    """Opens units of work; ``write=True`` takes the write lock up front (SQLite BEGIN IMMEDIATE)."""

    def unit_of_work(self, *, write: bool) -> AbstractContextManager[UnitOfWork]: ...
    def ping(self) -> bool: ...
    def at_head(self) -> bool: ...


class TransactionLost(Exception):
    """Undoing a savepoint failed: the database ended the whole transaction (a full disk, an I/O error), so
    nothing done in it since its BEGIN can be committed. The error that ended it is the ``__cause__``."""


class SavepointUnitOfWork(UnitOfWork, Protocol):
    """A write unit of work whose parts can each be undone alone (SQL SAVEPOINTs): the group writer's."""

    def savepoint(self) -> AbstractContextManager[None]:
        """Undo what the block did when it raises (and re-raise); keep it in the transaction when it returns.
        Raises TransactionLost when the undo itself fails."""
        ...


class BatchDatabase(Protocol):
    """A database that commits several commands in one transaction, each in its own savepoint (SQLite)."""

    def write_batch(self) -> AbstractContextManager[SavepointUnitOfWork]: ...
