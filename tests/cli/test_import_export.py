"""``candidly import`` and ``candidly export``: per-row validation, a report of rejects, a faithful round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from candidly.cli import app
from tests.helpers import SECRET_KEY, Org, TestClient, make_opening

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("CANDIDLY_DATABASE_URL", database_url)
    monkeypatch.setenv("CANDIDLY_SECRET_KEY", SECRET_KEY)  # the one the app's settings seal secrets with


def test_import_keeps_valid_rows_and_reports_rejects_with_reasons(
    cli_env: None, client: TestClient, org: Org, tmp_path: Path
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "first_name,last_name,email,phone,metadata\n"
        'Ada,Lovelace,ada@example.com,+442079460000,"{""team"": ""math""}"\n'
        "Bob,Bad,not-an-email,,\n"
        "Cy,Phone,cy@example.com,12345,\n"
        "Dee,Ok,dee@example.com,,\n"
    )
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(app, ["import", str(source), "--organization", org.id, "--rejects", str(rejects)])
    assert result.exit_code == 3, result.output
    assert "imported 2 candidates, rejected 2 rows" in result.output
    reported = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["row"], r["field"]) for r in reported] == [(3, "email"), (4, "phone")]
    people = client.get("/api/v1/candidates", headers=org.headers).json()["items"]
    assert [(p["first_name"], p["email"], p["phone"], p["metadata"]) for p in people] == [
        ("Ada", "ada@example.com", "+442079460000", {"team": "math"}),
        ("Dee", "dee@example.com", None, {}),
    ]


def test_import_into_an_opening_and_export_round_trip(
    cli_env: None, client: TestClient, org: Org, tmp_path: Path
) -> None:
    opening = make_opening(client, org)
    source = tmp_path / "people.jsonl"
    rows = [{"first_name": f"P{i}", "email": f"p{i}@example.com", "external_id": f"x{i}"} for i in range(5)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = runner.invoke(app, ["import", str(source), "--organization", org.id, "--opening", opening["id"]])
    assert result.exit_code == 0, result.output
    listed = client.get(f"/api/v1/applications?opening_id={opening['id']}", headers=org.headers).json()["items"]
    assert len(listed) == 5
    assert client.get(f"/api/v1/openings/{opening['id']}", headers=org.headers).json()["application_count"] == 5
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", "--organization", org.id, str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == rows


def test_import_into_an_unknown_opening_imports_nothing(
    cli_env: None, client: TestClient, org: Org, tmp_path: Path
) -> None:
    source = tmp_path / "people.jsonl"
    source.write_text(json.dumps({"first_name": "A"}) + "\n")
    result = runner.invoke(app, ["import", str(source), "--organization", org.id, "--opening", "nope"])
    assert result.exit_code != 0
    assert client.get("/api/v1/candidates", headers=org.headers).json()["items"] == []
