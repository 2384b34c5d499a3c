"""Per-credential rate limits: a fixed one-minute window per key (per client address without one), in-process.

Each process counts on its own: with several API nodes (or ``serve`` workers) a client may make the limit once
per process, so set the per-process limit to the total divided by their number (docs/deploy.md). The credential
is the hash of the whole Authorization header, so the counters never hold a token; a Paradox access token counts
apart from the key that minted it, and minting is itself counted per client address.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candidly.domain.ids import Clock
from candidly.web.surface_errors import SurfaceErrors

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


def credential_of(scope: Scope) -> tuple[str, str]:
    """(the credential a request counts against, its client address as the fallback)."""
    address = address_of(scope)
    header = next((value for key, value in scope["headers"] if key == b"authorization"), None)
    if header is None:
        return address, address
    return "credential:" + hashlib.sha256(header).hexdigest()[:32], address


def limit_headers(verdict: Verdict, hour: Verdict | None = None) -> dict[str, str]:
    """The limit as headers; the ``-Minute`` and ``-Hour`` names are the ones InstaView documents (docs/vendors/instaview.md, decision 19)."""
    values = {"Limit": verdict.limit, "Remaining": verdict.remaining, "Reset": verdict.reset_at}
    headers = {f"X-RateLimit-{name}": str(value) for name, value in values.items()}
    headers |= {f"X-RateLimit-{name}-Minute": str(value) for name, value in values.items()}
    if hour is not None:
        hourly = {"Limit": hour.limit, "Remaining": hour.remaining, "Reset": hour.reset_at}
        headers |= {f"X-RateLimit-{name}-Hour": str(value) for name, value in hourly.items()}
    return headers


class RateLimitMiddleware:
    """Answers 429 with Retry-After once a credential has used its window, in the surface's own error envelope.

    Paths under ``announce`` prefixes carry the limit headers on every answer, the hour's too (InstaView does).
    With ``enforce`` off (no limit configured) only those paths are counted, against ``limiter``'s advertised
    limit, and nothing is refused: the headers tell a client the vendor's documented default.
    """

    def __init__(
        self, app: ASGIApp, *, limiter: FixedWindowLimiter, errors: SurfaceErrors, announce: tuple[str, ...] = (),
        hourly: FixedWindowLimiter | None = None, enforce: bool = True,
    ) -> None:  # fmt: skip
        self.app = app
        self.limiter = limiter
        self.errors = errors
        self.announce = announce
        self.hourly = hourly
        self.enforce = enforce

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        announced = scope["type"] == "http" and self._announces(scope["path"])
        if scope["type"] != "http" or scope["path"] in EXEMPT or not (self.enforce or announced):
            await self.app(scope, receive, send)
            return
        credential = credential_of(scope)
        verdict = self.limiter.hit(*credential)
        hour = self.hourly.hit(*credential) if self.hourly is not None and announced else None
        headers = limit_headers(verdict, hour) if announced else {}
        if self.enforce and not verdict.allowed:
            detail = (
                f"rate limit of {verdict.limit} requests per minute reached; retry in {verdict.retry_after} seconds"
            )
            response = await self.errors.response(
                scope, 429, detail, {**headers, "Retry-After": str(verdict.retry_after)}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send, headers) if headers else send)

    def _announces(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.announce)


class FailedAuthLimitMiddleware:
    """Failed authentications count per client address: past the limit in a window, the address gets 429 until the
    window ends, whatever credential it sends next.

    Each guessed token would otherwise get a budget of its own under the per-credential limit, so a token (the
    operator's included) could be guessed at full speed. Counted on the service clock; a refusal is made before any
    credential is checked, so guessing costs no database work either, and comes in the surface's own envelope.
    """

    def __init__(self, app: ASGIApp, *, limiter: FixedWindowLimiter, errors: SurfaceErrors) -> None:
        self.app = app
        self.limiter = limiter
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        address = address_of(scope)
        verdict = self.limiter.peek(address)
        if not verdict.allowed:
            detail = f"too many failed authentications from this address; retry in {verdict.retry_after} seconds"
            response = await self.errors.response(scope, 429, detail, {"Retry-After": str(verdict.retry_after)})
            await response(scope, receive, send)
            return
        status = 0

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        finally:
            if status == 401:
                self.limiter.hit(address, address)


def _with_headers(send: Send, headers: Mapping[str, str]) -> Send:
    encoded = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *encoded]
        await send(message)

    return send_with_headers
