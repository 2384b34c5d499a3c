"""Migrations build exactly the schema the tables describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from candidly.bootstrap import Services
from candidly.storage.engine import make_engine
from candidly.storage.migrate import alembic_config, code_heads, is_at_head, upgrade
from candidly.storage.tables import metadata


def test_migrations_at_head_match_the_table_definitions(services: Services) -> None:
    with services.database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_upgrading_twice_is_harmless_and_readiness_reports_head(services: Services) -> None:
    upgrade(services.database.engine)
    assert services.database.at_head()
    assert services.database.ping()


def test_the_heads_read_from_the_migration_files_are_alembics() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert code_heads() == set(scripts.get_heads())


def test_a_database_without_migrations_or_behind_them_is_not_at_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")  # not sqlite_url: that one starts migrated
    try:
        assert not is_at_head(engine)  # no version table yet
        upgrade(engine)
        assert is_at_head(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        assert not is_at_head(engine)
    finally:
        engine.dispose()
