"""Shutdown: a request still running when the grace period (CANDIDLY_SHUTDOWN_GRACE_SECONDS) runs out writes nothing.

The real-server test holds SQLite's write lock, so a create sent to the server waits inside its unit of work; it
sends SIGTERM, waits until the server has given up on the request (the grace period over, the application shut
down), and only then lets the write lock go. Uvicorn ends the process right after the application's shutdown, so
there the cut request mostly dies with it; the commit a cut request's thread may still reach while the shutdown
runs (stopping the delivery worker can take a send's timeout) is refused, which the second test checks directly.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest

from candidly.bootstrap import Services
from candidly.domain.commands import CreateCandidate
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.service.bus import ShuttingDown
from candidly.settings import Settings
from candidly.web.app import create_app
from tests.helpers import ADMIN_TOKEN, FakeClock, TestClient, make_org, table_counts
from tests.support.serve import server, wait_until


def in_progress(base: str) -> float:
    """Requests the server is answering, not counting the one asking."""
    text = httpx.get(f"{base}/metrics", timeout=5).text
    line = next(line for line in text.splitlines() if line.startswith("candidly_requests_in_progress "))
    return float(line.split()[1]) - 1


def test_a_request_cut_by_the_grace_period_writes_nothing(tmp_path: Path) -> None:
    database, log = tmp_path / "candidly.db", tmp_path / "server.log"
    with server(f"sqlite:///{database}", log, shutdown_grace_seconds="1", log_level="info") as (base, process):
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        token = httpx.post(f"{base}/api/v1/organizations", json={"name": "Acme"}, headers=admin).json()["api_key"]
        headers = {"Authorization": f"Bearer {token['token']}"}
        lock = sqlite3.connect(database, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the server's writers now wait for this connection

        def create() -> None:
            # The server drops the request: what it answered does not matter, what it wrote does.
            with contextlib.suppress(httpx.TransportError):
                httpx.post(f"{base}/api/v1/candidates", json={"first_name": "Cut"}, headers=headers, timeout=30)

        sender = threading.Thread(target=create)
        sender.start()
        wait_until(lambda: in_progress(base) >= 1, process, log, "the create never reached the server")
        process.send_signal(signal.SIGTERM)
        wait_until(lambda: "Application shutdown complete" in log.read_text(), process, log, "no shutdown", 30)
        lock.execute("ROLLBACK")  # the cut request's thread goes on to its commit now
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn ends by re-raising the signal it caught
        sender.join()
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM candidates").fetchone()[0] == 0
    assert "timeout graceful shutdown exceeded" in log.read_text()


def test_after_the_app_shuts_down_no_command_commits(settings: Settings, clock: FakeClock, services: Services) -> None:
    with TestClient(create_app(settings, clock, services)) as client:
        org = make_org(client)
    before = table_counts(services)
    # What a request's thread still running after the shutdown would do next: run its command.
    actor = Actor(Principal(org.key_id, (org.id,), ALL_SCOPES), "native")
    with pytest.raises(ShuttingDown):
        services.bus.execute(CreateCandidate({"first_name": "Late"}), actor, org.id)
    assert table_counts(services) == before
