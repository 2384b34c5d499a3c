"""Start-up checks of the configuration: each mistake becomes one line naming the variable and the fix."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from candidly.settings import Settings

URL_HELP = "write sqlite:///path/to/candidly.db (a file) or postgresql://user:password@host:5432/dbname"


class ConfigError(Exception):
    """A configuration mistake an operator must fix; the message is the whole explanation, on one line."""


def load_settings() -> Settings:
    """Settings from the environment, or a ConfigError naming each variable that is wrong and what it takes."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError("; ".join(_explain(e) for e in error.errors())) from None


def _explain(problem: object) -> str:
    details = problem if isinstance(problem, dict) else {}
    name = "CANDIDLY_" + "_".join(str(part) for part in details.get("loc", ())).upper()
    given = details.get("input")
    reason = str(details.get("msg", "is not valid")).replace("Input should be", "it should be")
    return f"{name}={given!r} is not valid: {reason}"


def check_database_url(url: str, *, connect_timeout: int = 5) -> None:
    """The URL names a backend Candidly runs on, and that database can be reached (or created, for SQLite)."""
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_path(parsed.database)
    elif backend in {"postgresql", "postgres"}:
        _check_postgres(parsed, connect_timeout)
    else:
        raise ConfigError(f"CANDIDLY_DATABASE_URL: {backend!r} databases are not supported; {URL_HELP}")


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise ConfigError(f"CANDIDLY_DATABASE_URL={url!r} is not a database URL; {URL_HELP}") from None


def _check_sqlite_path(database: str | None) -> None:
    if not database or database == ":memory:":
        return
    folder = Path(database).expanduser().resolve().parent
    if not folder.is_dir():
        raise ConfigError(
            f"CANDIDLY_DATABASE_URL: the folder {folder} of the SQLite file does not exist; create it or choose "
            "another path"
        )
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"CANDIDLY_DATABASE_URL: the folder {folder} of the SQLite file is not writable")


def _check_postgres(parsed: URL, connect_timeout: int) -> None:
    import psycopg

    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(conninfo, connect_timeout=connect_timeout).close()
    except psycopg.Error as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        reason = first_line.rsplit(": ", 1)[-1].strip()  # "connection to server at ... failed: Connection refused"
        raise ConfigError(
            f"CANDIDLY_DATABASE_URL: cannot connect to PostgreSQL at {where} ({reason}); start the server or fix "
            "the URL"
        ) from None


def check_port_free(host: str, port: int) -> None:
    """Nothing listens on (host, port) yet: said before migrating and starting the worker, not after."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no clash
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} on {host} is already in use (another candidly serve?); stop it, or choose another "
                    "with --port or CANDIDLY_PORT"
                ) from None
            raise ConfigError(
                f"cannot listen on {host}:{port} ({error.strerror}); check --host / CANDIDLY_HOST"
            ) from None
