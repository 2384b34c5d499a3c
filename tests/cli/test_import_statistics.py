"""``candidly import`` leaves PostgreSQL's planner statistics of what it wrote, so the first lists are planned well."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url
from typer.testing import CliRunner

from candidly.cli import app
from candidly.storage.engine import make_engine
from candidly.storage.migrate import upgrade
from tests.helpers import SECRET_KEY, Org, TestClient, make_opening

pytestmark = pytest.mark.postgres

runner = CliRunner()
PEOPLE = 60
STATUSES = ("APPLIED", "REJECTED", "ACCEPTED")


@pytest.fixture
def database_url(pg_cluster: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database of its own, never analyzed, that autovacuum leaves alone: only the import can give it statistics.

    The app under test (``client``, ``org``) and the command line both use it."""
    url = str(pg_cluster.create_database(f"import_{uuid.uuid4().hex[:12]}"))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with connect(url) as conn:
        # As a production server commits: with commits not waiting for their WAL (the test cluster's default)
        # VACUUM may not mark just-written pages all-visible, for want of hint bits it cannot set yet.
        conn.execute(f"ALTER DATABASE {make_url(url).database} SET synchronous_commit = on")
        for table in ("candidates", "applications", "events"):
            conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    monkeypatch.setenv("CANDIDLY_DATABASE_URL", url)
    monkeypatch.setenv("CANDIDLY_SECRET_KEY", SECRET_KEY)
    return url


def connect(url: str) -> psycopg.Connection[Any]:
    parts = make_url(url)
    return psycopg.connect(
        host=parts.host, port=parts.port, user=parts.username, dbname=parts.database, autocommit=True
    )


def planner_rows(url: str, table: str) -> tuple[float, int]:
    """What the planner believes ``table`` holds (-1 or 0 until the table is analyzed or vacuumed), and how many of
    its pages the visibility map marks all-visible (which an index-only scan needs; 0 until it is vacuumed)."""
    with connect(url) as conn:
        row = conn.execute("SELECT reltuples, relallvisible FROM pg_class WHERE relname = %s", (table,)).fetchone()
    assert row is not None
    return float(row[0]), int(row[1])


def common_statuses(url: str) -> set[str]:
    """The candidates' status values ANALYZE found common (none before it ran)."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'candidates' AND attname = 'status'"
        ).fetchone()
    return set() if row is None or row[0] is None else set(row[0].strip("{}").split(","))


def test_an_import_into_an_opening_leaves_statistics_of_every_table_it_filled(
    database_url: str, client: TestClient, org: Org, tmp_path: Path
) -> None:
    opening = make_opening(client, org)
    source = tmp_path / "people.jsonl"
    rows = [{"first_name": f"P{i}", "email": f"p{i}@example.com", "status": STATUSES[i % 3]} for i in range(PEOPLE)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert planner_rows(database_url, "candidates")[0] <= 0
    assert common_statuses(database_url) == set()

    result = runner.invoke(app, ["import", str(source), "--organization", org.id, "--opening", opening["id"]])

    assert result.exit_code == 0, result.output
    assert f"imported {PEOPLE} candidates, rejected 0 rows" in result.output
    for table in ("candidates", "applications", "events"):
        rows_seen, visible_pages = planner_rows(database_url, table)
        assert rows_seen >= PEOPLE, table  # events: one per person, and the organization's and the opening's own
        assert visible_pages > 0, table
    assert planner_rows(database_url, "candidates")[0] == PEOPLE
    assert common_statuses(database_url) == set(STATUSES)
    listed = client.get(f"/instaview/candidates?jobId={opening['id']}&status=APPLIED", headers=org.headers)
    assert listed.json()["total"] == PEOPLE // 3
