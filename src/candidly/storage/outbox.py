"""The outbox in SQL: events waiting to be fanned out, deliveries, their attempts, and workers' leases.

Claims are one UPDATE ... RETURNING over a sub-select of due rows. On PostgreSQL the sub-select
takes row locks with SKIP LOCKED, so concurrent workers pass over each other's rows instead of
queueing; on SQLite the write transaction itself is exclusive. The lease written by the claim keeps
the row away from every other worker until it runs out (a worker that died mid-send).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, insert, or_, select, tuple_, update

from candidly.domain.deliveries import Delivery, DeliveryAttempt, DeliveryKind, DeliveryStatus, WebhookSubscription
from candidly.domain.events import Event
from candidly.domain.ids import new_id
from candidly.storage import tables as t
from candidly.storage.repositories import SqlRepository
from candidly.storage.secrets import SecretBox

_EVENT_FIELDS = [f.name for f in dataclasses.fields(Event)]


class SqlWebhooks(SqlRepository[WebhookSubscription]):
    """Subscriptions with their signing secret sealed at rest (``storage/secrets.py``)."""

    def __init__(self, conn: Connection, box: SecretBox) -> None:
        super().__init__(conn, t.webhook_subscriptions, WebhookSubscription)
        self.box = box
        # Live subscriptions by organization, read once per unit of work: a group-commit batch fans out every
        # command's events in one. None once a subscription is written through this unit of work: from then on each
        # read goes to the database, so nothing a rolled-back savepoint wrote is ever answered from here.
        self._live: dict[str, list[WebhookSubscription]] | None = {}

    def live(self, organization_id: str) -> list[WebhookSubscription]:
        if self._live is None:
            return self.find(organization_id, deleted_at=None)
        if organization_id not in self._live:
            self._live[organization_id] = self.find(organization_id, deleted_at=None)
        return self._live[organization_id]

    def add(self, entity: WebhookSubscription) -> None:
        self._live = None
        super().add(entity)

    def add_many(self, entities: Sequence[WebhookSubscription]) -> None:
        self._live = None
        super().add_many(entities)

    def update(self, entity: WebhookSubscription, expected_version: int) -> bool:
        self._live = None
        return super().update(entity, expected_version)

    def _to_entity(self, values: Mapping[str, Any]) -> WebhookSubscription:
        subscription = super()._to_entity(values)
        subscription.secret = self.box.open(subscription.secret) or ""
        return subscription

    def _to_row(self, entity: WebhookSubscription) -> dict[str, Any]:
        return {**super()._to_row(entity), "secret": self.box.seal(entity.secret)}

    def by_keys(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], WebhookSubscription]:
        """Subscriptions by (organization, id), across organizations: the worker's lookup for a claim."""
        if not keys:
            return {}
        c = self.table.c
        rows = self.conn.execute(select(self.table).where(tuple_(c.organization_id, c.id).in_(list(set(keys)))))
        found = self._entities(rows)
        return {(w.organization_id, w.id): w for w in found}

    def remove(self, organization_id: str, ident: str, when: datetime) -> None:
        self._live = None
        c = self.table.c
        self.conn.execute(
            update(self.table).where(c.organization_id == organization_id, c.id == ident).values(deleted_at=when)
        )


class SqlDeliveries(SqlRepository[Delivery]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, t.deliveries, Delivery)

    def attempts(self, organization_id: str, delivery_id: str) -> list[DeliveryAttempt]:
        c = t.delivery_attempts.c
        rows = self.conn.execute(
            select(t.delivery_attempts)
            .where(c.organization_id == organization_id, c.delivery_id == delivery_id)
            .order_by(c.id)  # ids are time-ordered; numbers restart after a manual retry
        )
        return [DeliveryAttempt(**r._mapping) for r in rows]

    def reschedule(self, organization_id: str, ident: str, when: datetime) -> None:
        c = self.table.c
        self.conn.execute(
            update(self.table)
            .where(c.organization_id == organization_id, c.id == ident)
            .values(
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=when,
                lease_owner=None,
                lease_until=None,
                updated_at=when,
            )
        )

    # The worker's side ---------------------------------------------------------------------------

    def unpublished_events(self, limit: int) -> list[Event]:
        """The oldest events not yet fanned out, locked against other workers where the database can."""
        c = t.events.c
        stmt = select(*(c[f] for f in _EVENT_FIELDS)).where(c.published_at.is_(None)).order_by(c.id)
        stmt = stmt.limit(limit)
        if self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        return [Event(**r._mapping) for r in self.conn.execute(stmt)]

    def work(self, now: datetime) -> tuple[bool, bool]:
        """Whether any event awaits fan-out, and whether any delivery is due: a cheap read before a write lock."""
        e, d = t.events.c, self.table.c
        unpublished = select(e.id).where(e.published_at.is_(None)).limit(1)
        due = select(d.id).where(d.status == DeliveryStatus.PENDING, d.next_attempt_at <= now).limit(1)
        return self.conn.execute(unpublished).first() is not None, self.conn.execute(due).first() is not None

    def mark_published(self, events: list[Event], when: datetime) -> None:
        if not events:
            return
        c = t.events.c
        keys = [(e.organization_id, e.id) for e in events]
        self.conn.execute(update(t.events).where(tuple_(c.organization_id, c.id).in_(keys)).values(published_at=when))

    def claim(
        self,
        owner: str,
        now: datetime,
        lease_until: datetime,
        limit: int,
        *,
        per_receiver: int = 1_000_000,
        skip: Sequence[str] = (),
    ) -> list[Delivery]:
        """Lease up to ``limit`` due deliveries to ``owner``: at most ``per_receiver`` for one receiver, none for
        the receivers in ``skip`` (busy, or backed off), so one receiver's backlog cannot fill a claim.
        """
        c = self.table.c
        receiver = receiver_column().label("receiver")
        due = (
            select(c.organization_id, c.id, c.next_attempt_at, receiver)
            .where(
                c.status == DeliveryStatus.PENDING,
                c.next_attempt_at <= now,
                or_(c.lease_until.is_(None), c.lease_until < now),
                *([receiver_column().not_in(list(skip))] if skip else []),
            )
            .order_by(c.next_attempt_at, c.id)
            .limit(limit * 4)  # enough rows that a few receivers' heads do not crowd the others out
        )
        if self.conn.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True, of=self.table)
        scanned = due.subquery()
        rank = func.row_number().over(
            partition_by=scanned.c.receiver, order_by=(scanned.c.next_attempt_at, scanned.c.id)
        )
        ranked = select(
            scanned.c.organization_id, scanned.c.id, scanned.c.next_attempt_at, rank.label("rank")
        ).subquery()
        chosen = (
            select(ranked.c.organization_id, ranked.c.id)
            .where(ranked.c.rank <= per_receiver)
            .order_by(ranked.c.next_attempt_at, ranked.c.id)
            .limit(limit)
        )
        stmt = (
            update(self.table)
            .where(tuple_(c.organization_id, c.id).in_(chosen))
            .values(lease_owner=owner, lease_until=lease_until)
            .returning(*(c[f] for f in self.fields))
        )
        return self._entities(self.conn.execute(stmt))

    def release(self, deliveries: Sequence[Delivery], owner: str, until: datetime | None = None) -> None:
        """Give claimed deliveries back unsent, no attempt counted: due again at once, or at ``until``."""
        c = self.table.c
        for d in deliveries:
            values: dict[str, Any] = {"lease_owner": None, "lease_until": None}
            if until is not None:
                values["next_attempt_at"] = max(until, d.next_attempt_at)
            self.conn.execute(
                update(self.table)
                .where(c.organization_id == d.organization_id, c.id == d.id, c.lease_owner == owner)
                .values(**values)
            )

    def backlog(self) -> Backlog:
        """What waits: deliveries not yet sent (due or not, and how long the oldest has waited), events not
        yet fanned out, and invitation emails among the deliveries."""
        c, e = self.table.c, t.events.c
        pending = c.status == DeliveryStatus.PENDING
        count, oldest = self.conn.execute(select(func.count(), func.min(c.created_at)).where(pending)).one()
        emails = select(func.count()).where(pending, c.kind == DeliveryKind.EMAIL)
        unpublished = select(func.count()).select_from(t.events).where(e.published_at.is_(None))
        return Backlog(
            int(count),
            oldest,
            int(self.conn.execute(emails).scalar_one()),
            int(self.conn.execute(unpublished).scalar_one()),
        )

    def finish(self, delivery: Delivery, owner: str, attempt: DeliveryAttempt) -> bool:
        """Record an attempt and the delivery's new state, if ``owner`` still holds the lease."""
        c = self.table.c
        values: dict[str, Any] = {
            f: getattr(delivery, f)
            for f in (
                "status",
                "attempts",
                "next_attempt_at",
                "last_error",
                "last_status_code",
                "delivered_at",
                "updated_at",
            )
        }
        result = self.conn.execute(
            update(self.table)
            .where(and_(c.organization_id == delivery.organization_id, c.id == delivery.id, c.lease_owner == owner))
            .values(**values, lease_owner=None, lease_until=None)
        )
        if result.rowcount != 1:
            return False
        self.conn.execute(insert(t.delivery_attempts), [dataclasses.asdict(attempt)])
        return True


@dataclasses.dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    oldest_pending_created_at: datetime | None
    pending_emails: int
    unpublished_events: int


def receiver_column() -> ColumnElement[str]:
    """Who receives a delivery, as SQL: the SMTP server for every email, else the target URL."""
    c = t.deliveries.c
    return case((c.kind == DeliveryKind.EMAIL, ""), else_=c.target)


def receiver_of(delivery: Delivery) -> str:
    """The same, in Python: the key of the worker's per-receiver cap and circuit breaker."""
    return "" if delivery.kind == DeliveryKind.EMAIL else delivery.target


def new_attempt(
    delivery: Delivery, when: datetime, outcome: str, status_code: int | None, error: str | None
) -> DeliveryAttempt:
    return DeliveryAttempt(
        id=new_id(),
        organization_id=delivery.organization_id,
        delivery_id=delivery.id,
        number=delivery.attempts,
        attempted_at=when,
        outcome=outcome,
        status_code=status_code,
        error=error,
    )
