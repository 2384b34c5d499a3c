"""A circuit breaker per receiver: a receiver that keeps failing is left alone for a while, doubling."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(slots=True)
class _State:
    failures: int = 0  # in a row
    open_until: datetime | None = None
    cooldown: float = 0.0  # seconds of the last opening


class Breakers:
    """After ``threshold`` failures in a row a receiver is open (not called) for a cooldown that doubles
    with each failed probe, up to ``max_cooldown``. Once the cooldown has passed it is half-open: one
    delivery is let through as a probe; a success closes it, a failure opens it again.

    Time is the worker's clock, so tests move a FakeClock. State is per worker process.
    """

    def __init__(self, threshold: int = 5, cooldown: float = 30.0, max_cooldown: float = 600.0) -> None:
        self.threshold = threshold
        self.base_cooldown = cooldown
        self.max_cooldown = max_cooldown
        self.states: dict[str, _State] = {}
        self.lock = threading.Lock()

    def record(self, receiver: str, now: datetime, *, failed: bool) -> None:
        with self.lock:
            if not failed:
                self.states.pop(receiver, None)
                return
            state = self.states.setdefault(receiver, _State())
            if state.open_until is not None and state.open_until > now:
                return  # a send that started before the breaker opened: it is open already
            state.failures += 1
            if state.failures >= self.threshold:
                state.cooldown = min(max(state.cooldown * 2, self.base_cooldown), self.max_cooldown)
                state.open_until = now + timedelta(seconds=state.cooldown)

    def open_until(self, receiver: str, now: datetime) -> datetime | None:
        """When ``receiver`` may be called again, if it may not be called now."""
        with self.lock:
            state = self.states.get(receiver)
            if state is None or state.open_until is None or state.open_until <= now:
                return None
            return state.open_until

    def half_open(self, receiver: str, now: datetime) -> bool:
        """Whether ``receiver`` is past its cooldown but not yet proven healthy: it gets one call at a time."""
        with self.lock:
            state = self.states.get(receiver)
            return state is not None and state.open_until is not None and state.open_until <= now

    def open_receivers(self, now: datetime) -> list[str]:
        with self.lock:
            return [r for r, s in self.states.items() if s.open_until is not None and s.open_until > now]
