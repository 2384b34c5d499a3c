"""Pure-ASGI middleware shared by every mounted surface: request id, access log, body limits, metrics."""

from __future__ import annotations

import itertools
import logging
import os
import time

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candidly.domain.values import is_digits
from candidly.web.json_depth import JsonDepthScanner, JsonTooDeep, is_json
from candidly.web.surface_errors import SurfaceErrors

log = logging.getLogger("candidly.access")


class Metrics:
    """Request counters and latencies by surface, in a registry of this app (not the global one).

    Every label comes from a fixed set, so no client can grow the output: the route is the template a request
    matched (``/api/v1/candidates/{candidate_id}``), or ``unmatched``; an unknown method counts as ``OTHER``.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "candidly_requests_total",
            "HTTP requests",
            ["surface", "method", "route", "status"],
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "candidly_requests_in_progress", "HTTP requests being answered", registry=self.registry
        )
        self.latency = Histogram(
            "candidly_request_seconds", "HTTP request latency", ["surface"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )  # fmt: skip


_SURFACES = {"api": "native", "testinvite": "testinvite", "instaview": "instaview", "comeet": "comeet",
             "paradox": "paradox", "access": "access", "static": "ops", "healthz": "ops", "readyz": "ops",
             "metrics": "ops", "docs": "ops", "": "ops"}  # fmt: skip
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def surface_of(path: str) -> str:
    """The surface a path belongs to, one of a fixed set (``unmatched`` for any other first segment)."""
    head = path.split("/", 2)[1] if path.count("/") >= 1 else ""
    return _SURFACES.get(head, "unmatched")


def route_of(scope: Scope) -> str:
    """The route template the request matched (its mount's prefix included), or ``unmatched``."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return f"{scope.get('root_path', '')}{template}" if isinstance(template, str) else "unmatched"


# The access page's own paths; any other segment under /access is an invitation code (a credential).
_ACCESS_ROUTES = frozenset({"", "login", "steps", "sign-out", "static"})


def loggable_path(path: str) -> str:
    """The path as the access log may show it: a direct-access link's invitation code is masked."""
    if path.startswith("/access/"):
        segment = path[len("/access/") :].split("/", 1)[0]
        if segment not in _ACCESS_ROUTES:
            return "/access/[code]"
    return path


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-Id), logs one JSON line, counts it, caps its body's size and
    its JSON nesting depth (scanned as the bytes stream in; the surface reading the body renders the refusal).

    The access log names the method, path, status and timing only: never headers, bodies or query
    strings, so keys, tokens, passwords and CV text cannot reach the logs.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        metrics: Metrics,
        access_log: bool,
        errors: SurfaceErrors,
        max_json_depth: int = 32,
        uploads: tuple[tuple[str, ...], int] = ((), 0),
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.errors = errors
        self.max_json_depth = max_json_depth
        # Surfaces whose vendors send files inline as base64 (Comeet, Paradox) get their own, larger cap.
        self.upload_prefixes, self.max_upload_body = uploads
        self.metrics = metrics
        self.access_log = access_log
        # Process id and a counter: unique per process, and far cheaper than uuid4 on every request.
        self._ids = (f"{os.getpid():x}-{n:x}" for n in itertools.count(1))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or next(self._ids)
        started = time.perf_counter()
        status = 500
        limit = self._limit(scope["path"])
        received = 0
        depth = JsonDepthScanner(self.max_json_depth) if is_json(_header(scope, b"content-type")) else None

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

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        self.metrics.in_progress.inc()
        try:
            declared = _header(scope, b"content-length")
            if declared is not None and is_digits(declared) and int(declared) > limit:
                raise BodyTooLarge(limit)
            await self.app(scope, limited_receive, send_with_id)
        except (BodyTooLarge, JsonTooDeep) as exc:
            # Refused before a surface read the body (a declared length, or an Idempotency-Key, whose middleware
            # reads first): the answer still comes in the surface's envelope. A surface reading the body itself
            # gets these as HTTPExceptions and renders them.
            response = await self.errors.response(scope, exc.status_code, exc.detail)
            await response(scope, receive, send_with_id)
        finally:
            self.metrics.in_progress.dec()
            self._record(scope, status, started, request_id)

    def _limit(self, path: str) -> int:
        return self.max_upload_body if path.startswith(self.upload_prefixes) else self.max_body

    def _record(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        surface = surface_of(scope["path"])
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        self.metrics.requests.labels(surface, method, route_of(scope), str(status)).inc()
        self.metrics.latency.labels(surface).observe(elapsed)
        if self.access_log:
            log.info(
                "%s",
                orjson.dumps(
                    {"request_id": request_id, "method": scope["method"], "path": loggable_path(scope["path"]),
                     "status": status, "ms": round(elapsed * 1000, 2)}
                ).decode(),
            )  # fmt: skip


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body exceeds {limit} bytes")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeadersMiddleware:
    """Adds the headers every answer should carry; HTML pages add their own CSP on top."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
