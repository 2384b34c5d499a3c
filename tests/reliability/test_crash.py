"""Crash durability: a real server is SIGKILLed under load and restarted; every acknowledged create is there, whole.

Each round starts ``python -m candidly serve`` on the same SQLite file, lets several client threads create
applications (a new candidate and its application in one transaction), kills the server with SIGKILL once enough
creates were answered, and starts it again. Afterwards every create that got a 201 is read back intact, and the
database holds no half-written create: as many candidates as applications, and the opening's counter agrees.
A process crash is what this covers; power loss is the operating system's and SQLite's fsync policy.
"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import ADMIN_TOKEN, SAMPLE_OPENING
from tests.support.serve import STARTUP_SECONDS, server

ROUNDS = int(os.environ.get("CANDIDLY_CRASH_ROUNDS", "3"))
CLIENTS = 4
KILL_AFTER = 40  # acknowledged creates in a round before the kill; the clients keep sending while it lands

pytestmark = pytest.mark.slow


class Load:
    """Client threads creating applications until the server dies; what was acknowledged, by application id."""

    def __init__(self, base: str, headers: dict[str, str], opening_id: str, round_: int) -> None:
        self.base, self.headers, self.opening_id, self.round = base, headers, opening_id, round_
        self.acknowledged: dict[str, dict[str, Any]] = {}
        self.enough = threading.Event()
        self.lock = threading.Lock()

    def client(self, n: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=10) as http:
            for k in range(1_000_000):
                person = {
                    "first_name": f"R{self.round}C{n}",
                    "last_name": f"N{k}",
                    "email": f"r{self.round}.c{n}.{k}@example.com",
                }
                try:
                    response = http.post(
                        "/api/v1/applications", json={"opening_id": self.opening_id, "candidate": person}
                    )
                except httpx.TransportError:
                    return  # the server is gone: this create's outcome is unknown, and it is not counted
                assert response.status_code == 201, response.text
                with self.lock:
                    self.acknowledged[response.json()["id"]] = {
                        **person,
                        "candidate_id": response.json()["candidate_id"],
                    }
                    if len(self.acknowledged) >= KILL_AFTER:
                        self.enough.set()


def _all(http: httpx.Client, path: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        page = http.get(path, params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def _acme(base: str) -> tuple[dict[str, str], str]:
    """An organization's key headers and an opening to create applications in, made through the API."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    token = httpx.post(f"{base}/api/v1/organizations", json={"name": "Acme"}, headers=admin).json()["api_key"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    opening = httpx.post(f"{base}/api/v1/openings", json=SAMPLE_OPENING, headers=headers).json()
    return headers, str(opening["id"])


def test_every_acknowledged_create_survives_sigkill_and_none_is_half_written(tmp_path: Path) -> None:
    database, log = tmp_path / "candidly.db", tmp_path / "server.log"
    acknowledged: dict[str, dict[str, Any]] = {}
    headers: dict[str, str] = {}
    opening_id = ""
    for round_ in range(ROUNDS):
        with server(f"sqlite:///{database}", log) as (base, process):
            if round_ == 0:  # the first server also makes what the load needs: one start fewer than a server of its own
                headers, opening_id = _acme(base)
            load = Load(base, headers, opening_id, round_)
            with ThreadPoolExecutor(CLIENTS) as pool:
                running = [pool.submit(load.client, n) for n in range(CLIENTS)]
                assert load.enough.wait(STARTUP_SECONDS), "the clients made too few creates before the kill"
                process.send_signal(signal.SIGKILL)
                for future in running:
                    future.result()
        acknowledged |= load.acknowledged

    with (
        server(f"sqlite:///{database}", log) as (base, _),
        httpx.Client(base_url=base, headers=headers, timeout=10) as http,
    ):
        for application_id, sent in acknowledged.items():
            application = http.get(f"/api/v1/applications/{application_id}")
            assert application.status_code == 200, f"acknowledged application {application_id} is lost"
            person = http.get(f"/api/v1/candidates/{sent['candidate_id']}").json()
            assert {k: person[k] for k in ("first_name", "last_name", "email")} == {
                k: sent[k] for k in ("first_name", "last_name", "email")
            }
        candidates, applications = _all(http, "/api/v1/candidates"), _all(http, "/api/v1/applications")
        assert len(candidates) == len(applications) >= len(acknowledged)
        assert {a["candidate_id"] for a in applications} == {c["id"] for c in candidates}
        assert http.get(f"/api/v1/openings/{opening_id}").json()["application_count"] == len(applications)
    print(f"\ncrash: {ROUNDS} SIGKILLs survived, {len(acknowledged)} acknowledged creates checked, "
          f"{len(applications) - len(acknowledged)} unacknowledged ones committed")  # fmt: skip
