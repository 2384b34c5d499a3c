"""Migrations build exactly the schema the tables describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from candidly.bootstrap import Services
from candidly.storage.migrate import upgrade
from candidly.storage.tables import metadata


def test_migrations_at_head_match_the_table_definitions(services: Services) -> None:
    with services.database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_upgrading_twice_is_harmless_and_readiness_reports_head(services: Services) -> None:
    upgrade(services.database.engine)
    assert services.database.at_head()
    assert services.database.ping()
