"""Test mode's sender: keeps every email, callback and webhook in memory instead of sending it.

The worker renders, signs and records deliveries exactly as it does in production; only the last step, putting
bytes on the wire, lands here. A test may also make a target answer with a failure a number of times, to see
retries come due as the clock moves.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from candidly.delivery.senders import Outcome
from candidly.domain.deliveries import Delivery
from candidly.domain.ids import Clock


@dataclass(frozen=True, slots=True)
class Captured:
    """One message as a receiver would have had it: for an email, its recipient, subject and rendered body."""

    kind: str
    organization_id: str
    delivery_id: str
    to: str
    subject: str | None
    body: str
    headers: dict[str, str]
    sent_at: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Refusal:
    target: str
    status: int
    remaining: int


@dataclass
class CapturingSender:
    """A ``Sender`` that records instead of sending. Thread-safe: the server's threads read while the worker adds."""

    clock: Clock
    _messages: list[Captured] = field(default_factory=list)
    _refusals: list[_Refusal] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def email(self, delivery: Delivery, subject: str, body: str) -> Outcome:
        return self._keep(delivery, subject, body, {})

    def post(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Outcome:
        return self._keep(delivery, None, body.decode(), headers)

    def close(self) -> None:
        """Nothing to release: the messages stay readable after the worker stops."""

    def _keep(self, delivery: Delivery, subject: str | None, body: str, headers: dict[str, str]) -> Outcome:
        with self._lock:
            refusal = next((r for r in self._refusals if r.target == delivery.target and r.remaining > 0), None)
            if refusal is not None:
                refusal.remaining -= 1
                return Outcome(False, refusal.status, f"HTTP {refusal.status}: refused by test mode")
            self._messages.append(
                Captured(
                    kind=delivery.kind,
                    organization_id=delivery.organization_id,
                    delivery_id=delivery.id,
                    to=delivery.target,
                    subject=subject,
                    body=body,
                    headers=dict(headers),
                    sent_at=self.clock.now().isoformat(),
                )
            )
        return Outcome(True, None if subject is not None else 200)

    def refuse(self, target: str, *, status: int, times: int) -> None:
        """Make the next ``times`` sends to ``target`` fail with ``status`` (a 5xx is retried, as from a real one)."""
        with self._lock:
            self._refusals.append(_Refusal(target, status, times))

    def messages(self) -> list[Captured]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._refusals.clear()
