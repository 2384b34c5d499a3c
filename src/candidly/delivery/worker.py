"""The delivery worker: fan events out, claim due deliveries under a lease, send, record, retry or dead-letter.

Nothing is sent inside a transaction: a claim commits before the send, and the outcome is recorded
in a second transaction that checks the lease is still ours. A worker killed mid-send leaves its
claim to expire, and the delivery is tried again: delivery is at least once, never silently never.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Protocol, cast

import orjson

from candidly.delivery.backoff import retry_delay
from candidly.delivery.fanout import CallbackRenderer, FanOut, native_session
from candidly.delivery.senders import NetworkSender, Outcome, Sender, SmtpSettings, signature_headers
from candidly.domain.deliveries import Delivery, DeliveryKind, DeliveryStatus
from candidly.domain.ids import Clock
from candidly.storage.outbox import SqlDeliveries, new_attempt
from candidly.storage.uow import SqlDatabase, SqlUnitOfWork

log = logging.getLogger("candidly.delivery")


class WorkerSettings(SmtpSettings, Protocol):
    public_base_url: str
    worker_poll_seconds: float
    delivery_max_attempts: int
    delivery_backoff_seconds: float
    delivery_backoff_max_seconds: float
    outbound_allow_private: bool


HOUSEKEEPING_SECONDS = 300.0


class Worker:
    """Drive it with ``run_once()`` (tests) or ``run(stop)`` (a thread of the server, or ``candidly worker``)."""

    FAN_OUT_BATCH = 200
    DISPATCH_BATCH = 20

    def __init__(
        self,
        database: SqlDatabase,
        clock: Clock,
        settings: WorkerSettings,
        *,
        callback_renderer: CallbackRenderer = native_session,
        rng: random.Random | None = None,
        housekeeping: Sequence[Callable[[], object]] = (),
        sender: Sender | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.callback_renderer = callback_renderer
        self.housekeeping = housekeeping
        self._next_housekeeping = 0.0
        self.owner = uuid.uuid4().hex
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self.sender = sender or NetworkSender(settings)
        # Every claimed delivery may take a full timeout; the lease outlives the whole batch.
        self.lease = timedelta(seconds=60 + 2 * settings.delivery_timeout_seconds * self.DISPATCH_BATCH)

    @contextmanager
    def _outbox(self) -> Iterator[tuple[SqlUnitOfWork, SqlDeliveries]]:
        with self.database.unit_of_work(write=True) as uow:
            sql = cast(SqlUnitOfWork, uow)  # the worker is part of the storage adapter's world
            yield sql, sql.deliveries

    def run_once(self) -> int:
        """Fan out what is new and send what is due; the number of events and deliveries handled."""
        # A read first: on SQLite an idle worker must not take the write lock every poll.
        with self.database.unit_of_work(write=False) as uow:
            if not cast(SqlUnitOfWork, uow).deliveries.has_work(self.clock.now()):
                return 0
        return self.fan_out() + self.dispatch()

    def fan_out(self) -> int:
        with self._outbox() as (uow, outbox):
            events = outbox.unpublished_events(self.FAN_OUT_BATCH)
            now = self.clock.now()
            fan = FanOut(uow, now, self.settings.public_base_url, self.callback_renderer)
            outbox.add_many([d for e in events for d in fan.deliveries(e)])
            outbox.mark_published(events, now)
            uow.commit()
        return len(events)

    def dispatch(self) -> int:
        now = self.clock.now()
        with self._outbox() as (uow, outbox):
            claimed = outbox.claim(self.owner, now, now + self.lease, self.DISPATCH_BATCH)
            uow.commit()
        for delivery in claimed:
            self._attempt(delivery)
        return len(claimed)

    def _attempt(self, delivery: Delivery) -> None:
        outcome = self._send(delivery)
        now = self.clock.now()
        delivery.attempts += 1
        delivery.updated_at = now
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.ok:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        elif outcome.permanent or delivery.attempts >= self.settings.delivery_max_attempts:
            delivery.status = DeliveryStatus.DEAD
        else:
            s = self.settings
            delivery.next_attempt_at = now + retry_delay(
                delivery.attempts, s.delivery_backoff_seconds, s.delivery_backoff_max_seconds, self.rng
            )
        attempt = new_attempt(
            delivery, now, "delivered" if outcome.ok else "failed", outcome.status_code, outcome.error
        )
        with self._outbox() as (uow, outbox):
            kept = outbox.finish(delivery, self.owner, attempt)
            uow.commit()
        if not kept:
            log.warning("delivery %s: lease lost before its outcome was recorded", delivery.id)

    def _send(self, delivery: Delivery) -> Outcome:
        try:
            if delivery.kind == DeliveryKind.EMAIL:
                p = delivery.payload
                return self.sender.email(delivery, p["subject"], p["body"])
            if delivery.kind == DeliveryKind.WEBHOOK:
                return self._send_webhook(delivery)
            return self.sender.post(delivery, orjson.dumps(delivery.payload), {})
        except Exception as exc:  # a bug in one delivery must not stop the others
            log.exception("delivery %s failed unexpectedly", delivery.id)
            return Outcome(False, None, f"internal error: {exc.__class__.__name__}: {exc}")

    def _send_webhook(self, delivery: Delivery) -> Outcome:
        with self.database.unit_of_work(write=False) as uow:
            subscription = uow.webhooks.get(delivery.organization_id, delivery.subscription_id or "")
        if subscription is None or subscription.deleted_at is not None:
            return Outcome(False, None, "the webhook subscription was deleted", permanent=True)
        body = orjson.dumps(delivery.payload)
        # The delivery id is the message id: a receiver sees the same id on every retry and can dedupe.
        headers = signature_headers(subscription.secret, delivery.id, self.clock.now(), body)
        return self.sender.post(delivery, body, headers)

    def housekeep(self) -> None:
        """Periodic chores beside delivery: GDPR erasure of expired candidates, forgetting old idempotency keys."""
        for chore in self.housekeeping:
            chore()

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set, sleeping between polls only when there was nothing to do."""
        log.info("delivery worker %s started", self.owner)
        while not stop.is_set():
            try:
                if time.monotonic() >= self._next_housekeeping:
                    self.housekeep()
                    self._next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
                busy = self.run_once()
            except Exception:
                log.exception("delivery worker pass failed; retrying after a pause")
                busy = 0
            if not busy:
                stop.wait(self.settings.worker_poll_seconds)
        self.sender.close()
        log.info("delivery worker %s stopped", self.owner)


class WorkerThread:
    """A worker on a daemon thread, for ``candidly serve``; ``stop()`` lets the current send finish."""

    def __init__(self, worker: Worker) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=worker.run, args=(self.stop_event,), name="candidly-delivery", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)
