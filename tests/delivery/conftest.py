"""Delivery fixtures: a real SMTP server and a real HTTP receiver on loopback, and a worker to drive by hand."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from candidly.bootstrap import Services, build_worker
from candidly.delivery.worker import Worker
from candidly.settings import Settings
from tests.helpers import ADMIN_TOKEN, SECRET_KEY, FakeClock, Org, TestClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.arrived.set()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 90.0) -> bool:
        """Wait (for a worker on another thread) until ``count`` messages have arrived."""
        return _wait(lambda: len(self.messages) >= count, timeout)


def _wait(done: Callable[[], bool], timeout: float) -> bool:
    """Poll ``done`` until it holds or ``timeout`` seconds have passed: a bound on a wait, never a measure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.02)
    return False


def text_of(message: Message) -> str:
    """The decoded plain-text body of a single-part message."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(port, inbox)
    controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0


@dataclass
class Receiver:
    """An HTTP endpoint that answers from a script of status codes (then 200) and records every request."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Cleared, every request hangs after it arrived until the test sets it (or the client gives up).
    gate: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.gate.set()

    def answer(self, request: Received) -> int:
        with self.lock:
            request.status = self.script.pop(0) if self.script else 200
            self.requests.append(request)
        return request.status

    @property
    def successes(self) -> list[Received]:
        return [r for r in self.requests if r.status == 200]

    def wait_for(self, count: int, timeout: float = 90.0) -> bool:
        """Wait (for a worker on another thread) until ``count`` requests have arrived."""
        return _wait(lambda: len(self.requests) >= count, timeout)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = receiver.answer(Received(self.path, dict(self.headers.items()), body))
            receiver.gate.wait(timeout=120)
            try:
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the sender gave up waiting
                pass

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            pass

    return Handler


@contextmanager
def serving() -> Iterator[Receiver]:
    """A receiver listening on a free loopback port for the duration of the block."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.gate.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving() as receiver:
        yield receiver


def delivery_settings(database_url: str, smtp_port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url, "admin_token": ADMIN_TOKEN, "secret_key": SECRET_KEY,
        "public_base_url": "https://candidly.test",
        "run_worker": False, "access_log": False, "outbound_allow_private": True, "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port, "delivery_max_attempts": 4, "delivery_timeout_seconds": 30.0,
        "worker_poll_seconds": 0.05, **overrides,
    }  # fmt: skip
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, smtp: SmtpServer) -> Settings:
    """The suite's settings, with loopback allowed (tests talk to local receivers) and a local SMTP server."""
    return delivery_settings(database_url, smtp.port)


def make_worker(services: Services, clock: FakeClock | None = None) -> Worker:
    """The worker ``candidly serve`` would run, on the given clock, with a seeded jitter."""
    worker = build_worker(services)
    worker.clock = clock or services.clock
    worker.rng = random.Random(7)
    return worker


@pytest.fixture
def worker(services: Services) -> Worker:
    return make_worker(services)


def start_session(client: TestClient, org: Org, application_id: str, step_id: str) -> Any:
    """POST /applications/{id}/sessions: the response, whatever it is."""
    return client.post(
        f"/api/v1/applications/{application_id}/sessions", json={"step_id": step_id}, headers=org.headers
    )


def complete_session(client: TestClient, headers: dict[str, str], session_id: str, result: dict[str, Any]) -> Any:
    """POST /sessions/{id}/complete: the response, whatever it is."""
    return client.post(f"/api/v1/sessions/{session_id}/complete", json={"result": result}, headers=headers)


def finished_session(
    client: TestClient, org: Org, application_id: str, step_id: str, result: dict[str, Any]
) -> dict[str, Any]:
    """A session started and completed with ``result``, as the API answered the completion."""
    started = start_session(client, org, application_id, step_id)
    assert started.status_code == 201, started.text
    done = complete_session(client, org.headers, started.json()["id"], result)
    assert done.status_code == 200, done.text
    return dict(done.json())
