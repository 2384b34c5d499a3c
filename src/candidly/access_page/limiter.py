"""Wrong codes from one address: free at first, then slowed (a growing wait), then refused for a while.

Counts are kept per address *and* per target: invitation codes (and direct links, and opening ids nobody
holds) are one target, each opening's credentials page another. Someone guessing the credentials of one
opening from behind a shared address (an office NAT) locks that opening's page for that address only: the
candidates of other openings there, and their invitation codes, still get in.
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from candidly.domain.ids import Clock

# The target of invitation codes, direct links and unknown opening ids (a credentials page's is its opening id).
CODES = "codes"


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an address may try now; if not, how many seconds until it may, and whether it is locked out."""

    allowed: bool
    retry_after: int = 0
    locked: bool = False


@dataclass(slots=True)
class _Record:
    failures: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None


class FailureLimiter:
    """Counts wrong attempts per address in a sliding window; time comes from the injected clock.

    The first ``free_failures`` wrong attempts cost nothing (typos happen); each further one makes the
    address wait before its next try, the wait doubling from ``first_delay``. ``max_failures`` within ``window`` lock the address out for
    ``window``. A success does not reset the count: one valid code must not buy unlimited guesses.
    Counts live in this process (like the API rate limiter); several nodes each keep their own.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        free_failures: int = 2,
        first_delay: timedelta = timedelta(seconds=2),
        max_failures: int = 10,
        window: timedelta = timedelta(minutes=15),
        max_tracked: int = 100_000,
    ) -> None:
        self.clock = clock
        self.free_failures = free_failures
        self.first_delay = first_delay
        self.max_failures = max_failures
        self.window = window
        self.max_tracked = max_tracked
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, address: str, target: str = CODES) -> Verdict:
        """May ``address`` try ``target`` now?"""
        with self._lock:
            record = self._records.get(_key(address, target))
            return self._verdict(record, self.clock.now()) if record else Verdict(True)

    def fail(self, address: str, target: str = CODES) -> Verdict:
        """Count a wrong attempt at ``target``; answers what the address may do there next."""
        now = self.clock.now()
        key = _key(address, target)
        with self._lock:
            record = self._records.pop(key, None) or _Record()
            self._records[key] = record  # most recently failed last: the oldest are evicted first
            self._prune(record, now)
            record.failures.append(now)
            if len(record.failures) >= self.max_failures:
                record.failures.clear()
                record.locked_until = now + self.window
            while len(self._records) > self.max_tracked:
                self._records.popitem(last=False)
            return self._verdict(record, now)

    def _prune(self, record: _Record, now: datetime) -> None:
        record.failures = [f for f in record.failures if now - f < self.window]
        if record.locked_until is not None and now >= record.locked_until:
            record.locked_until = None

    def _verdict(self, record: _Record, now: datetime) -> Verdict:
        self._prune(record, now)
        if record.locked_until is not None:
            return Verdict(False, _seconds(record.locked_until - now), locked=True)
        slowed = len(record.failures) - self.free_failures
        if slowed <= 0:
            return Verdict(True)
        wait_until = record.failures[-1] + min(self.first_delay * 2 ** (slowed - 1), self.window)
        return Verdict(True) if now >= wait_until else Verdict(False, _seconds(wait_until - now))


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _key(address: str, target: str) -> str:
    return f"{address_key(address)} {target}"


def address_key(address: str) -> str:
    """The unit counted: one IPv4 address, or one IPv6 /64 (what a single subscriber is usually given)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
