"""Test mode never meets real data: the deployment marker decides, at start, for serve and for candidly.testing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from candidly.bootstrap import build_services
from candidly.cli import OPERATOR, app
from candidly.domain import commands as c
from candidly.settings import Settings
from candidly.storage.marker import TestModeRefused
from candidly.testing import server
from tests.helpers import table_counts


def production_database(tmp_path: Path) -> str:
    """A database opened outside test mode, holding one organization."""
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    services = build_services(Settings(database_url=url))
    services.bus.execute(c.CreateOrganization("Real customer"), OPERATOR)
    services.database.engine.dispose()
    return url


def test_test_mode_is_refused_on_a_production_database_and_changes_nothing(tmp_path: Path) -> None:
    url = production_database(tmp_path)
    probe = build_services(Settings(database_url=url))
    before = table_counts(probe)
    with pytest.raises(TestModeRefused, match="holds non-test data"):
        build_services(Settings(database_url=url, test_mode=True))
    assert table_counts(probe) == before
    probe.database.engine.dispose()


def test_a_test_database_opened_outside_test_mode_is_production_for_good(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    build_services(Settings(database_url=url, test_mode=True)).database.engine.dispose()
    build_services(Settings(database_url=url, test_mode=True)).database.engine.dispose()  # still a test database
    build_services(Settings(database_url=url)).database.engine.dispose()
    with pytest.raises(TestModeRefused):
        build_services(Settings(database_url=url, test_mode=True))


def test_serve_refuses_test_mode_on_a_production_database_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "CANDIDLY_DATABASE_URL": production_database(tmp_path), "CANDIDLY_TEST_MODE": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "candidly", "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    # Migrations log above it at the info level; the refusal itself is the one last line.
    refusals = [line for line in done.stderr.splitlines() if line.startswith("candidly:")]
    assert refusals == [done.stderr.splitlines()[-1]]
    assert refusals[0].startswith("candidly: error: test mode refused: this database holds non-test data")


def test_the_testing_server_refuses_a_production_database(tmp_path: Path) -> None:
    with pytest.raises(TestModeRefused), server(database_url=production_database(tmp_path)):
        pass


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (["serve", "--workers", "2"], "the clock and the captured outbox live in one process"),
        (["worker"], "the server's /_candidly endpoints deliver test mode's messages"),
    ],
)
def test_test_mode_refuses_what_would_split_its_clock_and_outbox(
    tmp_path: Path, command: list[str], reason: str
) -> None:
    env = {"CANDIDLY_DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}", "CANDIDLY_TEST_MODE": "true"}
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"candidly: error: test mode refused: {reason}") and result.stderr.count("\n") == 1
