"""Stored answers for Idempotency-Key: reserve a key, keep the answer, replay it, forget it after a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from candidly.storage import tables as t
from candidly.storage.uow import SqlDatabase

IN_FLIGHT = 0  # status_code of a reserved key whose request has not answered yet


@dataclass(frozen=True, slots=True)
class Stored:
    request_hash: str
    status_code: int
    headers: list[list[str]]
    body: bytes
    created_at: datetime


class SqlIdempotencyStore:
    """Keys are scoped by a digest of the caller's credential, so two clients never share a key."""

    def __init__(self, database: SqlDatabase) -> None:
        self.database = database

    @staticmethod
    def _where(scope: str, key: str) -> Any:
        c = t.idempotency_keys.c
        return and_(c.organization_id == "", c.api_key_id == scope, c.key == key)

    def find(self, scope: str, key: str) -> Stored | None:
        c = t.idempotency_keys.c
        with self.database.connection(write=False) as conn:
            row = conn.execute(
                select(c.request_hash, c.status_code, c.response_headers, c.response_body, c.created_at).where(
                    self._where(scope, key)
                )
            ).first()
        return None if row is None else Stored(row[0], row[1], row[2], bytes(row[3]), row[4])

    def reserve(self, scope: str, key: str, request_hash: str, now: datetime) -> bool:
        """Claim the key for one request; False when another request holds it already."""
        row = {"organization_id": "", "api_key_id": scope, "key": key, "request_hash": request_hash,
               "status_code": IN_FLIGHT, "response_headers": [], "response_body": b"", "created_at": now}  # fmt: skip
        try:
            with self.database.connection(write=True) as conn:
                conn.execute(insert(t.idempotency_keys), [row])
        except IntegrityError:
            return False
        return True

    def complete(self, scope: str, key: str, status: int, headers: list[list[str]], body: bytes) -> None:
        with self.database.connection(write=True) as conn:
            conn.execute(
                update(t.idempotency_keys)
                .where(self._where(scope, key))
                .values(status_code=status, response_headers=headers, response_body=body)
            )

    def release(self, scope: str, key: str) -> None:
        with self.database.connection(write=True) as conn:
            conn.execute(delete(t.idempotency_keys).where(self._where(scope, key)))

    def purge(self, before: datetime) -> int:
        """Forget keys older than ``before`` (24 hours); run by the delivery worker's housekeeping."""
        with self.database.connection(write=True) as conn:
            return int(
                conn.execute(delete(t.idempotency_keys).where(t.idempotency_keys.c.created_at < before)).rowcount
            )
