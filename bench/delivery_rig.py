"""What the outbox benchmarks share: ``candidly serve`` with a real SMTP server and webhook receiver on loopback.

``rig`` starts the receivers, the server (SQLite in a temporary directory or a throwaway PostgreSQL cluster; its
delivery worker in-process, or a separate ``candidly worker``), seeds an organization and a task with an email
template (``workload.seed``) and subscribes the receiver to ``application.created``. The receivers count what
arrived, by webhook id and by email recipient, so a run can check each message arrived exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from bench import servers, workload


class Hooks(BaseHTTPRequestHandler):
    """A webhook receiver answering 204; counts deliveries by their ``webhook-id`` and by subject (``data.id``)."""

    seen: Counter[str] = Counter()
    subjects: Counter[str] = Counter()
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        with self.lock:
            self.seen[self.headers.get("webhook-id", "")] += 1
            self.subjects[str(body["data"]["id"])] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass

    @classmethod
    def total(cls) -> int:
        return sum(cls.seen.values())


class Mail:
    """An aiosmtpd handler accepting every message; counts them, and by recipient."""

    count = 0
    recipients: Counter[str] = Counter()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        Mail.count += 1
        Mail.recipients.update(envelope.rcpt_tos)
        return "250 OK"


@dataclass(frozen=True)
class Rig:
    """The running server (its base URL and process) and the seeded organization."""

    base: str
    process: subprocess.Popen[bytes]
    world: workload.World


def gauges(base: str) -> dict[str, float]:
    """The outbox gauges of ``/metrics``: pending deliveries, oldest pending age, unpublished events."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    return {
        line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line.startswith("candidly_outbox_")
    }


def all_ids(base: str, headers: dict[str, str], path: str) -> list[str]:
    """Every id a native list (``/api/v1/candidates``, ``/api/v1/applications``) holds, page by page."""
    ids: list[str] = []
    cursor = None
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        while True:
            page = http.get(path, params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
            ids += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                return ids


def postgres(stack: ExitStack, name: str) -> str:
    from tests.support.pg import PostgresCluster

    cluster = PostgresCluster()
    cluster.start()
    stack.callback(cluster.stop)
    return str(cluster.create_database(name))


@contextmanager
def rig(*, use_postgres: bool, separate_worker: bool, seed_candidates: int = 0) -> Iterator[Rig]:
    os.environ.update({"CANDIDLY_OUTBOUND_ALLOW_PRIVATE": "true", "CANDIDLY_SMTP_HOST": "127.0.0.1"})
    hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    smtp_port = servers.free_port()
    mail = Controller(Mail(), hostname="127.0.0.1", port=smtp_port)
    mail.start()
    os.environ["CANDIDLY_SMTP_PORT"] = str(smtp_port)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        stack.callback(hooks.shutdown)
        stack.callback(mail.stop)
        url = postgres(stack, "outbox") if use_postgres else f"sqlite:///{tmp}/outbox.db"
        base, process = stack.enter_context(servers.candidly(url, run_worker=not separate_worker))
        if separate_worker:
            env = {**os.environ, "CANDIDLY_DATABASE_URL": url, "CANDIDLY_WORKER_POLL_SECONDS": "0.2",
                   "CANDIDLY_SECRET_KEY": servers.SECRET_KEY, "CANDIDLY_LOG_LEVEL": "warning"}  # fmt: skip
            worker = subprocess.Popen([sys.executable, "-m", "candidly", "worker"], cwd=servers.ROOT, env=env)
            stack.callback(worker.terminate)
        world = workload.seed(base, seed_candidates)
        hook = {"url": f"http://127.0.0.1:{hooks.server_address[1]}/hook", "events": ["application.created"]}
        httpx.post(f"{base}/api/v1/webhooks", json=hook, headers=world.headers).raise_for_status()
        yield Rig(base=base, process=process, world=world)
