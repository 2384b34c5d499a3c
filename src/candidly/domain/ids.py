"""Identifiers, secrets and the clock the domain reads time from."""

from __future__ import annotations

import os
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

# Crockford's base32 without I, L, O, U: easy to read aloud and to type, no ambiguous glyphs.
_TYPEABLE = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


_id_lock = threading.Lock()
_last_millis = 0
_counter = 0


def new_id() -> str:
    """Return a 32-hex id: creation time in milliseconds, a counter, then 64 random bits.

    Time-ordered ids keep inserts at the right edge of every index and let lists page by id
    (a keyset cursor) instead of by OFFSET. The counter keeps ids made in the same millisecond by
    this process in creation order.
    """
    global _last_millis, _counter
    millis = time.time_ns() // 1_000_000
    with _id_lock:
        if millis <= _last_millis:
            millis = _last_millis
            _counter += 1
            if _counter > 0xFFFF:  # more than 65,536 ids in one millisecond: borrow the next one
                millis, _counter = millis + 1, 0
        else:
            _counter = secrets.randbelow(0x8000)
        _last_millis = millis
        counter = _counter
    return f"{millis:012x}{counter:04x}{os.urandom(8).hex()}"


def new_token(prefix: str, nbytes: int = 32) -> str:
    """Return a random bearer secret with a recognisable prefix (so leaked keys can be spotted)."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


def new_invitation_code(length: int = 12) -> str:
    """Return an unguessable code of 60 random bits, grouped in fours for typing: ``7KQ2-M9XD-4TBR``."""
    # 5 random bits a character, drawn at once: one call to the system's generator instead of one or more per
    # character (secrets.choice), the same uniform draw over the 32 characters.
    bits = secrets.randbits(5 * length)
    raw = "".join(_TYPEABLE[(bits >> (5 * i)) & 31] for i in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalize_invitation_code(code: str) -> str:
    """Fold what a person types (lower case, spaces, O for 0, I/L for 1) onto the canonical code."""
    cleaned = code.upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


class Clock(Protocol):
    """Where the current time comes from; tests inject a fixed or steerable one."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, always in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SteerableClock:
    """The wall clock plus an offset that test mode moves: windows open and links expire without sleeping.

    Time keeps running between moves, so a client that stamps its own tokens with the wall clock keeps
    working until a test moves the service clock on purpose.
    """

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, by: timedelta) -> datetime:
        with self._lock:
            self._offset += by
        return self.now()

    def set(self, when: datetime) -> datetime:
        """Jump to ``when`` (an aware datetime); time runs on from there."""
        with self._lock:
            self._offset = when - datetime.now(UTC)
        return self.now()

    def reset(self) -> datetime:
        """Back to the wall clock."""
        with self._lock:
            self._offset = timedelta()
        return self.now()
