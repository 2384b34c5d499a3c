"""Erasure beyond a person's own rows: what the event log, the outbox and stored answers still say about them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, func, or_, select, update

from candidly.domain.deliveries import DeliveryKind, DeliveryStatus
from candidly.storage import tables as t

ERASED = "[erased]"
BATCH = 500  # ids per IN list: well under SQLite's and PostgreSQL's bound-parameter limits


class SqlErasure:
    """Blanks a person out of the tables that copy their data: events, deliveries, attempts, sessions, answers.

    The rows stay (the audit trail keeps who did what and when, the delivery log keeps that a message went);
    what they held about the person goes.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def forget_person(
        self, organization_id: str, candidate_id: str, handles: Sequence[str], names: Sequence[str] = ()
    ) -> None:
        """Blank the person's events, their deliveries and attempts, their test results and interview settings, and
        every stored Idempotency-Key answer that names them by one of ``handles`` (ids, email, phone: only theirs).

        ``names`` are scrubbed from the person's own rows too, but never used to find rows: others share them.
        """
        handles = person_handles(candidate_id, handles)
        mentions = [*handles, *names]
        event_ids = self._events(organization_id, candidate_id, mentions)
        for chunk in _chunks(event_ids):
            self._deliveries(organization_id, chunk, mentions)
        self._sessions(organization_id, candidate_id, mentions)
        self._stored_answers(handles)

    def _sessions(self, organization_id: str, candidate_id: str, mentions: Sequence[str]) -> None:
        """Test results stay (scores are the organization's record); what in them names the person goes, and so do
        the settings an interview was started with (a client's metadata about the person)."""
        s = t.attempts
        where = (s.c.organization_id == organization_id, s.c.candidate_id == candidate_id)
        self._scrub_rows(s, s.c.result, where, mentions, settings={})

    def _scrub_rows(
        self, table: Any, column: Any, where: Sequence[ColumnElement[bool]], mentions: Sequence[str], **also: Any
    ) -> None:
        """Scrub ``column`` of each row ``where`` picks, setting ``also`` beside it (a JSON value is walked in
        Python: no SQL function finds a name nested in it)."""
        rows = self.conn.execute(select(table.c.id, column).where(*where)).all()
        for row_id, value in rows:
            self.conn.execute(
                update(table).where(*where, table.c.id == row_id).values({column.name: scrub(value, mentions), **also})
            )

    def _events(self, organization_id: str, candidate_id: str, mentions: Sequence[str]) -> list[str]:
        """Every change value of the person's events goes (which fields changed stays); data is scrubbed."""
        ev = t.events
        rows = self.conn.execute(
            select(ev.c.id, ev.c.changes, ev.c.data).where(
                ev.c.organization_id == organization_id, ev.c.candidate_id == candidate_id
            )
        ).all()
        for row in rows:
            self.conn.execute(
                update(ev)
                .where(ev.c.organization_id == organization_id, ev.c.id == row.id)
                .values(changes={k: [ERASED, ERASED] for k in row.changes}, data=scrub(row.data, mentions))
            )
        return [row.id for row in rows]

    def _deliveries(self, organization_id: str, event_ids: Sequence[str], mentions: Sequence[str]) -> None:
        """Their messages lose body and (an email's) address; one not sent yet never will be."""
        d, a = t.deliveries, t.delivery_attempts
        rows = self.conn.execute(
            select(d.c.id, d.c.kind, d.c.target, d.c.status, d.c.last_error).where(
                d.c.organization_id == organization_id, d.c.event_id.in_(event_ids)
            )
        ).all()
        for row in rows:
            values = forgotten_delivery(row.kind, row.target, row.status, row.last_error, mentions)
            self.conn.execute(
                update(d).where(d.c.organization_id == organization_id, d.c.id == row.id).values(**values)
            )
            where = (a.c.organization_id == organization_id, a.c.delivery_id == row.id)
            self._scrub_rows(a, a.c.error, where, mentions)

    def _stored_answers(self, handles: Sequence[str]) -> None:
        """Answers kept for Idempotency-Key replays (a day) that show the person are dropped: a retry of one
        of those requests then runs again, which is better than replaying an erased person's record."""
        k = t.idempotency_keys
        matches = [self._holds(k.c.response_body, m) for m in answer_needles(handles)]
        if matches:
            self.conn.execute(delete(k).where(and_(k.c.status_code != 0, or_(*matches))))

    def _holds(self, column: ColumnElement[bytes], needle: bytes) -> ColumnElement[bool]:
        """``column`` (bytes) contains ``needle``: SQLite's LIKE skips blobs, and PostgreSQL has no instr."""
        if self.conn.dialect.name == "sqlite":
            return func.instr(column, needle) > 0
        # An unescaped _ or % in the needle only widens the match: a little more is forgotten, never less.
        return column.op("LIKE", is_comparison=True)(b"%" + needle + b"%")


def person_handles(candidate_id: str, handles: Sequence[str]) -> list[str]:
    """The handles to search by: those given and the person's id in every form the surfaces write it."""
    return [m for m in dict.fromkeys([*handles, *_id_forms(candidate_id)]) if m]


def answer_needles(handles: Sequence[str]) -> list[bytes]:
    """What marks a stored answer as the person's. Short handles (a uniqId of "42") would match strangers' answers
    too: six characters at least."""
    return [m.encode() for m in handles if len(m) >= 6]


def forgotten_delivery(
    kind: str, target: str, status: str, last_error: str | None, mentions: Sequence[str]
) -> dict[str, Any]:
    """A delivery's new values once its person is erased: no body, no email address, never sent if not yet sent."""
    values: dict[str, Any] = {
        "payload": {},
        "target": ERASED if kind == DeliveryKind.EMAIL else target,
        "last_error": scrub(last_error, mentions),
    }
    if status == DeliveryStatus.PENDING:
        values |= {
            "status": DeliveryStatus.DEAD,
            "last_error": "not sent: the candidate was erased",
            "lease_owner": None,
            "lease_until": None,
        }
    return values


def scrub(value: Any, mentions: Sequence[str]) -> Any:
    """``value`` with every string that contains one of ``mentions`` replaced by ``[erased]`` (nested too)."""
    if isinstance(value, str):
        folded = value.casefold()
        return ERASED if any(m.casefold() in folded for m in mentions) else value
    if isinstance(value, dict):
        return {k: scrub(v, mentions) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, mentions) for v in value]
    return value


def _id_forms(ident: str) -> list[str]:
    """An id as the surfaces write it: 32 hex digits, and InstaView's canonical UUID form."""
    try:
        return [ident, str(uuid.UUID(hex=ident))]
    except ValueError:
        return [ident]


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]
