"""Engines for SQLite (the embedded default) and PostgreSQL, tuned for a one-writer hot path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as PostgreSQL through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Build the engine for ``url``: SQLite gets WAL, foreign keys and a busy timeout."""
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, future=True)


def _sqlite_engine(url: str) -> Engine:
    # A pool as large as the server's thread pool: an overflow connection is closed when returned,
    # and reopening one (PRAGMAs, WAL index) costs more than the query it was opened for.
    engine = create_engine(
        url, connect_args={"check_same_thread": False}, pool_size=40, max_overflow=16, pool_timeout=30, future=True
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
