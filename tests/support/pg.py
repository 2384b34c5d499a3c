"""A throwaway PostgreSQL cluster started from the machine's server binaries, for tests and benchmarks."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then Debian's versioned folders, newest first."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    return next((v for v in versions if (v / "initdb").exists() and (v / "pg_ctl").exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    """initdb into a temporary directory, start on loopback and a private socket, stop and delete it all.

    Durability settings are off because the data is thrown away: the tests check behaviour, not fsync
    (``durable=True`` keeps PostgreSQL's own, for a benchmark of what a production server's commits cost).
    PostgreSQL refuses to run as root, so as root the server runs as an unprivileged account.
    """

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        bindir = find_pg_bin()
        if bindir is None:
            raise RuntimeError("no PostgreSQL server binaries found")
        self.bindir = bindir
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="candidly-pg-"))
        self.data = self.root / "data"
        self.user = self._run_as()

    def _run_as(self) -> str | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                continue
            return name
        raise RuntimeError("running as root with no unprivileged account to run PostgreSQL as")

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *args] if self.user else list(args)

    def start(self) -> None:
        if self.user:
            info = pwd.getpwnam(self.user)
            os.chown(self.root, info.pw_uid, info.pw_gid)
        subprocess.run(
            self._cmd(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"),
            check=True, capture_output=True,
        )  # fmt: skip
        self.resume()

    def resume(self) -> None:
        """Start the server of an initialized cluster (again, after ``halt``), on the same port."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start"),
            check=True, capture_output=True,
        )  # fmt: skip
        self._wait()

    def _wait(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self._dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def empty(self, name: str) -> None:
        """Make database ``name`` as empty as a new one, keeping its schema: cheaper than creating and migrating.

        Other sessions on it (a test's leftover pool) are ended first, so no lock they hold can stall the reset and
        no transaction of theirs can write afterwards. Every table but ``alembic_version`` (which records the schema)
        loses every row, in one transaction. DELETE, not TRUNCATE: a test writes a few rows, and TRUNCATE's new files
        for every table and index cost ~10x more than deleting them. Sequences keep their values either way. With
        every row of every table going, no reference can dangle: the foreign-key triggers are off for the
        transaction (``session_replication_role``), so the tables need no order.
        """
        with psycopg.connect(self._dsn(name), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            tables = conn.execute(
                "SELECT quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            ).fetchall()
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
                for (table,) in tables:
                    conn.execute(f"DELETE FROM {table}")

    def halt(self) -> None:
        """Stop the server and keep its data: clients see the database go away until ``resume``."""
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)
