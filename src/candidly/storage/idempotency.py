"""Stored answers for Idempotency-Key: a key is recorded with the change it answers, its answer kept for a day.

The rows' ``status_code`` is the answer's HTTP status once it is saved; before that it is one of the markers
below. A key is written only by the transaction of a change (``SqlIdempotencyLedger.settle``), so a request that
changes nothing (refused, unauthenticated, failed) leaves no row, and a committed change always leaves one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from candidly.domain.errors import Conflict
from candidly.service.idempotency import IdempotencyClaim
from candidly.storage import tables as t

if TYPE_CHECKING:  # the unit of work imports the ledger from here
    from candidly.storage.uow import SqlDatabase

TTL = timedelta(hours=24)
# A reservation left by a version that reserved keys before running the request: taken over after a minute.
IN_FLIGHT = 0
ABANDONED_AFTER = timedelta(minutes=1)
ANSWER_PENDING = -1  # the change committed; its answer is being saved
WITHHELD = -2  # the change committed; its answer held a secret and is never kept


@dataclass(frozen=True, slots=True)
class Stored:
    request_hash: str
    status_code: int
    headers: list[list[str]]
    body: bytes
    created_at: datetime

    def expired(self, now: datetime) -> bool:
        return now - self.created_at > TTL or (
            self.status_code == IN_FLIGHT and now - self.created_at > ABANDONED_AFTER
        )


def _where(scope: str, key: str) -> ColumnElement[bool]:
    c = t.idempotency_keys.c
    return and_(c.organization_id == "", c.api_key_id == scope, c.key == key)


class SqlIdempotencyLedger:
    """The unit of work's side: records a request's key inside the transaction of its change."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def settle(self, claim: IdempotencyClaim, *, keeps_answer: bool) -> None:
        c = t.idempotency_keys.c
        # An expired row (not purged yet) gives way to the new request, in this same transaction.
        stale = or_(
            c.created_at < claim.at - TTL, and_(c.status_code == IN_FLIGHT, c.created_at < claim.at - ABANDONED_AFTER)
        )
        self.conn.execute(delete(t.idempotency_keys).where(_where(claim.scope, claim.key), stale))
        row = {
            "organization_id": "",
            "api_key_id": claim.scope,
            "key": claim.key,
            "request_hash": claim.request_hash,
            "status_code": ANSWER_PENDING if keeps_answer else WITHHELD,
            "response_headers": [],
            "response_body": b"",
            "created_at": claim.at,
        }
        try:
            self.conn.execute(insert(t.idempotency_keys), [row])
        except IntegrityError:
            # Another request with this key committed first: this change is rolled back, never made twice.
            raise Conflict(
                "another request with this Idempotency-Key was answered first; send this one again for its answer",
                field="Idempotency-Key",
            ) from None
        claim.keeps_answer = keeps_answer


class SqlIdempotencyStore:
    """The edge's side: find a key's state, save an answer, forget keys after a day."""

    def __init__(self, database: SqlDatabase) -> None:
        self.database = database

    def find(self, scope: str, key: str) -> Stored | None:
        c = t.idempotency_keys.c
        with self.database.connection(write=False) as conn:
            row = conn.execute(
                select(c.request_hash, c.status_code, c.response_headers, c.response_body, c.created_at).where(
                    _where(scope, key)
                )
            ).first()
        return None if row is None else Stored(row[0], row[1], row[2], bytes(row[3]), row[4])

    def complete(self, scope: str, key: str, status: int, headers: list[list[str]], body: bytes) -> None:
        """Save the answer of a settled key (only one whose answer may be kept)."""
        c = t.idempotency_keys.c
        with self.database.connection(write=True) as conn:
            conn.execute(
                update(t.idempotency_keys)
                .where(_where(scope, key), c.status_code == ANSWER_PENDING)
                .values(status_code=status, response_headers=headers, response_body=body)
            )

    def purge(self, before: datetime) -> int:
        """Forget keys older than ``before`` (24 hours); run by the delivery worker's housekeeping."""
        with self.database.connection(write=True) as conn:
            return int(
                conn.execute(delete(t.idempotency_keys).where(t.idempotency_keys.c.created_at < before)).rowcount
            )
