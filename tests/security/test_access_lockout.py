"""The access page's lockout: no new address per try from a forged X-Forwarded-For, and one opening's guesser
does not lock every candidate behind the same address out."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from candidly.settings import Settings
from candidly.web.app import create_app
from candidly.web.serving import SERVER_OPTIONS
from tests.access_page.conftest import candidate, make_task, sign_in
from tests.access_page.live import free_port, wait_until
from tests.helpers import ADMIN_TOKEN, FakeClock, Org, TestClient, client_with

WRONG = "ZZZZ-ZZZZ-ZZZZ"
# The waits before each of ten wrong tries: two free, then doubling from 2 s. The tenth locks the address out.
WAITS = (0, 0, 0, 2, 4, 8, 16, 32, 64, 128)


@pytest.fixture
def task(client: TestClient, org: Org, clock: FakeClock) -> dict[str, Any]:
    return dict(make_task(client, org, clock.now()))


def test_a_forged_forwarded_for_is_no_new_address(
    client: TestClient, org: Org, task: dict[str, Any], clock: FakeClock
) -> None:
    code = candidate(client, org, task)["invitationCode"]
    for i, wait in enumerate(WAITS):
        clock.advance(seconds=wait)
        assert sign_in(client, WRONG, **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code in (403, 429)
    locked = sign_in(client, code, **{"X-Forwarded-For": "198.51.100.200"})
    assert locked.status_code == 429


def test_the_served_app_believes_no_forwarded_for_from_loopback(tmp_path: Path) -> None:
    """``candidly serve``'s uvicorn options: a client on 127.0.0.1 cannot name a new address per try."""
    port = free_port()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", admin_token=ADMIN_TOKEN, run_worker=False,
                        access_log=False)  # fmt: skip
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", **SERVER_OPTIONS)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, "the Candidly server")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            statuses = [
                http.post("/access/", data={"code": WRONG}, headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
                for i in range(4)
            ]
        assert statuses == [403, 403, 403, 429]  # the fourth waits: all four came from one address
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def test_behind_a_configured_proxy_each_client_counts_on_its_own(
    settings: Settings, clock: FakeClock, services: Any, org: Org, task: dict[str, Any], client: TestClient
) -> None:
    code = candidate(client, org, task)["invitationCode"]
    with client_with(settings, clock, services, forwarded_allow_ips="testclient") as proxied:
        attacker = {"X-Forwarded-For": "198.51.100.7"}
        for wait in WAITS:
            clock.advance(seconds=wait)
            assert sign_in(proxied, WRONG, **attacker).status_code in (403, 429)
        assert sign_in(proxied, code, **attacker).status_code == 429
        assert sign_in(proxied, code, **{"X-Forwarded-For": "203.0.113.9"}).status_code == 303


def test_guessing_one_openings_credentials_locks_only_that_opening(
    client: TestClient, org: Org, clock: FakeClock
) -> None:
    guessed = make_task(client, org, clock.now(), name="Guessed", settings={"access_method": "single-credential"})
    other = make_task(client, org, clock.now(), name="Other", settings={"access_method": "single-credential"})
    candidate(client, org, other, credential1="bob")
    ada = candidate(client, org, guessed, credential1="ada")
    for i, wait in enumerate(WAITS):
        clock.advance(seconds=wait)
        guess = client.post(f"/access/login/{guessed['id']}", data={"credential1": f"guess{i}"}, follow_redirects=False)
        assert guess.status_code in (403, 429)
    refused = client.post(f"/access/login/{guessed['id']}", data={"credential1": "ada"}, follow_redirects=False)
    assert refused.status_code == 429  # that opening's page is locked for this address
    assert (
        client.post(f"/access/login/{other['id']}", data={"credential1": "bob"}, follow_redirects=False).status_code
        == 303
    )
    assert sign_in(client, ada["invitationCode"]).status_code == 303  # and their code still gets them in
