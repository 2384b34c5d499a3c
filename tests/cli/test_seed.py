"""``candidly seed``: a scenario file becomes organizations, openings, users and candidates, printed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from candidly.bootstrap import Services
from candidly.cli import app
from candidly.testing import Candidly
from tests.helpers import SECRET_KEY, TestClient, table_counts

runner = CliRunner()
EXAMPLE = Path(__file__).parents[1] / "examples" / "assessment.yaml"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("CANDIDLY_DATABASE_URL", database_url)
    monkeypatch.setenv("CANDIDLY_SECRET_KEY", SECRET_KEY)  # the key the test's app seals secrets with


def test_seed_makes_everything_and_prints_ids_and_credentials(cli_env: None, client: TestClient) -> None:
    result = runner.invoke(app, ["seed", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    acme = json.loads(result.stdout)["organizations"]["acme"]
    headers = {"Authorization": f"Bearer {acme['api_key']['token']}"}
    task = client.get(f"/api/v1/openings/{acme['openings']['backend']['id']}", headers=headers).json()
    assert (task["name"], [s["name"] for s in task["steps"]]) == ("Backend assessment", ["Coding test", "Code review"])
    assert {s["key"]: s["id"] for s in task["steps"]} == acme["openings"]["backend"]["steps"]
    assert [t["name"] for t in task["email_templates"]] == ["invite"]
    alan = acme["openings"]["backend"]["candidates"]["alan"]
    application = client.get(f"/api/v1/applications/{alan['application_id']}", headers=headers).json()
    assert (application["candidate_id"], application["invitation_code"]) == (
        alan["candidate_id"],
        alan["invitation_code"],
    )
    user = client.get(f"/api/v1/users/{acme['users']['grace']}", headers=headers).json()
    assert user["fullname"] == "Grace Hopper"
    comeet = acme["credentials"]["comeet"]
    assert (comeet["key_id"], comeet["secret"]) == (acme["api_key"]["id"], acme["api_key"]["signing_secret"])
    assert acme["credentials"]["paradox"]["client_secret"] == acme["api_key"]["token"]


def test_a_json_scenario_works_the_same(cli_env: None, client: TestClient, tmp_path: Path) -> None:
    scenario = tmp_path / "people.json"
    scenario.write_text(json.dumps({"organizations": [{"name": "Globex", "candidates": [{"first_name": "Hank"}]}]}))
    result = runner.invoke(app, ["seed", str(scenario)])
    assert result.exit_code == 0, result.output
    globex = json.loads(result.stdout)["organizations"]["Globex"]
    headers = {"Authorization": f"Bearer {globex['api_key']['token']}"}
    [hank] = globex["candidates"].values()
    assert client.get(f"/api/v1/candidates/{hank}", headers=headers).json()["first_name"] == "Hank"


# The last organization's opening is wrong: the rehearsal on a scratch database finds it before anything real is written.
LATE_MISTAKE = {
    "organizations": [
        {"name": "A"},
        {"name": "B", "openings": [{"kind": "task", "name": "T", "steps": [{"key": "s1"}]}]},
    ]
}


@pytest.mark.parametrize(
    ("scenario", "named"),
    [
        (LATE_MISTAKE, "organizations[1].openings[0]: POST /api/v1/openings answered 422: steps[0].name"),
        ({"organizations": [{"name": "A", "teams": []}]}, "organizations.0.teams: Extra inputs are not permitted"),
        ({"organizations": []}, "organizations: List should have at least 1 item"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_entry_and_writes_nothing(
    cli_env: None, services: Services, tmp_path: Path, scenario: dict[str, object], named: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario))
    before = table_counts(services)
    result = runner.invoke(app, ["seed", str(path)])
    assert result.exit_code == 2
    assert named in result.stderr
    assert table_counts(services) == before


def test_an_unreadable_file_is_one_line(cli_env: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("organizations: [name: {")
    result = runner.invoke(app, ["seed", str(path)])
    assert result.exit_code == 2 and result.stderr.startswith(f"candidly: error: {path}: cannot read the scenario")
    assert result.stderr.count("\n") == 1


def test_seed_into_a_running_server_with_its_operator_token(
    candidly: Candidly, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CANDIDLY_ADMIN_TOKEN", raising=False)
    refused = runner.invoke(app, ["seed", str(EXAMPLE), "--url", candidly.base_url])
    assert (refused.exit_code, refused.stderr) == (
        2,
        "candidly: error: --url needs the server's operator token in CANDIDLY_ADMIN_TOKEN\n",
    )
    monkeypatch.setenv("CANDIDLY_ADMIN_TOKEN", candidly.admin_token)
    result = runner.invoke(app, ["seed", str(EXAMPLE), "--url", candidly.base_url])
    assert result.exit_code == 0, result.output
    acme = json.loads(result.stdout)["organizations"]["acme"]
    headers = {"Authorization": f"Bearer {acme['credentials']['testinvite']['api_key']}"}
    assert acme["credentials"]["testinvite"]["base_url"] == f"{candidly.base_url}/testinvite"
    task = candidly.client.get(f"/api/v1/openings/{acme['openings']['backend']['id']}", headers=headers)
    assert task.json()["name"] == "Backend assessment"
