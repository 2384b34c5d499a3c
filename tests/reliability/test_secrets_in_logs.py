"""Secrets never reach the logs: keys, tokens, passwords, invitation codes and CV text, with the access log on."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from datetime import timedelta

import jwt
import pytest

from candidly.bootstrap import Services
from candidly.settings import Settings
from tests.helpers import ADMIN_TOKEN, FakeClock, Org, TestClient, client_with, make_opening, make_org, operator_headers

PASSWORD = "hunter2-Pa55word-credential"
CV_TEXT = "Ada Lovelace, analytical engine programmer, private address 12 Secret Lane"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def logged(settings: Settings, clock: FakeClock, services: Services) -> Iterator[TestClient]:
    with client_with(settings, clock, services, access_log=True) as test_client:
        yield test_client


def _requests(client: TestClient, org: Org, clock: FakeClock) -> set[str]:
    """Send requests carrying every kind of secret; the secrets sent."""
    bearer = org.headers
    client.get("/api/v1/candidates", params={"search": PASSWORD}, headers=bearer)
    client.get("/api/v1/candidates", headers={"Authorization": "Bearer cdly_wrong-key-0123456789"})
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    access_token = client.post("/paradox/api/v1/public/auth/token", data=form).json()["access_token"]
    resume = base64.b64encode(CV_TEXT.encode()).decode()
    body = {"name": "Ada Lovelace", "email": "ada@example.com", "resume": resume}
    client.post("/paradox/api/v1/public/candidates", json=body, headers={"Authorization": f"Bearer {access_token}"})
    claims = {"iss": org.key_id, "exp": int((clock.now() + timedelta(minutes=5)).timestamp())}
    comeet = jwt.encode(claims, org.signing_secret, algorithm="HS256")
    client.get("/comeet/candidates", headers={"Authorization": f"Bearer {comeet}"})
    iv = {
        "firstName": "Ada",
        "lastName": "L",
        "email": "ada@example.com",
        "gdprExpiryDate": "2031-01-01",
        "cv": CV_TEXT,
    }
    client.post("/instaview/candidates", json=iv, headers=bearer)
    task = make_opening(client, org)
    temporary = {"kind": "temporary-candidate", "fullname": "Ada L", "credential1": "ada", "credential2": PASSWORD}
    url = f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates"
    code = client.post(url, json=temporary, headers=bearer).json()["invitationCode"]
    client.get(f"/access/{code}")
    client.post("/access/", data={"code": code})
    client.post(f"/access/login/{task['id']}", data={"credential1": "ada", "credential2": PASSWORD})
    client.get("/api/v1/candidates", headers={**operator_headers(), "X-Organization-Id": org.id})
    return {org.token, org.signing_secret, access_token, comeet, ADMIN_TOKEN, PASSWORD, CV_TEXT, resume, code,
            "cdly_wrong-key-0123456789"}  # fmt: skip


def test_no_secret_reaches_any_log_record(
    logged: TestClient, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = make_org(logged)
    secrets = _requests(logged, org, clock)
    access_lines = [r for r in caplog.records if r.name == "candidly.access"]
    assert len(access_lines) >= 14, "the access log must have been written for the check to mean anything"
    # httpx logs the test's own client side of each request; everything else is the server's.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged_text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in server)
    leaked = [s for s in secrets if s in logged_text]
    assert leaked == [], [line for line in logged_text.splitlines() if any(s in line for s in leaked)]
