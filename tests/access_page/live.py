"""A real Candidly server on a loopback port, a stand-in test launcher, and headless Chromium (never downloaded)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from candidly.settings import Settings
from candidly.web.app import create_app
from tests.helpers import ADMIN_TOKEN

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "access"


def require_chromium() -> None:
    """Skip with a reason where Debian's Chromium is missing; in CI it must be there."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is missing at {CHROMIUM} in CI: .ci/run must install it")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); the access page's browser tests need it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: Any, what: str, timeout: float = 20.0) -> None:
    """Poll a start-up condition of another thread (a server coming up), not the passing of test time."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout} s")
        time.sleep(0.02)


@contextmanager
def candidly_server(database: Path) -> Iterator[str]:
    """``candidly serve`` in a thread: SQLite, the real clock, links pointing at this very server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=f"sqlite:///{database}", admin_token=ADMIN_TOKEN, public_base_url=base, run_worker=False,
        access_log=False,
    )  # fmt: skip
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "the Candidly server")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@dataclass
class Launcher:
    """Where a step's launch URL points: answers every GET with a page, and remembers what it was sent."""

    url: str = ""
    visits: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def launcher() -> Iterator[Launcher]:
    found = Launcher()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.visits.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            body = b"<!doctype html><html lang='en'><title>Test</title><h1>Test launched</h1></html>"
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
