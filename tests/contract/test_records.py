"""The event log and outbox, webhooks, deliveries, files, erasure and Idempotency-Keys behind the port."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from candidly.domain.attachments import Attachment, Note
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryAttempt, DeliveryStatus, WebhookSubscription
from candidly.domain.errors import Conflict
from candidly.domain.events import Event
from candidly.domain.ids import new_id
from candidly.service.idempotency import IdempotencyClaim
from candidly.service.ports import Database, Filters, PageRequest, UnitOfWork
from candidly.storage import tables as t
from candidly.storage.erasure import ERASED
from candidly.storage.idempotency import SqlIdempotencyStore
from candidly.storage.memory import InMemoryDatabase, InMemoryUnitOfWork, MemoryIdempotencyLedger
from candidly.storage.uow import SqlDatabase, SqlUnitOfWork
from tests.contract.conftest import T0, application, opening, person, write


def event(org: str, candidate_id: str | None, type_: str = "candidate.updated", **fields: Any) -> Event:
    return Event(id=new_id(), organization_id=org, type=type_, subject_type="candidate",
                 subject_id=candidate_id or new_id(), occurred_at=T0, actor={"type": "api_key"},
                 candidate_id=candidate_id, **fields)  # fmt: skip


def outbox(uow: UnitOfWork) -> Any:
    """The fan-out's side of the deliveries (unpublished events), which both implementations have beside the port."""
    return uow.deliveries


def test_appended_events_are_logged_per_candidate_in_order_and_wait_in_the_outbox(database: Database, org: str) -> None:
    ada, bob = person(org), person(org)
    write(database, ada, bob)
    first, second = event(org, ada.id, changes={"email": [None, "a@x.io"]}), event(org, ada.id)
    with database.unit_of_work(write=True) as uow:
        uow.events.append([first, event(org, bob.id), second])
        uow.commit()
    with database.unit_of_work(write=True) as uow:
        uow.events.append([event(org, ada.id)])  # rolled back: never logged, never sent
    with database.unit_of_work(write=True) as uow:
        assert uow.events.for_candidate(org, ada.id) == [first, second]
        waiting = outbox(uow).unpublished_events(10)
        assert [e.id for e in waiting] == sorted(e.id for e in waiting) and len(waiting) == 3
        outbox(uow).mark_published(waiting[:2], T0)
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        assert outbox(uow).unpublished_events(10) == waiting[2:]


def test_webhooks_are_listed_until_removed(database: Database, org: str) -> None:
    hook = WebhookSubscription(id=new_id(), organization_id=org, url="https://hooks.example/in",
                               events=["candidate.created"], secret="whsec_abc", created_at=T0)  # fmt: skip
    with database.unit_of_work(write=True) as uow:
        uow.webhooks.add(hook)
        uow.commit()
    with database.unit_of_work(write=True) as uow:
        assert uow.webhooks.get(org, hook.id) == hook
        assert uow.webhooks.find(org, deleted_at=None) == [hook]
        uow.webhooks.remove(org, hook.id, T0)
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        assert uow.webhooks.find(org, deleted_at=None) == []
        stored = uow.webhooks.get(org, hook.id)
        assert stored is not None and stored.deleted_at == T0


def delivery(org: str, event_id: str | None = None, **fields: Any) -> Delivery:
    return Delivery(id=new_id(), organization_id=org, kind=fields.pop("kind", "webhook"),
                    target=fields.pop("target", "https://hooks.example/in"), payload={"body": "x"}, created_at=T0,
                    next_attempt_at=T0, event_id=event_id, **fields)  # fmt: skip


def record_attempt(uow: UnitOfWork, attempt: DeliveryAttempt) -> None:
    """An attempt as the worker records it (a storage-side write: the SQL worker's needs a lease it claimed)."""
    if isinstance(uow, SqlUnitOfWork):
        uow.conn.execute(insert(t.delivery_attempts), [dataclasses.asdict(attempt)])
    else:
        assert isinstance(uow, InMemoryUnitOfWork)
        uow.deliveries.add_attempt(attempt)


def attempt_at(delivery: Delivery, number: int, error: str | None = None) -> DeliveryAttempt:
    return DeliveryAttempt(id=new_id(), organization_id=delivery.organization_id, delivery_id=delivery.id,
                           number=number, attempted_at=T0 + timedelta(minutes=number), outcome="failed", error=error)  # fmt: skip


def test_a_deliverys_attempts_are_listed_in_order(database: Database, org: str) -> None:
    sent, other = delivery(org), delivery(org)
    tries = [attempt_at(sent, n) for n in (1, 2, 1)]  # numbers restart after a manual retry; ids keep the order
    with database.unit_of_work(write=True) as uow:
        outbox(uow).add(sent)
        outbox(uow).add(other)
        for attempt in [*tries, attempt_at(other, 1)]:
            record_attempt(uow, attempt)
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        assert uow.deliveries.attempts(org, sent.id) == tries


def test_a_dead_delivery_is_rescheduled_with_a_fresh_round_of_attempts(database: Database, org: str) -> None:
    dead = delivery(org, status=DeliveryStatus.DEAD, attempts=5, last_error="timeout")
    with database.unit_of_work(write=True) as uow:
        outbox(uow).add(dead)
        outbox(uow).add(delivery(org))
        uow.commit()
    later = T0 + timedelta(hours=1)
    with database.unit_of_work(write=True) as uow:
        assert uow.deliveries.get(org, dead.id) == dead
        assert uow.deliveries.attempts(org, dead.id) == []
        dead_ones = uow.deliveries.page(org, Filters(equal={"status": "dead"}), PageRequest())
        assert [d.id for d in dead_ones.items] == [dead.id]
        uow.deliveries.reschedule(org, dead.id, later)
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        stored = uow.deliveries.get(org, dead.id)
        assert stored is not None
        assert (stored.status, stored.attempts, stored.next_attempt_at, stored.updated_at) == (
            "pending",
            0,
            later,
            later,
        )


def test_attachments_and_notes_are_kept_per_candidate_and_deleted_together(database: Database, org: str) -> None:
    ada, bob = person(org), person(org)
    write(database, ada, bob)
    cv_id = new_id()
    cv = Attachment(id=cv_id, organization_id=org, candidate_id=ada.id, application_id=None, kind="resume",
                    name="cv.pdf", content_type="application/pdf", size=3, created_at=T0)  # fmt: skip
    note = Note(id=new_id(), organization_id=org, candidate_id=ada.id, application_id=None, body="Strong",
                author={"type": "api_key"}, created_at=T0)  # fmt: skip
    with database.unit_of_work(write=True) as uow:
        uow.blobs.add_attachment(cv, b"pdf")
        uow.blobs.add_note(note)
        uow.commit()
    with database.unit_of_work(write=True) as uow:
        assert uow.blobs.attachments(org, ada.id) == [cv]
        assert uow.blobs.attachment(org, cv_id) == (cv, b"pdf")
        assert uow.blobs.notes(org, ada.id) == [note]
        assert uow.blobs.attachments(org, bob.id) == [] and uow.blobs.notes(org, bob.id) == []
        assert (uow.blobs.delete_attachments(org, ada.id), uow.blobs.delete_notes(org, ada.id)) == (1, 1)
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        assert uow.blobs.attachment(org, cv_id) is None and uow.blobs.notes(org, ada.id) == []


def test_erasure_blanks_what_the_log_the_outbox_and_test_results_copied(database: Database, org: str) -> None:
    job, ada, bob = opening(org), person(org, email="ada@example.com"), person(org)
    ada_in, bob_in = application(org, ada, job), application(org, bob, job)
    write(database, job, ada, bob, ada_in, bob_in)
    hers = event(org, ada.id, changes={"email": [None, "ada@example.com"]}, data={"to": "ada@example.com", "n": 1})
    his = event(org, bob.id, changes={"email": [None, "bob@example.com"]})
    email = delivery(org, hers.id, kind="email", target="ada@example.com", last_error="ada@example.com bounced")
    test = Attempt(id=new_id(), organization_id=org, application_id=ada_in.id, candidate_id=ada.id,
                   opening_id=job.id, step_id="s", attempt=1, started_at=T0,
                   result={"notes": "Ada did well", "score": 3}, settings={"lang": "en"})  # fmt: skip
    with database.unit_of_work(write=True) as uow:
        uow.events.append([hers, his])
        outbox(uow).add(email)
        record_attempt(uow, attempt_at(email, 1, "550 ada@example.com: no such user"))
        uow.attempts.add(test)
        uow.commit()
    with database.unit_of_work(write=True) as uow:
        uow.erasure.forget_person(org, ada.id, ["ada@example.com"], ["Ada"])
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        [blank] = uow.events.for_candidate(org, ada.id)
        assert blank.changes == {"email": [ERASED, ERASED]} and blank.data == {"to": ERASED, "n": 1}
        assert uow.events.for_candidate(org, bob.id) == [his]
        sent = uow.deliveries.get(org, email.id)
        assert sent is not None and (sent.target, sent.payload, sent.status) == (ERASED, {}, "dead")
        assert [a.error for a in uow.deliveries.attempts(org, email.id)] == [ERASED]
        stored = uow.attempts.get(org, test.id)
        assert stored is not None and stored.result == {"notes": ERASED, "score": 3} and stored.settings == {}


def claim(key: str, at: Any = T0) -> IdempotencyClaim:
    return IdempotencyClaim(scope="key-digest", key=key, request_hash="h", at=at)


def settle(database: Database, claimed: IdempotencyClaim, *, commit: bool = True) -> None:
    with database.unit_of_work(write=True) as uow:
        uow.idempotency.settle(claimed, keeps_answer=True)
        if commit:
            uow.commit()


def test_an_idempotency_key_is_recorded_once_until_it_expires(database: Database) -> None:
    settle(database, claim("k1"), commit=False)  # rolled back with its change: the key stays free
    settle(database, claim("k1"))
    with pytest.raises(Conflict) as refused:
        settle(database, claim("k1", T0 + timedelta(hours=23)))
    assert refused.value.field == "Idempotency-Key"
    settle(database, claim("k1", T0 + timedelta(hours=25)))  # a day later the key is free again
    withheld = claim("k2")
    with database.unit_of_work(write=True) as uow:
        uow.idempotency.settle(withheld, keeps_answer=False)
    assert withheld.keeps_answer is False


def save_answer(database: Database, key: str, body: bytes) -> None:
    """The edge's side: an answer saved for a settled key (each implementation has its own store)."""
    if isinstance(database, SqlDatabase):
        SqlIdempotencyStore(database).complete("key-digest", key, 201, [], body)
        return
    with database.unit_of_work(write=True) as uow:
        ledger = uow.idempotency
        assert isinstance(ledger, MemoryIdempotencyLedger)
        ledger.complete("key-digest", key, 201, body)
        uow.commit()


def answer(database: Database, key: str) -> bytes | None:
    if isinstance(database, InMemoryDatabase):
        with database.unit_of_work(write=False) as uow:
            assert isinstance(uow.idempotency, MemoryIdempotencyLedger)
            found = uow.idempotency.stored("key-digest", key)
    else:
        assert isinstance(database, SqlDatabase)
        found = SqlIdempotencyStore(database).find("key-digest", key)
    return None if found is None else found.body


def test_erasure_drops_stored_answers_that_name_the_person(database: Database, org: str) -> None:
    ada = person(org)
    write(database, ada)
    for key, body in (("hers", b'{"email": "ada@example.com"}'), ("other", b'{"email": "bob@example.com"}')):
        settle(database, claim(key))
        save_answer(database, key, body)
    with database.unit_of_work(write=True) as uow:
        uow.erasure.forget_person(org, ada.id, ["ada@example.com"])
        uow.commit()
    assert answer(database, "hers") is None
    assert answer(database, "other") == b'{"email": "bob@example.com"}'
