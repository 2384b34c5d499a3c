"""Request metrics by surface, method, route and status, and the request path as the access log may show it."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import Scope


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
            "candidly_request_seconds",
            "HTTP request latency",
            ["surface"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        # Each label set's child, found once: ``labels()`` takes a lock and builds its key on every call. The
        # label sets are fixed (see above), so these stay small.
        self._counted: dict[tuple[str, str, str, int], Counter] = {}
        self._timed: dict[str, Histogram] = {}

    def record(self, scope: Scope, status: int, seconds: float) -> None:
        """Count one answered request and its latency."""
        surface = surface_of(scope["path"])
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        key = (surface, method, route_of(scope), status)
        counter = self._counted.get(key)
        if counter is None:
            counter = self._counted[key] = self.requests.labels(surface, method, key[2], str(status))
        counter.inc()
        timer = self._timed.get(surface)
        if timer is None:
            timer = self._timed[surface] = self.latency.labels(surface)
        timer.observe(seconds)


_SURFACES = {
    "api": "native",
    "testinvite": "testinvite",
    "instaview": "instaview",
    "comeet": "comeet",
    "paradox": "paradox",
    "access": "access",
    "static": "ops",
    "healthz": "ops",
    "readyz": "ops",
    "metrics": "ops",
    "docs": "ops",
    "": "ops",
}
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
