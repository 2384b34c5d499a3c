"""Secrets at rest: signing and webhook secrets are stored sealed with the server key, keep working, rotate,
and a server without the key to its sealed secrets refuses to start with one line naming the setting."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from candidly.bootstrap import Services, build_services
from candidly.settings import Settings
from candidly.storage.tables import api_keys, webhook_subscriptions
from candidly.web.app import create_app
from tests.api.comeet.conftest import comeet_jwt
from tests.helpers import ADMIN_TOKEN, FakeClock, Org, TestClient, make_org


def _stored(services: Services) -> list[str]:
    with services.database.engine.connect() as conn:
        keys = conn.execute(select(api_keys.c.signing_secret)).scalars().all()
        hooks = conn.execute(select(webhook_subscriptions.c.secret)).scalars().all()
    return [*keys, *hooks]


def test_secrets_are_stored_sealed_and_still_sign(
    client: TestClient, org: Org, services: Services, clock: FakeClock
) -> None:
    hook = client.post("/api/v1/webhooks", json={"url": "https://hooks.example/in", "events": ["candidate.created"]},
                       headers=org.headers).json()  # fmt: skip
    stored = _stored(services)
    assert len(stored) == 2 and all(s.startswith("sealed:") for s in stored)
    assert not {org.signing_secret, hook["secret"]} & {s for v in stored for s in (v, v.removeprefix("sealed:"))}
    assert all(org.signing_secret not in s and hook["secret"] not in s for s in stored)
    assert client.get("/comeet/candidates", headers=comeet_jwt(org, clock)).status_code == 200
    again = client.get(f"/api/v1/webhooks/{hook['id']}", headers=org.headers).json()
    assert again["secret"] == hook["secret"]


@contextmanager
def _server(url: str, clock: FakeClock, **settings: Any) -> Iterator[tuple[TestClient, Services]]:
    configured = Settings(database_url=url, admin_token=ADMIN_TOKEN, run_worker=False, access_log=False, **settings)
    services = build_services(configured, clock)
    try:
        with TestClient(create_app(configured, clock, services)) as client:
            yield client, services
    finally:
        services.database.engine.dispose()


def test_the_quick_start_needs_no_key_with_sqlite(tmp_path: Path, clock: FakeClock) -> None:
    """No CANDIDLY_SECRET_KEY: a key file beside the database, owner-only, used again after a restart."""
    url = f"sqlite:///{tmp_path / 'candidly.db'}"
    with _server(url, clock) as (client, services):
        org = make_org(client)
        assert all(s.startswith("sealed:") for s in _stored(services))
    key_file = tmp_path / "candidly.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with _server(url, clock) as (client, _):
        assert client.get("/comeet/candidates", headers=comeet_jwt(org, clock)).status_code == 200


def _serve(url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``candidly serve`` as an operator runs it; one that does start is stopped by the timeout (a failure)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CANDIDLY_")}
    run_env = {**clean, "CANDIDLY_DATABASE_URL": url, "CANDIDLY_PORT": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "candidly", "serve"], env=run_env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_without_the_key_to_its_sealed_secrets_serve_refuses_in_one_line(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'candidly.db'}"
    with _server(url, clock) as (client, _):
        make_org(client)
    (tmp_path / "candidly.db.key").unlink()  # the database was copied without its key
    refused = _serve(url)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr  # (the lines before it are the migration's log)
    assert refused.stderr.strip().splitlines()[-1] == (
        "candidly: error: CANDIDLY_SECRET_KEY is not set, but the database holds secrets sealed with it"
    )


def test_rotation_reseals_with_the_new_key(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'candidly.db'}"
    with _server(url, clock, secret_key="old-key") as (client, services):
        org = make_org(client)
        before = _stored(services)
    with _server(url, clock, secret_key="new-key", secret_key_previous="old-key") as (client, _):
        assert client.get("/comeet/candidates", headers=comeet_jwt(org, clock)).status_code == 200
    env = {"CANDIDLY_SECRET_KEY": "new-key", "CANDIDLY_SECRET_KEY_PREVIOUS": "old-key"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CANDIDLY_")}
    rotated = subprocess.run(
        [sys.executable, "-m", "candidly", "rotate-secret-key"], env={**clean, "CANDIDLY_DATABASE_URL": url, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    with _server(url, clock, secret_key="new-key") as (client, services):
        assert _stored(services) != before
        assert client.get("/comeet/candidates", headers=comeet_jwt(org, clock)).status_code == 200
    with (
        pytest.raises(Exception, match="does not open the secrets"),
        _server(url, clock, secret_key="old-key") as (client, _),
    ):
        client.get("/comeet/candidates", headers=comeet_jwt(org, clock))
