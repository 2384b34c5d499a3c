"""Rate limits the edge (``web/edge.py``) asks before a request runs: per credential, and failed authentications per
client address, each a fixed one-minute window (per key, per client address without one), in-process.

Each process counts on its own: with several API nodes (or ``serve`` workers) a client may make the limit once
per process, so set the per-process limit to the total divided by their number (docs/deploy.md). The credential
is the hash of the whole Authorization header, so the counters never hold a token; a Paradox access token counts
apart from the key that minted it, and minting is itself counted per client address.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from starlette.types import Scope

from candidly.domain.ids import Clock

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
WINDOW_SECONDS = 60
HOUR_SECONDS = 3600
# Past this many credentials in one window, new ones count under their client address: garbage tokens from
# one client cannot grow the table without bound.
MAX_TRACKED = 100_000


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the window ends
    retry_after: int  # seconds until then, at least 1


class FixedWindowLimiter:
    """Counts requests per credential in the current window of the injected clock.

    ``hit`` runs on the event loop and never awaits, so two requests cannot interleave inside it: no lock.
    """

    def __init__(self, limit: int, clock: Clock, window_seconds: int = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.clock = clock
        self.window_seconds = window_seconds
        self.window = -1
        self.counts: dict[str, int] = {}

    def hit(self, credential: str, fallback: str) -> Verdict:
        return self._verdict(credential, fallback, count=True)

    def peek(self, credential: str) -> Verdict:
        """Whether ``credential`` still has room in this window, without using any of it."""
        return self._verdict(credential, credential, count=False)

    def _verdict(self, credential: str, fallback: str, *, count: bool) -> Verdict:
        now = self.clock.now().timestamp()
        window = int(now // self.window_seconds)
        if window != self.window:
            self.window, self.counts = window, {}  # all windows end together: the old counts go at once
        if credential not in self.counts and len(self.counts) >= MAX_TRACKED:
            credential = fallback
        used = self.counts.get(credential, 0)
        allowed = used < self.limit
        if allowed and count:
            used += 1
            self.counts[credential] = used
        reset_at = (window + 1) * self.window_seconds
        return Verdict(allowed, self.limit, self.limit - used, reset_at, max(1, math.ceil(reset_at - now)))


def address_of(scope: Scope) -> str:
    client = scope.get("client")
    return f"address:{client[0] if client else ''}"


def credential_of(authorization: bytes | None, address: str) -> tuple[str, str]:
    """(the credential a request counts against, its client address as the fallback)."""
    if authorization is None:
        return address, address
    return "credential:" + hashlib.sha256(authorization).hexdigest()[:32], address


def limit_headers(verdict: Verdict, hour: Verdict | None = None) -> dict[str, str]:
    """The limit as headers; the ``-Minute`` and ``-Hour`` names are the ones InstaView documents (docs/vendors/instaview.md, decision 19)."""
    values = {"Limit": verdict.limit, "Remaining": verdict.remaining, "Reset": verdict.reset_at}
    headers = {f"X-RateLimit-{name}": str(value) for name, value in values.items()}
    headers |= {f"X-RateLimit-{name}-Minute": str(value) for name, value in values.items()}
    if hour is not None:
        hourly = {"Limit": hour.limit, "Remaining": hour.remaining, "Reset": hour.reset_at}
        headers |= {f"X-RateLimit-{name}-Hour": str(value) for name, value in hourly.items()}
    return headers


@dataclass(frozen=True, slots=True)
class Counted:
    """A request the rate limit counted: the headers its answer carries, and the 429 to send instead, if any."""

    headers: dict[str, str]
    refusal: str | None = None  # the 429's detail
    retry_after: int = 0


class RateLimit:
    """Once a credential has used its window, its requests are refused (429 with Retry-After; the edge renders it).

    Paths under ``announce`` prefixes carry the limit headers on every answer, the hour's too (InstaView does).
    With ``enforce`` off (no limit configured) only those paths are counted, against ``limiter``'s advertised
    limit, and nothing is refused: the headers tell a client the vendor's documented default.
    """

    def __init__(
        self,
        limiter: FixedWindowLimiter,
        *,
        announce: tuple[str, ...] = (),
        hourly: FixedWindowLimiter | None = None,
        enforce: bool = True,
    ) -> None:
        self.limiter = limiter
        self.announce = announce
        self.hourly = hourly
        self.enforce = enforce

    def count(self, path: str, address: str, authorization: bytes | None) -> Counted | None:
        """Count a request to ``path``; None when this path is not counted at all."""
        announced = any(path == prefix or path.startswith(prefix + "/") for prefix in self.announce)
        if path in EXEMPT or not (self.enforce or announced):
            return None
        credential = credential_of(authorization, address)
        verdict = self.limiter.hit(*credential)
        hour = self.hourly.hit(*credential) if self.hourly is not None and announced else None
        headers = limit_headers(verdict, hour) if announced else {}
        if self.enforce and not verdict.allowed:
            detail = (
                f"rate limit of {verdict.limit} requests per minute reached; retry in {verdict.retry_after} seconds"
            )
            return Counted(headers, detail, verdict.retry_after)
        return Counted(headers)


class FailedAuthLimit:
    """Failed authentications count per client address: past the limit in a window, the address gets 429 until the
    window ends, whatever credential it sends next.

    Each guessed token would otherwise get a budget of its own under the per-credential limit, so a token (the
    operator's included) could be guessed at full speed. Counted on the service clock; a refusal is made before any
    credential is checked, so guessing costs no database work either.
    """

    def __init__(self, limiter: FixedWindowLimiter) -> None:
        self.limiter = limiter

    def refusal(self, address: str) -> Verdict | None:
        """The verdict refusing this address now, or None when it may go on."""
        verdict = self.limiter.peek(address)
        return None if verdict.allowed else verdict

    def answered(self, address: str, status: int) -> None:
        """Note the status the request was answered with: a 401 is one more failure of its address."""
        if status == 401:
            self.limiter.hit(address, address)
