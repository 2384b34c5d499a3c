"""The delivery worker: claim due deliveries under a lease, send, record, retry or dead-letter.

A command writes its deliveries in its own transaction (``fanout.Deliveries``, run by the message bus); the
worker fans out only events logged without them (by an older version, or a bus built without the step), in
batches, with the same step.

Nothing is sent or rendered inside a transaction: a claim commits before the send, and each outcome is
recorded on its own in a second transaction that checks the lease is still ours. Sends run on a pool of
threads, at most ``delivery_per_receiver`` at once for one receiver, and a receiver that keeps failing is
backed off (``breaker.py``), so one slow receiver costs the others nothing. A worker killed mid-send leaves
its claims to expire (a lease is one send's timeout plus a margin), and the delivery is tried again:
delivery is at least once, never silently never.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, cast

import orjson

from candidly.delivery.backoff import retry_delay
from candidly.delivery.breaker import Breakers
from candidly.delivery.fanout import Deliveries
from candidly.delivery.renderer import Budget, Renderer, RenderError
from candidly.delivery.senders import SMTP_UNSET, NetworkSender, Outcome, Sender, SmtpSettings, signature_headers
from candidly.domain.deliveries import Delivery, DeliveryAttempt, DeliveryKind, DeliveryStatus, WebhookSubscription
from candidly.domain.ids import Clock
from candidly.storage.outbox import SqlDeliveries, new_attempt, receiver_of
from candidly.storage.uow import SqlDatabase, SqlUnitOfWork

log = logging.getLogger("candidly.delivery")


class WorkerSettings(SmtpSettings, Protocol):
    public_base_url: str
    worker_poll_seconds: float
    delivery_max_attempts: int
    delivery_backoff_seconds: float
    delivery_backoff_max_seconds: float
    delivery_concurrency: int
    delivery_per_receiver: int
    template_render_seconds: float
    template_max_chars: int


HOUSEKEEPING_SECONDS = 300.0
# What a lease adds to the longest a send may take (its timeout and a render's): database round trips.
LEASE_MARGIN_SECONDS = 30.0
MAX_SKIPPED = 500


@dataclass(slots=True)
class _Finished:
    """An outcome sent but not yet recorded (the database failed): kept until it can be."""

    delivery: Delivery
    attempt: DeliveryAttempt


class Worker:
    """Drive it with ``run_once()`` (tests) or ``run(stop)`` (a thread of the server, or ``candidly worker``)."""

    FAN_OUT_BATCH = 500

    def __init__(
        self,
        database: SqlDatabase,
        clock: Clock,
        settings: WorkerSettings,
        *,
        fan_out: Deliveries | None = None,
        rng: random.Random | None = None,
        housekeeping: Sequence[Callable[[], object]] = (),
        sender: Sender | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.deliveries = fan_out or Deliveries(settings.public_base_url)
        self.housekeeping = housekeeping
        self._next_housekeeping = 0.0
        self.owner = uuid.uuid4().hex
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self.sender: Sender = sender or NetworkSender(settings)
        self.renderer = Renderer(Budget(settings.template_render_seconds, settings.template_max_chars))
        self.breakers = Breakers()
        self.pool = ThreadPoolExecutor(settings.delivery_concurrency, thread_name_prefix="candidly-send")
        self.lease = timedelta(
            seconds=settings.delivery_timeout_seconds + settings.template_render_seconds + LEASE_MARGIN_SECONDS
        )
        self._lock = threading.Lock()
        self._in_flight = Counter[str]()  # receiver -> sends under way
        self._futures: set[Future[None]] = set()
        self._unrecorded: list[_Finished] = []

    @contextmanager
    def _outbox(self) -> Iterator[tuple[SqlUnitOfWork, SqlDeliveries]]:
        with self.database.unit_of_work(write=True) as uow:
            sql = cast(SqlUnitOfWork, uow)  # the worker is part of the storage adapter's world
            yield sql, sql.deliveries

    def _work(self) -> tuple[bool, bool]:
        """Whether events wait for fan-out, and whether deliveries are due. A read: on SQLite an idle worker
        must not take the write lock every poll."""
        with self.database.unit_of_work(write=False) as uow:
            return cast(SqlUnitOfWork, uow).deliveries.work(self.clock.now())

    def run_once(self) -> int:
        """Fan out what is new and send what is due, waiting for the sends; the events and deliveries handled."""
        self.record_unrecorded()
        events, due = self._work()
        handled = self.fan_out() if events else 0
        while (events or due) and (claimed := self.dispatch()):  # a receiver gets only so many at a time
            handled += claimed
        return handled

    def fan_out(self) -> int:
        """Fan out events logged without their deliveries (see the module's docstring); the number of events."""
        with self._outbox() as (uow, outbox):
            events = outbox.unpublished_events(self.FAN_OUT_BATCH)
            now = self.clock.now()
            outbox.add_many(self.deliveries.of(uow, events, now))
            outbox.mark_published(events, now)
            uow.commit()
        return len(events)

    def dispatch(self, *, wait_for_sends: bool = True) -> int:
        """Claim what the pool and the receivers have room for and start sending it; the number claimed."""
        started = self._claim_and_start()
        if wait_for_sends:
            wait(started)
        return len(started)

    def _claim_and_start(self) -> list[Future[None]]:
        now = self.clock.now()
        with self._lock:
            room = self.settings.delivery_concurrency - sum(self._in_flight.values())
            skip = self._busy_receivers(now)
        if room <= 0:
            return []
        with self._outbox() as (uow, outbox):
            claimed = outbox.claim(
                self.owner, now, now + self.lease, room, per_receiver=self.settings.delivery_per_receiver, skip=skip
            )
            start, later = self._admit(claimed, now)
            for until, deliveries in later.items():
                outbox.release(deliveries, self.owner, until)
            # Read with the claim, not once per send: a subscription deleted since is caught by the next claim.
            hooks = uow.webhooks.by_keys(
                [(d.organization_id, d.subscription_id or "") for d in start if d.kind == DeliveryKind.WEBHOOK]
            )
            uow.commit()
        with self._lock:  # counted once the claim is committed: a claim that failed holds no room
            self._in_flight.update(receiver_of(d) for d in start)
        futures = [
            self.pool.submit(self._attempt, d, hooks.get((d.organization_id, d.subscription_id or ""))) for d in start
        ]
        with self._lock:
            self._futures.update(futures)
        for future in futures:
            future.add_done_callback(self._forget)
        return futures

    def _busy_receivers(self, now: datetime) -> list[str]:
        """Receivers to leave out of a claim: backed off, or already sending as much as they may."""
        cap = self.settings.delivery_per_receiver
        busy = {r for r, n in self._in_flight.items() if n >= cap or (n and self.breakers.half_open(r, now))}
        # Bounded, so a claim stays one modest statement; a receiver left out of it is sorted out by _admit.
        return sorted(busy.union(self.breakers.open_receivers(now)))[:MAX_SKIPPED]

    def _admit(
        self, claimed: list[Delivery], now: datetime
    ) -> tuple[list[Delivery], dict[datetime | None, list[Delivery]]]:
        """Split a claim into what starts now and what goes back: at once for a receiver that filled up
        meanwhile, at the end of its cooldown for one whose breaker is open (past the claim's skip list)."""
        start: list[Delivery] = []
        later: dict[datetime | None, list[Delivery]] = {}
        with self._lock:
            busy = Counter(self._in_flight)
        for delivery in claimed:
            receiver = receiver_of(delivery)
            cap = 1 if self.breakers.half_open(receiver, now) else self.settings.delivery_per_receiver
            if (until := self.breakers.open_until(receiver, now)) is not None or busy[receiver] >= cap:
                later.setdefault(until, []).append(delivery)
            else:
                busy[receiver] += 1
                start.append(delivery)
        return start, later

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _attempt(self, delivery: Delivery, subscription: WebhookSubscription | None) -> None:
        receiver = receiver_of(delivery)
        try:
            outcome = self._send(delivery, subscription)
            now = self.clock.now()
            self.breakers.record(receiver, now, failed=outcome.receiver_failed)
            finished = self._outcome(delivery, outcome, now)
        finally:
            with self._lock:
                self._in_flight[receiver] -= 1
                if self._in_flight[receiver] <= 0:
                    del self._in_flight[receiver]
        try:
            self._record(finished)
        except Exception:
            # The database is away: keep the outcome, and record it first thing when it is back.
            log.warning("delivery %s: could not record its outcome; will retry", delivery.id, exc_info=True)
            with self._lock:
                self._unrecorded.append(finished)

    def _outcome(self, delivery: Delivery, outcome: Outcome, now: datetime) -> _Finished:
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
        result = "delivered" if outcome.ok else "failed"
        return _Finished(delivery, new_attempt(delivery, now, result, outcome.status_code, outcome.error))

    def _record(self, finished: _Finished) -> None:
        with self._outbox() as (uow, outbox):
            kept = outbox.finish(finished.delivery, self.owner, finished.attempt)
            uow.commit()
        if not kept:
            log.warning("delivery %s: lease lost before its outcome was recorded", finished.delivery.id)

    def record_unrecorded(self) -> None:
        """Record outcomes a database failure held back (raises while it still fails)."""
        with self._lock:
            waiting, self._unrecorded = self._unrecorded, []
        for i, finished in enumerate(waiting):
            try:
                self._record(finished)
            except Exception:
                with self._lock:
                    self._unrecorded.extend(waiting[i:])
                raise

    def _send(self, delivery: Delivery, subscription: WebhookSubscription | None) -> Outcome:
        try:
            if delivery.kind == DeliveryKind.EMAIL:
                return self._send_email(delivery)
            if delivery.kind == DeliveryKind.WEBHOOK:
                return self._send_webhook(delivery, subscription)
            return self.sender.post(delivery, orjson.dumps(delivery.payload), {})
        except Exception as exc:  # a bug in one delivery must not stop the others
            log.exception("delivery %s failed unexpectedly", delivery.id)
            return Outcome(False, None, f"internal error: {exc.__class__.__name__}")

    def _send_email(self, delivery: Delivery) -> Outcome:
        p = delivery.payload
        if "template" not in p:  # fanned out before rendering moved here: already rendered
            return self.sender.email(delivery, p["subject"], p["body"])
        template = p["template"]
        try:
            subject, body = self.renderer.render(template["subject"], template["body"], p["variables"])
        except RenderError as exc:
            return Outcome(False, None, f"template {template['name']!r}: {exc}", permanent=True)
        return self.sender.email(delivery, subject, body)

    def _send_webhook(self, delivery: Delivery, subscription: WebhookSubscription | None) -> Outcome:
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

    def _pass(self) -> bool:
        """One pass of ``run``: whether it found work (so the next pass should come at once)."""
        if time.monotonic() >= self._next_housekeeping:
            self.housekeep()
            self._next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
        self.record_unrecorded()
        events, due = self._work()
        fanned = self.fan_out() if events else 0
        return bool(fanned + (self.dispatch(wait_for_sends=False) if events or due else 0))

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set, sleeping between polls when there was nothing to start, then let the
        sends under way finish."""
        log.info("delivery worker %s started", self.owner)
        if not self.settings.smtp_host:
            log.warning(SMTP_UNSET)
        failing = False
        while not stop.is_set():
            try:
                busy = self._pass()
            except Exception as exc:
                # One traceback when passes start failing (the database is away), not one per poll.
                if not failing:
                    log.exception("delivery worker pass failed; retrying after a pause")
                else:
                    log.debug("delivery worker pass failed again: %s", exc.__class__.__name__)
                failing, busy = True, False
            else:
                if failing:
                    log.warning("delivery worker passes succeed again")
                failing = False
            if not busy:
                self._idle(stop)
        self.close()
        log.info("delivery worker %s stopped", self.owner)

    def _idle(self, stop: threading.Event) -> None:
        """Wait for the poll interval, or less when a send finishes (and frees room for the next claim)."""
        with self._lock:
            pending = list(self._futures)
        if pending:
            wait(pending, timeout=self.settings.worker_poll_seconds, return_when="FIRST_COMPLETED")
        else:
            stop.wait(self.settings.worker_poll_seconds)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.record_unrecorded_quietly()
        self.sender.close()
        self.renderer.close()

    def record_unrecorded_quietly(self) -> None:
        try:
            self.record_unrecorded()
        except Exception:
            log.warning("delivery worker stopping with %d outcomes unrecorded", len(self._unrecorded))


class WorkerThread:
    """A worker on a daemon thread, for ``candidly serve``; ``stop()`` lets the current sends finish."""

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
