"""Engines for SQLite (the embedded default) and PostgreSQL, tuned for a one-writer hot path."""

from __future__ import annotations

import json
import time
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

# A PostgreSQL connection back in the pool for longer than this is pinged before it is handed out again.
PING_AFTER_IDLE_SECONDS = 1.0
# Connections beyond the pool's size, for what runs outside the request executor (the delivery worker, /readyz).
POSTGRES_OVERFLOW = 5


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as PostgreSQL through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 10, ping_after_idle: float = PING_AFTER_IDLE_SECONDS) -> Engine:
    """Build the engine for ``url``: SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL a pool of
    ``pool_size`` (the request executor's threads) that pings a connection idle for ``ping_after_idle`` seconds."""
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return _postgres_engine(url, pool_size, ping_after_idle)


def _postgres_engine(url: str, pool_size: int, ping_after_idle: float) -> Engine:
    # One connection per executor thread, kept: an overflow connection is closed when it comes back to a full pool,
    # and opening one (a server process, authentication) costs more than a request (session 15 measured 0.16 new
    # connections a request at 32 requests at once with a pool of 5 for 10 threads).
    engine = create_engine(url, pool_size=pool_size, max_overflow=POSTGRES_OVERFLOW, future=True)
    dialect = engine.dialect

    # Instead of pool_pre_ping (a round trip on every checkout), ping only a connection that sat idle: under load
    # none does, and after a quiet spell (when a restart of the server most likely went unnoticed) the ping
    # finds a dead connection before a request does. A connection that dies while in steady use fails its
    # request (503, Retry-After), and SQLAlchemy then retires every connection of the pool opened before it.
    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["candidly_idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("candidly_idle_since")
        if idle_since is None or time.monotonic() - idle_since < ping_after_idle:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            # The pool throws this connection away and checks out another (a new one if need be).
            raise exc.DisconnectionError(str(error)) from error

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read unit of work runs each SELECT on its own, without BEGIN and ROLLBACK: at READ COMMITTED every
        # statement reads its own snapshot anyway, so grouping SELECTs in a transaction changes no answer, and
        # read units of work neither write nor lock (a FOR UPDATE belongs in a write). It saves two round
        # trips, and a third: psycopg forgets its prepared statements on every ROLLBACK (DEALLOCATE ALL), so
        # reads ending in one never stayed prepared. Anything else (writes, migrations) gets a transaction.
        driver = conn.connection.driver_connection
        read_only = conn.get_execution_options().get("candidly_write") is False
        if driver.autocommit != read_only:
            driver.autocommit = read_only

    return engine


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _json_text(value: Any) -> str:
    """A JSON column's stored text, by orjson: the stdlib's encoder was the largest share of a create's parameter
    processing (about 20 JSON values a create). Keys that are not strings become strings, as the stdlib's do; a
    datetime or a dataclass is refused (a TypeError), as the stdlib refuses them, instead of silently becoming text."""
    return orjson.dumps(value, option=_JSON_OPTIONS).decode()


def _json_value(stored: str | bytes) -> Any:
    """A JSON column's value; what orjson refuses (NaN, or an integer beyond 64 bits, which the stdlib's encoder
    wrote before) is read by the stdlib as before."""
    try:
        return orjson.loads(stored)
    except orjson.JSONDecodeError:
        return json.loads(stored)


def _sqlite_engine(url: str) -> Engine:
    # A pool as large as the server's thread pool: an overflow connection is closed when returned,
    # and reopening one (PRAGMAs, WAL index) costs more than the query it was opened for.
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        pool_size=40,
        max_overflow=16,
        pool_timeout=30,
        json_serializer=_json_text,
        json_deserializer=_json_value,
        future=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode still never corrupts, and a committed transaction survives a process
        # crash (SIGKILL); only a power loss can roll back the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # 1 MiB of page cache per connection (SQLite's default is 2 MiB): with a pool of 40 the default
        # alone would hold 80 MiB, and the operating system caches the file for every connection anyway.
        cursor.execute("PRAGMA cache_size=-1024")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front so they queue on busy_timeout instead of failing
        # with SQLITE_BUSY when a read transaction tries to upgrade.
        mode = "IMMEDIATE" if conn.get_execution_options().get("candidly_write") else "DEFERRED"
        # Straight to the driver: this runs for every unit of work, and SQLAlchemy's statement
        # machinery costs more than BEGIN itself.
        conn.connection.driver_connection.execute(f"BEGIN {mode}")

    return engine
