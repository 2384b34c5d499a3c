"""``candidly serve`` as a child process on a free loopback port, for tests against a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.helpers import ADMIN_TOKEN, SECRET_KEY

# A bound on a wait, never a measure: a quiet machine starts the server in a few seconds, but at load 10 to 15 (the
# shared 2-core machine with several suites running) a start took over 60 s and failed tests that had found nothing.
STARTUP_SECONDS = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(database_url: str, log: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The server over ``database_url`` (worker off, quiet unless ``env`` says otherwise); killed on exit if alive.

    ``env`` adds ``CANDIDLY_*`` settings by their lower-case names without the prefix (``log_level="info"``).
    """
    port = free_port()
    settings = {"database_url": database_url, "admin_token": ADMIN_TOKEN, "secret_key": SECRET_KEY,
                "run_worker": "false", "access_log": "false", "log_level": "warning", **env}  # fmt: skip
    environment: Mapping[str, str] = {**os.environ, **{f"CANDIDLY_{k.upper()}": v for k, v in settings.items()}}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "candidly", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _ready(base), process, log, "the server did not become ready")
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def wait_until(
    condition: Callable[[], bool],
    process: subprocess.Popen[bytes],
    log: Path,
    failure: str,
    seconds: float = STARTUP_SECONDS,
) -> None:
    """Poll ``condition`` until it holds; fail if the server exits first or it never holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        time.sleep(0.05)  # polling another process: there is no clock to move
    pytest.fail(f"{failure}:\n{log.read_text()[-2000:]}")
