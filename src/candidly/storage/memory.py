"""The unit of work in memory: the SQL one's port with real transactions, for fast tests of the service."""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from candidly.domain.applications import Application
from candidly.domain.attachments import Attachment, Note
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryAttempt, DeliveryStatus, WebhookSubscription
from candidly.domain.errors import Conflict
from candidly.domain.events import Event
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate, User
from candidly.domain.principals import ApiKey
from candidly.domain.status_maps import StatusMap
from candidly.service.idempotency import IdempotencyClaim
from candidly.service.ports import PERSON_ACTIVITY, Filters, Page, PageRequest, UnitOfWork
from candidly.storage.erasure import ERASED, answer_needles, forgotten_delivery, person_handles, scrub
from candidly.storage.idempotency import ANSWER_PENDING, IN_FLIGHT, WITHHELD, Stored
from candidly.storage.repositories import SEARCHABLE, keyset_page

E = TypeVar("E")
Tables = dict[str, dict[Any, Any]]
TABLES = (
    "organizations",
    "api_keys",
    "users",
    "openings",
    "candidates",
    "applications",
    "events",
    "attachments",
    "notes",
    "attempts",
    "status_maps",
    "webhooks",
    "deliveries",
    "delivery_attempts",
    "idempotency_keys",
)


class _State:
    """One transaction's view of every table: the committed dicts, each copied before its first write here."""

    def __init__(self, tables: Tables) -> None:
        self.tables = dict(tables)
        self.copied: set[str] = set()

    def read(self, name: str) -> dict[Any, Any]:
        return self.tables[name]

    def write(self, name: str) -> dict[Any, Any]:
        if name not in self.copied:
            self.tables[name] = dict(self.tables[name])
            self.copied.add(name)
        return self.tables[name]


def _key(entity: Any) -> tuple[str, str]:
    return entity.organization_id, entity.id


def _changed(entity: E, **values: Any) -> E:
    """A copy of a stored row with some values changed: stored rows are never changed in place."""
    changed = copy.deepcopy(entity)
    for name, value in values.items():
        setattr(changed, name, value)
    return changed


def _equal(value: Any, wanted: Any) -> bool:
    """As the SQL filter: a list means any of its values (None among them matches None)."""
    return value in wanted if isinstance(wanted, list | tuple) else value == wanted


def _within(value: Any, bounds: tuple[datetime | None, datetime | None]) -> bool:
    low, high = bounds
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _as_text(value: Any) -> str | None:
    """A JSON value as the databases render it as text (a string as itself, other values as JSON)."""
    return value if isinstance(value, str) or value is None else json.dumps(value)


class MemoryRepository(Generic[E]):
    """Entities of one table keyed by (organization, id); handed out and taken in as copies."""

    def __init__(self, state: _State, table: str) -> None:
        self.state = state
        self.table = table

    def _rows(self) -> dict[tuple[str, str], E]:
        return self.state.read(self.table)

    def get(self, organization_id: str, ident: str) -> E | None:
        return copy.deepcopy(self._rows().get((organization_id, ident)))

    def add(self, entity: E) -> None:
        if _key(entity) in self._rows():
            raise ValueError(f"duplicate key {_key(entity)} in {self.table}")
        self.state.write(self.table)[_key(entity)] = copy.deepcopy(entity)

    def add_many(self, entities: Sequence[E]) -> None:
        for entity in entities:
            self.add(entity)

    def update(self, entity: E, expected_version: int) -> bool:
        """Write ``entity`` if the stored version is still ``expected_version``; bump the version."""
        stored = self._rows().get(_key(entity))
        if stored is None or getattr(stored, "version") != expected_version:  # noqa: B009 - E is generic
            return False
        entity.version = expected_version + 1  # type: ignore[attr-defined]  # every versioned entity has it
        self.state.write(self.table)[_key(entity)] = copy.deepcopy(entity)
        return True

    def _replace(self, organization_id: str, ident: str, **values: Any) -> None:
        """Change some values of a stored row, if it exists (an UPDATE that matched nothing does nothing)."""
        stored = self._rows().get((organization_id, ident))
        if stored is not None:
            self.state.write(self.table)[(organization_id, ident)] = _changed(stored, **values)

    def _all(self, organization_id: str | None, keep: Callable[[E], bool]) -> list[E]:
        """Copies of the rows (of one organization, or all) that ``keep`` keeps, in id order."""
        rows = [r for (org, _), r in self._rows().items() if organization_id in (None, org) and keep(r)]
        return [copy.deepcopy(r) for r in sorted(rows, key=lambda r: getattr(r, "id"))]  # noqa: B009

    def find(self, organization_id: str, **equal: Any) -> list[E]:
        """Every row of the organization whose fields equal ``equal`` (None matches None, a list any of its
        values), in id order."""
        return self._all(organization_id, lambda r: all(_equal(getattr(r, k), v) for k, v in equal.items()))

    def _matches(self, organization_id: str, row: E, filters: Filters) -> bool:
        if getattr(row, "deleted_at", None) is not None and not filters.include_deleted:
            return False
        fields = {f.name for f in dataclasses.fields(row)}  # type: ignore[arg-type]  # entities are dataclasses
        checks = (
            all(_equal(getattr(row, k), v) for k, v in filters.equal.items()),
            filters.contains_label is None or filters.contains_label in getattr(row, "labels"),  # noqa: B009
            not filters.search
            or any(filters.search.lower() in (getattr(row, n) or "").lower() for n in SEARCHABLE if n in fields),
            filters.in_opening is None or getattr(row, "id") in self._in_opening(organization_id, filters.in_opening),  # noqa: B009
            filters.created_after is None or getattr(row, "created_at") >= filters.created_after,  # noqa: B009
            filters.created_before is None or getattr(row, "created_at") <= filters.created_before,  # noqa: B009
            all(_within(getattr(row, k), b) for k, b in filters.ranges.items() if k != PERSON_ACTIVITY),
            all(_as_text(getattr(row, "attributes").get(k)) == v for k, v in filters.attributes.items()),  # noqa: B009
        )
        return all(checks) and self._also(organization_id, row, filters)

    def _also(self, organization_id: str, row: E, filters: Filters) -> bool:  # noqa: ARG002 - for subclasses
        """A table's own filters beside the shared ones."""
        return True

    def _in_opening(self, organization_id: str, opening_id: str) -> set[str]:
        """People with a live application in the opening."""
        applications: dict[tuple[str, str], Application] = self.state.read("applications")
        return {
            a.candidate_id
            for (org, _), a in applications.items()
            if org == organization_id and a.opening_id == opening_id and a.deleted_at is None
        }

    def page(self, organization_id: str, filters: Filters, request: PageRequest) -> Page[E]:
        """One keyset page in id order, as the SQL repositories page."""
        descending = request.descending != request.backwards
        rows = self._all(organization_id, lambda r: self._matches(organization_id, r, filters))
        if descending:
            rows.reverse()
        if request.cursor is not None:
            cursor = request.cursor
            rows = [r for r in rows if (getattr(r, "id") < cursor if descending else getattr(r, "id") > cursor)]  # noqa: B009
        return keyset_page(rows[request.offset : request.offset + request.limit + 1], request)

    def count(self, organization_id: str, filters: Filters) -> int:
        return len(self._all(organization_id, lambda r: self._matches(organization_id, r, filters)))

    def owner(self, ident: str) -> str | None:
        """The organization of the live row ``ident``, across organizations."""
        found = self._all(None, lambda r: getattr(r, "id") == ident and getattr(r, "deleted_at", None) is None)  # noqa: B009
        return str(getattr(found[0], "organization_id")) if found else None  # noqa: B009


class MemoryOpenings(MemoryRepository[Opening]):
    def add_counts(self, organization_id: str, opening_id: str, delta: int) -> None:
        stored = self._rows().get((organization_id, opening_id))
        if stored is not None:
            self._replace(organization_id, opening_id, application_count=stored.application_count + delta)


class MemoryCandidates(MemoryRepository[Candidate]):
    def expiring(self, before: date, limit: int) -> list[Candidate]:
        due = self._all(
            None, lambda c: c.gdpr_expiry_date is not None and c.gdpr_expiry_date < before and c.erased_at is None
        )
        return sorted(due, key=lambda c: c.gdpr_expiry_date or before)[:limit]


class MemoryApplications(MemoryRepository[Application]):
    def by_invitation_code(self, code: str) -> Application | None:
        found = self._all(None, lambda a: a.invitation_code == code and a.deleted_at is None)
        return found[0] if found else None

    def _also(self, organization_id: str, row: Application, filters: Filters) -> bool:
        """PERSON_ACTIVITY: the application's person changed within the range."""
        bounds = filters.ranges.get(PERSON_ACTIVITY)
        if bounds is None:
            return True
        person: Candidate | None = self.state.read("candidates").get((organization_id, row.candidate_id))
        return person is not None and _within(person.updated_at, bounds)


class MemoryOrganizations:
    def __init__(self, state: _State) -> None:
        self.state = state

    def get(self, ident: str) -> Organization | None:
        return copy.deepcopy(self.state.read("organizations").get(ident))

    def add(self, entity: Organization) -> None:
        self.state.write("organizations")[entity.id] = copy.deepcopy(entity)

    def many(self, idents: Sequence[str]) -> list[Organization]:
        rows = self.state.read("organizations")
        return [copy.deepcopy(rows[i]) for i in sorted(set(idents)) if i in rows]

    def next_candidate_seq(self, ident: str, count: int = 1) -> int:
        """Take the next ``count`` sequence numbers and return the first (writers take turns: none is given twice)."""
        stored: Organization = self.state.read("organizations")[ident]
        last = stored.candidate_seq + count
        self.state.write("organizations")[ident] = _changed(stored, candidate_seq=last)
        return last - count + 1


class MemoryApiKeys:
    def __init__(self, state: _State) -> None:
        self.state = state

    def get(self, ident: str) -> ApiKey | None:
        return copy.deepcopy(self.state.read("api_keys").get(ident))

    def by_hash(self, token_hash: str) -> ApiKey | None:
        return next(
            (copy.deepcopy(k) for k in self.state.read("api_keys").values() if k.token_hash == token_hash), None
        )

    def add(self, entity: ApiKey) -> None:
        self.state.write("api_keys")[entity.id] = copy.deepcopy(entity)

    def _change(self, ident: str, **values: Any) -> None:
        stored = self.state.read("api_keys").get(ident)
        if stored is not None:
            self.state.write("api_keys")[ident] = _changed(stored, **values)

    def revoke(self, ident: str, when: datetime) -> None:
        self._change(ident, revoked_at=when)

    def set_organizations(self, ident: str, organization_ids: list[str]) -> None:
        self._change(ident, organization_ids=list(organization_ids))


@dataclasses.dataclass(frozen=True, slots=True)
class _Logged:
    """An event in the log, and when the outbox fanned it out (None: not yet)."""

    event: Event
    published_at: datetime | None = None


class MemoryEventLog:
    def __init__(self, state: _State) -> None:
        self.state = state

    def append(self, events: Sequence[Event], published_at: datetime | None = None) -> None:
        rows = self.state.write("events") if events else {}
        for event in events:
            rows[(event.organization_id, event.id)] = _Logged(copy.deepcopy(event), published_at)

    def for_candidate(self, organization_id: str, candidate_id: str) -> list[Event]:
        return [e for e in self.every() if e.organization_id == organization_id and e.candidate_id == candidate_id]

    def every(self) -> list[Event]:
        """The whole log in order (what a test reads; the SQL log has it as the ``events`` table)."""
        logged: dict[tuple[str, str], _Logged] = self.state.read("events")
        return [copy.deepcopy(r.event) for _, r in sorted(logged.items(), key=lambda kv: kv[0][1])]


class MemoryBlobs:
    """Attachments (each kept with its bytes) and notes, as typed records."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def _of(self, table: str, organization_id: str, candidate_id: str) -> list[Any]:
        rows: dict[tuple[str, str], Any] = self.state.read(table)
        found = [
            r for (org, _), r in rows.items() if org == organization_id and _record(r).candidate_id == candidate_id
        ]
        return sorted(found, key=lambda r: _record(r).id)

    def _delete(self, table: str, organization_id: str, candidate_id: str) -> int:
        doomed = [(organization_id, _record(r).id) for r in self._of(table, organization_id, candidate_id)]
        rows = self.state.write(table) if doomed else {}
        for key in doomed:
            del rows[key]
        return len(doomed)

    def add_attachment(self, attachment: Attachment, content: bytes) -> None:
        self.state.write("attachments")[(attachment.organization_id, attachment.id)] = (attachment, content)

    def attachments(self, organization_id: str, candidate_id: str) -> list[Attachment]:
        """Descriptions, without the bytes."""
        return [description for description, _ in self._of("attachments", organization_id, candidate_id)]

    def attachment(self, organization_id: str, ident: str) -> tuple[Attachment, bytes] | None:
        found: tuple[Attachment, bytes] | None = self.state.read("attachments").get((organization_id, ident))
        return found

    def delete_attachments(self, organization_id: str, candidate_id: str) -> int:
        return self._delete("attachments", organization_id, candidate_id)

    def add_note(self, note: Note) -> None:
        self.state.write("notes")[(note.organization_id, note.id)] = note

    def notes(self, organization_id: str, candidate_id: str) -> list[Note]:
        return self._of("notes", organization_id, candidate_id)

    def delete_notes(self, organization_id: str, candidate_id: str) -> int:
        return self._delete("notes", organization_id, candidate_id)


def _record(row: Any) -> Attachment | Note:
    """A note, or the description of an attachment kept with its bytes."""
    return row[0] if isinstance(row, tuple) else row  # type: ignore[no-any-return]


class MemoryWebhooks(MemoryRepository[WebhookSubscription]):
    def live(self, organization_id: str) -> list[WebhookSubscription]:
        return self.find(organization_id, deleted_at=None)

    def remove(self, organization_id: str, ident: str, when: datetime) -> None:
        self._replace(organization_id, ident, deleted_at=when)


class MemoryDeliveries(MemoryRepository[Delivery]):
    """Deliveries as the service sees them, and the outbox's unpublished events (the fan-out's input)."""

    def attempts(self, organization_id: str, delivery_id: str) -> list[DeliveryAttempt]:
        rows: dict[tuple[str, str], DeliveryAttempt] = self.state.read("delivery_attempts")
        found = [a for (org, _), a in rows.items() if org == organization_id and a.delivery_id == delivery_id]
        return [copy.deepcopy(a) for a in sorted(found, key=lambda a: a.id)]

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self.state.write("delivery_attempts")[_key(attempt)] = copy.deepcopy(attempt)

    def reschedule(self, organization_id: str, ident: str, when: datetime) -> None:
        self._replace(
            organization_id, ident, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=when, updated_at=when
        )

    def unpublished_events(self, limit: int) -> list[Event]:
        logged: dict[tuple[str, str], _Logged] = self.state.read("events")
        waiting = sorted((k[1], r.event) for k, r in logged.items() if r.published_at is None)
        return [copy.deepcopy(e) for _, e in waiting[:limit]]

    def mark_published(self, events: list[Event], when: datetime) -> None:
        rows = self.state.write("events") if events else {}
        for event in events:
            key = (event.organization_id, event.id)
            rows[key] = _Logged(rows[key].event, when)


class MemoryErasure:
    """What other tables copied of a person, blanked, as ``storage.erasure.SqlErasure`` blanks it."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def forget_person(
        self, organization_id: str, candidate_id: str, handles: Sequence[str], names: Sequence[str] = ()
    ) -> None:
        handles = person_handles(candidate_id, handles)
        mentions = [*handles, *names]
        event_ids = self._events(organization_id, candidate_id, mentions)
        self._deliveries(organization_id, event_ids, mentions)
        attempts = MemoryRepository[Attempt](self.state, "attempts")
        for attempt in attempts.find(organization_id, candidate_id=candidate_id):
            attempts._replace(organization_id, attempt.id, result=scrub(attempt.result, mentions), settings={})
        self._stored_answers(handles)

    def _events(self, organization_id: str, candidate_id: str, mentions: Sequence[str]) -> set[str]:
        logged: dict[tuple[str, str], _Logged] = self.state.read("events")
        theirs = {k: r for k, r in logged.items() if k[0] == organization_id and r.event.candidate_id == candidate_id}
        rows = self.state.write("events") if theirs else {}
        for key, row in theirs.items():
            blank = dataclasses.replace(
                row.event,
                changes={k: [ERASED, ERASED] for k in row.event.changes},
                data=scrub(row.event.data, mentions),
            )
            rows[key] = _Logged(blank, row.published_at)
        return {key[1] for key in theirs}

    def _deliveries(self, organization_id: str, event_ids: set[str], mentions: Sequence[str]) -> None:
        deliveries = MemoryDeliveries(self.state, "deliveries")
        for d in deliveries._all(organization_id, lambda d: d.event_id in event_ids):
            values = forgotten_delivery(d.kind, d.target, d.status, d.last_error, mentions)
            deliveries._replace(
                organization_id, d.id, **{k: v for k, v in values.items() if not k.startswith("lease_")}
            )
            for attempt in deliveries.attempts(organization_id, d.id):
                deliveries.add_attempt(_changed(attempt, error=scrub(attempt.error, mentions)))

    def _stored_answers(self, handles: Sequence[str]) -> None:
        needles = answer_needles(handles)
        answers: dict[tuple[str, str], Stored] = self.state.read("idempotency_keys")
        doomed = [k for k, r in answers.items() if r.status_code != IN_FLIGHT and any(n in r.body for n in needles)]
        rows = self.state.write("idempotency_keys") if doomed else {}
        for key in doomed:
            del rows[key]


class MemoryIdempotencyLedger:
    """Records a request's Idempotency-Key with its change; a key already recorded is a Conflict."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def settle(self, claim: IdempotencyClaim, *, keeps_answer: bool) -> None:
        key = (claim.scope, claim.key)
        found: Stored | None = self.state.read("idempotency_keys").get(key)
        if found is not None and not found.expired(claim.at):
            raise Conflict(
                "another request with this Idempotency-Key was answered first; send this one again for its answer",
                field="Idempotency-Key",
            )
        status = ANSWER_PENDING if keeps_answer else WITHHELD
        self.state.write("idempotency_keys")[key] = Stored(claim.request_hash, status, [], b"", claim.at)
        claim.keeps_answer = keeps_answer

    def complete(self, scope: str, key: str, status: int, body: bytes) -> None:
        """Save the answer of a settled key (the edge's side, for tests of erasure)."""
        found: Stored | None = self.state.read("idempotency_keys").get((scope, key))
        if found is not None and found.status_code == ANSWER_PENDING:
            self.state.write("idempotency_keys")[(scope, key)] = dataclasses.replace(
                found, status_code=status, body=body
            )

    def stored(self, scope: str, key: str) -> Stored | None:
        """What is kept for a key, if anything."""
        found: Stored | None = self.state.read("idempotency_keys").get((scope, key))
        return found


class InMemoryUnitOfWork:
    """Repositories over one transaction's copy of the tables; nothing is kept unless ``commit()`` is called."""

    def __init__(self, database: InMemoryDatabase, *, write: bool) -> None:
        self.database = database
        self.write = write
        self.state = state = _State(database.tables)
        self.organizations = MemoryOrganizations(state)
        self.api_keys = MemoryApiKeys(state)
        self.users = MemoryRepository[User](state, "users")
        self.openings = MemoryOpenings(state, "openings")
        self.candidates = MemoryCandidates(state, "candidates")
        self.applications = MemoryApplications(state, "applications")
        self.events = MemoryEventLog(state)
        self.blobs = MemoryBlobs(state)
        self.attempts = MemoryRepository[Attempt](state, "attempts")
        self.status_maps = MemoryRepository[StatusMap](state, "status_maps")
        self.webhooks = MemoryWebhooks(state, "webhooks")
        self.deliveries = MemoryDeliveries(state, "deliveries")
        self.erasure = MemoryErasure(state)
        self.idempotency = MemoryIdempotencyLedger(state)

    def commit(self) -> None:
        if self.state.copied and not self.write:
            raise RuntimeError("a read-only unit of work cannot commit changes")
        self.database.tables = dict(self.state.tables)
        self.state.copied.clear()  # the committed tables are shared now: a later write copies again


class InMemoryDatabase:
    """Hands out units of work over tables held in memory. Writers take turns on a lock, as SQLite's do.

    A reader sees the tables as they were committed when its unit of work began, never a writer's changes
    in progress: a transaction copies each table before it first writes to it, and commit swaps the copies in.
    """

    def __init__(self) -> None:
        self.tables: Tables = {name: {} for name in TABLES}
        self._write_lock = threading.Lock()

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[UnitOfWork]:
        if write:
            with self._write_lock:  # the snapshot is taken under the lock: a writer starts from the last commit
                yield self._open(write=True)
        else:
            yield self._open(write=False)

    def _open(self, *, write: bool) -> UnitOfWork:
        uow: UnitOfWork = InMemoryUnitOfWork(self, write=write)  # the type checker proves the adapter fits the port
        return uow

    def ping(self) -> bool:
        return True

    def at_head(self) -> bool:
        return True
