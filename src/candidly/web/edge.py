"""The edge: one pure-ASGI layer around every surface for request ids, body limits, rate limits, security headers,
metrics, the access log, database faults and Idempotency-Key.

One layer rather than a stack: each stacked middleware cost a wrapped ``send`` and ``receive`` and a frame per
message, a few percent of a GET each. The work is done by the collaborators below and in ``web/rate_limit.py``,
``web/faults.py`` and ``web/idempotency.py``; ``Edge.__call__`` calls them in the order a request meets them:

1. its id (the client's ``X-Request-Id``, else a new one), echoed on the answer;
2. a declared body over the size limit: 413;
3. an address past its failed authentications: 429 (``FailedAuthLimit``);
4. a credential past its rate limit: 429; InstaView's paths carry the limit's headers (``RateLimit``);
5. the request runs (through ``Idempotency`` when a POST carries a key), its body's size and JSON nesting checked
   as the bytes stream in; a database fault raised before the answer started answers 503 (``FaultAnswers``);
6. every answer gets the security headers; each request is counted, timed and logged as one JSON line.

Anything refused here is rendered by ``SurfaceErrors`` in the envelope of the surface the path belongs to. The
access log names the method, path, status and timing only: never headers, bodies or query strings, so keys, tokens,
passwords and CV text cannot reach the logs.
"""

from __future__ import annotations

import itertools
import logging
import os
import time

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candidly.domain.values import is_digits
from candidly.web.faults import FaultAnswers, fault_kind
from candidly.web.idempotency import Idempotency
from candidly.web.json_depth import JsonDepthScanner, JsonTooDeep, is_json
from candidly.web.metrics import Metrics, loggable_path
from candidly.web.rate_limit import EXEMPT, FailedAuthLimit, RateLimit, address_of
from candidly.web.surface_errors import SurfaceErrors

log = logging.getLogger("candidly.access")

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body exceeds {limit} bytes")


class BodyLimits:
    """The largest body a path takes, and its deepest JSON nesting, checked on the bytes as they stream in.

    A surface reading the body gets the refusal as an HTTPException from ``receive`` and renders it itself.
    """

    def __init__(self, max_body: int, max_json_depth: int, uploads: tuple[tuple[str, ...], int] = ((), 0)) -> None:
        self.max_body = max_body
        self.max_json_depth = max_json_depth
        # Surfaces whose vendors send files inline as base64 (Comeet, Paradox) get their own, larger cap.
        self.upload_prefixes, self.max_upload_body = uploads

    def limit(self, path: str) -> int:
        return self.max_upload_body if path.startswith(self.upload_prefixes) else self.max_body

    def receive(self, receive: Receive, limit: int, content_type: bytes | None) -> Receive:
        """``receive``, raising BodyTooLarge or JsonTooDeep as soon as the bytes so far break a limit."""
        received = 0
        depth = JsonDepthScanner(self.max_json_depth) if is_json(_text(content_type)) else None

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise BodyTooLarge(limit)
                if depth is not None:
                    depth.feed(chunk, last=not message.get("more_body", False))
            return message

        return limited_receive


def declared_too_large(content_length: bytes | None, limit: int) -> bool:
    declared = _text(content_length)
    return declared is not None and is_digits(declared) and int(declared) > limit


class Exchange:
    """One request's answer as the edge sends it: the status seen, and the headers every answer gets."""

    __slots__ = ("_send", "limit_headers", "request_id", "started", "status")

    def __init__(self, send: Send, request_id: bytes) -> None:
        self._send = send
        self.request_id = request_id
        self.limit_headers: list[tuple[bytes, bytes]] = []
        self.status = 500  # what a request that raised before answering is counted and logged as
        self.started = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.started = True
            headers = [*message.get("headers", []), *self.limit_headers]
            present = {name.lower() for name, _ in headers}
            headers += [header for header in SECURITY_HEADERS if header[0] not in present]
            headers.append((b"x-request-id", self.request_id))
            message["headers"] = headers
        await self._send(message)


class Edge:
    """The one middleware of the app: see the module's docstring for what it does, in which order."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: BodyLimits,
        rate_limit: RateLimit,
        failed_auth: FailedAuthLimit | None,
        idempotency: Idempotency,
        answers: FaultAnswers,
        errors: SurfaceErrors,
        metrics: Metrics,
        access_log: bool,
    ) -> None:
        self.app = app
        self.limits = limits
        self.rate_limit = rate_limit
        self.failed_auth = failed_auth
        self.idempotency = idempotency
        self.answers = answers
        self.errors = errors
        self.metrics = metrics
        self.access_log = access_log
        # Process id and a counter: unique per process, and far cheaper than uuid4 on every request.
        self._ids = (f"{os.getpid():x}-{n:x}".encode() for n in itertools.count(1))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(reversed(scope["headers"]))  # reversed: the first of a repeated header wins
        exchange = Exchange(send, headers.get(b"x-request-id") or next(self._ids))
        started = time.perf_counter()
        address = address_of(scope)
        self.metrics.in_progress.inc()
        try:
            await self._answer(scope, receive, exchange, headers, address)
        finally:
            if self.failed_auth is not None and exchange.started and scope["path"] not in EXEMPT:
                self.failed_auth.answered(address, exchange.status)
            self.metrics.in_progress.dec()
            self._record(scope, exchange, time.perf_counter() - started)

    async def _answer(
        self, scope: Scope, receive: Receive, exchange: Exchange, headers: dict[bytes, bytes], address: str
    ) -> None:
        limit = self.limits.limit(scope["path"])
        refusal = self._refusal(scope["path"], headers, address, limit, exchange)
        if refusal is not None:
            await self._refuse(scope, exchange, refusal)
            return
        body = self.limits.receive(receive, limit, headers.get(b"content-type"))
        try:
            key = headers.get(b"idempotency-key") if scope["method"] == "POST" else None
            if key is None:
                await self.app(scope, body, exchange.send)
            else:
                await self.idempotency.run(self.app, scope, body, exchange.send, key, headers.get(b"authorization"))
        except (BodyTooLarge, JsonTooDeep) as exc:
            # Refused before a surface read the body (the idempotency store reads it first).
            if exchange.started:
                raise
            await self._refuse(scope, exchange, exc)
        except Exception as exc:
            # A database fault outside the surfaces (the idempotency lookup); a surface answers its own.
            kind = fault_kind(exc)
            if kind is None or exchange.started:
                raise
            response = await self.answers.answer(scope, kind, exc)
            await response(scope, _no_body, exchange.send)

    def _refusal(
        self, path: str, headers: dict[bytes, bytes], address: str, limit: int, exchange: Exchange
    ) -> HTTPException | None:
        """What the limits refuse before the request runs, in this order; else None (the rate limit's headers set)."""
        if declared_too_large(headers.get(b"content-length"), limit):
            return BodyTooLarge(limit)
        if path not in EXEMPT and self.failed_auth is not None:
            verdict = self.failed_auth.refusal(address)
            if verdict is not None:
                detail = f"too many failed authentications from this address; retry in {verdict.retry_after} seconds"
                return HTTPException(429, detail, {"Retry-After": str(verdict.retry_after)})
        # Before the idempotency store, so a client over its limit costs no database work.
        counted = self.rate_limit.count(path, address, headers.get(b"authorization"))
        if counted is None:
            return None
        if counted.refusal is not None:
            return HTTPException(429, counted.refusal, {**counted.headers, "Retry-After": str(counted.retry_after)})
        exchange.limit_headers = [(name.lower().encode(), value.encode()) for name, value in counted.headers.items()]
        return None

    async def _refuse(self, scope: Scope, exchange: Exchange, refusal: HTTPException) -> None:
        response = await self.errors.response(scope, refusal.status_code, refusal.detail, refusal.headers)
        await response(scope, _no_body, exchange.send)

    def _record(self, scope: Scope, exchange: Exchange, seconds: float) -> None:
        self.metrics.record(scope, exchange.status, seconds)
        if self.access_log and log.isEnabledFor(logging.INFO):
            # The line is the message (no arguments), so a % in a path is never taken for a placeholder.
            log.info(
                orjson.dumps(
                    {
                        "request_id": exchange.request_id.decode("latin-1"),
                        "method": scope["method"],
                        "path": loggable_path(scope["path"]),
                        "status": exchange.status,
                        "ms": round(seconds * 1000, 2),
                    }
                ).decode()
            )


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")
