"""Shared fixtures: a fresh real database per test (SQLite, and PostgreSQL where marked), a steerable clock, clients."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from candidly.bootstrap import Services, build_services
from candidly.settings import Settings
from candidly.storage.engine import make_engine
from candidly.storage.migrate import upgrade
from candidly.web.app import create_app
from tests.helpers import ADMIN_TOKEN, SECRET_KEY, FakeClock, Org, TestClient, make_org


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the session, started from the machine's binaries."""
    from tests.support.pg import PostgresCluster, find_pg_bin

    if find_pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries are missing in CI: .ci/run must install them")
        pytest.skip("no PostgreSQL server binaries on this machine (install the postgresql package)")
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file the migrations built, once per worker: each test starts from a copy, not from migrating anew."""
    path = tmp_path_factory.mktemp("template") / "candidly.db"
    migrated(f"sqlite:///{path}")
    # Closing the last connection checkpointed the write-ahead log into the file: the file alone is the database.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_database(pg_cluster: Any) -> str:
    """This worker's PostgreSQL database, migrated once; ``database_url`` empties it before each test."""
    url = str(pg_cluster.create_database(f"t{os.getpid()}"))
    migrated(url)
    return url


def migrated(url: str) -> None:
    """Apply every migration to the empty database at ``url``, as a server does on its first start."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database at the newest schema: a SQLite file of its own, or this worker's PostgreSQL database emptied.

    Both hold no row a previous test wrote: the SQLite file is a copy of the migrated template, and the PostgreSQL
    database is truncated (every other session on it ended) before the test starts.
    """
    if request.param == "sqlite":
        return fresh_sqlite(tmp_path, request.getfixturevalue("sqlite_template"))
    url = str(request.getfixturevalue("pg_database"))
    request.getfixturevalue("pg_cluster").empty(make_url(url).database)
    return url


def fresh_sqlite(tmp_path: Path, template: Path) -> str:
    path = tmp_path / "candidly.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """For tests that need only one backend (pure dialect translation is backend-independent)."""
    return fresh_sqlite(tmp_path, sqlite_template)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def test_settings() -> Settings:
    """The settings every test's app starts from, read once per worker (reading the environment costs ~10 ms)."""
    return Settings(
        database_url="sqlite://",  # replaced by each test's own database
        admin_token=ADMIN_TOKEN,
        public_base_url="https://candidly.test",
        run_worker=False,
        access_log=False,
        secret_key=SECRET_KEY,
    )


@pytest.fixture
def settings(test_settings: Settings, database_url: str) -> Settings:
    # A deep copy: a test that changes its settings (or a list inside them) changes no other test's.
    return test_settings.model_copy(update={"database_url": database_url}, deep=True)


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    # The database is already at head (a copy of the migrated template, or the emptied migrated PostgreSQL
    # database): running Alembic again would only re-read and compile the migration file, ~half of this fixture.
    built = build_services(settings, clock, migrate=False)
    yield built
    built.database.engine.dispose()


@pytest.fixture
def client(settings: Settings, clock: FakeClock, services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock, services)) as test_client:
        yield test_client


@pytest.fixture
def org(client: TestClient) -> Org:
    return make_org(client, "Acme")


@pytest.fixture
def other_org(client: TestClient) -> Org:
    return make_org(client, "Globex")


# Modules whose tests run for many seconds each (real server processes, Chromium, the fuzzer), longest first. They
# start first, so that with ``-n 2`` no worker is left with one of them while the other has run out of tests. This
# changes only the order; every test still runs, and none depends on another's order.
LONG_FIRST = (
    "tests/reliability/test_crash.py",
    "tests/reliability/test_fuzz.py",
    "tests/reliability/test_faults.py",
    "tests/cli/test_first_hour.py",
    "tests/reliability/test_isolation.py",
    "tests/testing/test_servers.py",
    "tests/reliability/test_shutdown.py",
    "tests/web/test_docs.py",
    "tests/security/test_secrets_at_rest.py",
    "tests/delivery/test_receivers.py",
    "tests/testing/test_marker.py",
    "tests/delivery/test_reliability.py",
    "tests/access_page/test_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return LONG_FIRST.index(module) if module in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)  # stable: within a rank, the collection order stays
