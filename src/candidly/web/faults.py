"""Database faults at the edge: an unreachable database or a full disk answers 503 with Retry-After, logged once.

A fault is an error of the database itself (it cannot be reached, it is shutting down, its disk is full, it stayed
locked), not of the request: the client should retry later, so every surface answers 503 with ``Retry-After`` in its
own error envelope. The exception ends here: it never reaches the server, which would log a traceback and close
the connection. Each kind of fault is logged at most once per ``LOG_INTERVAL`` with a count of the ones not logged,
so an outage under load costs a few lines of log, not a traceback per request. ``/readyz`` reads the faults seen
recently (``Faults.recent``).

Mounted surfaces are Starlette apps whose outermost middleware answers 500 and re-raises any exception no handler
took: each gets ``FaultAnswers.handle`` as the handler of database errors (``install``). What runs outside them (the
idempotency lookup) is answered by the edge (``web/edge.py``) with ``FaultAnswers.answer``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Scope

from candidly.domain.ids import Clock
from candidly.service.bus import ShuttingDown
from candidly.web.surface_errors import SurfaceErrors

log = logging.getLogger("candidly.faults")

RETRY_AFTER_SECONDS = 5
LOG_INTERVAL = timedelta(seconds=10)
UNREACHABLE, DISK_FULL, BUSY, STOPPING = "database unreachable", "disk full", "database busy", "shutting down"
DETAIL = {
    STOPPING: "the server is shutting down; the change was not made: retry",
    UNREACHABLE: "the database cannot be reached; retry later",
    DISK_FULL: "the database cannot store more data (its disk is full); retry later",
    BUSY: "the database is too busy to answer; retry later",
}
# PostgreSQL SQLSTATE classes of faults of the server rather than of the request: connection exceptions,
# insufficient resources (53100 disk full), operator intervention (shutdown), system errors (I/O).
_PG_CLASSES = {"08": UNREACHABLE, "53": DISK_FULL, "57": UNREACHABLE, "58": UNREACHABLE}
# SQLite says what failed only in its message.
_SQLITE_MESSAGES = {
    "disk is full": DISK_FULL,
    "database is locked": BUSY,
    "unable to open database": UNREACHABLE,
    "disk i/o error": UNREACHABLE,
}


def fault_kind(exc: BaseException) -> str | None:
    """The kind of database fault ``exc`` is, or None when it is not one (a bug, a constraint: those stay 500s)."""
    if isinstance(exc, ShuttingDown):
        return STOPPING
    if isinstance(exc, PoolTimeout):
        return BUSY  # every pooled connection stayed taken for the pool's timeout
    if not isinstance(exc, DBAPIError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        kind = _PG_CLASSES.get(sqlstate[:2])
        return DISK_FULL if sqlstate == "53100" else kind
    message = str(exc.orig).lower()
    for fragment, kind in _SQLITE_MESSAGES.items():
        if fragment in message:
            return kind
    if exc.connection_invalidated or type(exc.orig).__module__.startswith("psycopg"):
        # psycopg raises OperationalError without a SQLSTATE when no connection could be made or it broke.
        return UNREACHABLE if type(exc.orig).__name__ in ("OperationalError", "InterfaceError") else None
    return None


class Faults:
    """The faults seen: each kind logged at most once per interval on the service clock, the last time of each kept."""

    def __init__(self, clock: Clock, interval: timedelta = LOG_INTERVAL) -> None:
        self.clock = clock
        self.interval = interval
        self.last_seen: dict[str, datetime] = {}
        self._logged_at: dict[str, datetime] = {}
        self._unlogged: dict[str, int] = {}

    def record(self, kind: str, exc: BaseException) -> None:
        """Note a fault; log it unless its kind was logged less than an interval ago (then count it)."""
        now = self.clock.now()
        self.last_seen[kind] = now
        logged = self._logged_at.get(kind)
        if logged is not None and now - logged < self.interval:
            self._unlogged[kind] = self._unlogged.get(kind, 0) + 1
            return
        cause = getattr(exc, "orig", None) or exc
        reason = (str(cause).strip().splitlines() or [""])[0][:200]
        log.error(
            "%s: %s: %s (%d more since the last line; answering 503)",
            kind,
            type(cause).__name__,
            reason,
            self._unlogged.pop(kind, 0),
        )
        self._logged_at[kind] = now

    def recent(self, window: timedelta) -> list[str]:
        """The kinds of fault seen within ``window`` of now."""
        now = self.clock.now()
        return sorted(kind for kind, at in self.last_seen.items() if now - at <= window)


class FaultAnswers:
    """Turns a database fault into the 503 of the surface the request is for."""

    def __init__(self, errors: SurfaceErrors, faults: Faults) -> None:
        self.errors = errors
        self.faults = faults

    async def answer(self, scope: Scope, kind: str, exc: BaseException) -> Response:
        self.faults.record(kind, exc)
        return await self.errors.response(scope, 503, DETAIL[kind], {"Retry-After": str(RETRY_AFTER_SECONDS)})

    async def handle(self, request: Request, exc: Exception) -> Response:
        """An exception handler for database errors: a fault answers 503, anything else stays the server error it is."""
        kind = fault_kind(exc)
        if kind is None:
            raise exc
        return await self.answer(request.scope, kind, exc)

    def install(self, app: Starlette) -> None:
        """Handle database errors in ``app`` and in every Starlette app mounted in it."""
        apps = [app, *(r.app for r in app.routes if isinstance(r, Mount) and isinstance(r.app, Starlette))]
        for each in apps:
            each.add_exception_handler(DBAPIError, self.handle)
            each.add_exception_handler(PoolTimeout, self.handle)
            each.add_exception_handler(ShuttingDown, self.handle)
