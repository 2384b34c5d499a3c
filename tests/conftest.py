"""Shared fixtures: a real database per test (SQLite, and PostgreSQL where marked), a steerable clock, clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from candidly.bootstrap import Services, build_services
from candidly.settings import Settings
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


_db_counter = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database in the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'candidly.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return str(cluster.create_database(f"t{os.getpid()}_{next(_db_counter)}"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """For tests that need only one backend (pure dialect translation is backend-independent)."""
    return f"sqlite:///{tmp_path / 'candidly.db'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        public_base_url="https://candidly.test",
        run_worker=False,
        access_log=False,
        secret_key=SECRET_KEY,
    )


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    built = build_services(settings, clock)
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
