"""What a new operator meets first on the command line: one-line errors with exit statuses, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TestClient


def candidly(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it (``python -m candidly`` is the ``candidly`` script)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CANDIDLY_")}
    return subprocess.run(
        [sys.executable, "-m", "candidly", *args], env={**clean, **(env or {})}, cwd=cwd, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def in_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The same command run by the same click group in this process: its exit status, stdout and stderr as
    ``candidly`` gives them, without starting an interpreter. (``python -m candidly`` only calls this group; the
    tests above prove that process.) An exception the command let escape would be a traceback from the real
    command, so here it fails the test."""
    from typer.testing import CliRunner

    from candidly.cli import app

    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("CANDIDLY_")}
    result = CliRunner().invoke(app, list(args), env={**unset, **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def assert_one_line(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("CANDIDLY_DATABASE_URL", "candidly.db", ["CANDIDLY_DATABASE_URL", "sqlite:///"]),
        ("CANDIDLY_DATABASE_URL", "mysql://u:p@localhost/x", ["CANDIDLY_DATABASE_URL", "'mysql'", "not supported"]),
        ("CANDIDLY_DATABASE_URL", "sqlite:///{tmp}/missing/dir/x.db", ["CANDIDLY_DATABASE_URL", "does not exist"]),
        ("CANDIDLY_DATABASE_URL", "postgresql://u:p@127.0.0.1:{closed}/x", ["cannot connect to PostgreSQL"]),
        ("CANDIDLY_SMTP_SECURITY", "bogus", ["CANDIDLY_SMTP_SECURITY", "'starttls'"]),
        ("CANDIDLY_MAX_BODY_BYTES", "abc", ["CANDIDLY_MAX_BODY_BYTES", "integer"]),
    ],
)
def test_a_configuration_mistake_is_one_line_naming_the_variable_and_exit_2(
    tmp_path: Path, variable: str, value: str, words: list[str]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # bound but not listening: connections are refused
        env = {variable: value.format(tmp=tmp_path, closed=closed)}
        if variable != "CANDIDLY_DATABASE_URL":
            env["CANDIDLY_DATABASE_URL"] = f"sqlite:///{tmp_path / 'candidly.db'}"
        result = candidly("serve", env=env, cwd=tmp_path)
    assert_one_line(result, 2, *words)
    assert not (tmp_path / "candidly.db").exists()  # nothing was migrated


def test_a_port_in_use_is_reported_before_anything_is_migrated(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        database = tmp_path / "candidly.db"
        result = candidly("serve", "--port", str(port), env={"CANDIDLY_DATABASE_URL": f"sqlite:///{database}"})
    assert_one_line(result, 2, f"port {port}", "already in use")
    assert not database.exists()


def test_operator_commands_refuse_bad_input_in_one_line(tmp_path: Path) -> None:
    env = {"CANDIDLY_DATABASE_URL": f"sqlite:///{tmp_path / 'candidly.db'}"}
    assert_one_line(in_process("create-api-key", "nope", env=env), 1, "organization 'nope' not found")
    made = in_process("create-organization", "Acme", env=env)
    assert made.returncode == 0, made.stderr
    org_id = made.stdout.split()[1]
    assert_one_line(in_process("create-api-key", org_id, "--scope", "read:everything", env=env), 1, "read:everything")


def test_create_organization_prints_the_key_as_the_http_answer_does(tmp_path: Path) -> None:
    made = in_process("create-organization", "Acme", env={"CANDIDLY_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    secret = next(line.split()[1] for line in lines if line.startswith("signing_secret "))
    assert len(secret) >= 32
    assert lines[-1].startswith("cdly_")


def test_help_shows_serve_defaults_and_import_columns() -> None:
    serve = in_process("serve", "--help", env={"COLUMNS": "200"})
    assert "127.0.0.1" in serve.stdout and "8000" in serve.stdout
    imported = in_process("import", "--help", env={"COLUMNS": "200"})
    assert "first_name" in imported.stdout and "gdpr_expiry_date" in imported.stdout


def test_without_an_operator_token_the_server_says_so(tmp_path: Path) -> None:
    """The quick start's operator call on a server started without CANDIDLY_ADMIN_TOKEN."""
    from candidly.settings import Settings
    from candidly.web.app import create_app

    bare = Settings(database_url=f"sqlite:///{tmp_path / 'bare.db'}", run_worker=False, access_log=False)
    with TestClient(create_app(bare)) as plain:
        answer = plain.post(
            "/api/v1/organizations", json={"name": "Acme"}, headers={"Authorization": "Bearer change-me"}
        )
    assert answer.status_code == 401
    assert "CANDIDLY_ADMIN_TOKEN" in answer.json()["detail"]
