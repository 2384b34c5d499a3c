"""Start and stop the servers under test as real processes on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key"  # seals stored secrets; PostgreSQL has no key file, so a separate worker needs it too


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Until ``url`` answers 200; a server that exits first fails at once. The timeout is long because starting
    (imports, migrations) on a machine whose cores are busy can take half a minute."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    return sum(_status_kb(p, "VmRSS") for p in [pid, *_children(pid)]) / 1024


class PeakMemory:
    """The peak resident memory of a server's process tree: the server and every child it starts (uvicorn
    workers, template renderer processes), each child counted at its own peak while it was seen.

    Each process's high-water mark (``VmHWM``) is read from /proc, so the server's own peak is exact; children are
    found by sampling (``watching``), so one that lived less than a sampling interval may be missed. The sum of
    the peaks can exceed what was resident at any one instant: an upper bound, which is what a target wants.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks_kb: dict[int, int] = {}

    def sample(self) -> None:
        for p in [self.pid, *_children(self.pid)]:
            self.peaks_kb[p] = max(self.peaks_kb.get(p, 0), _status_kb(p, "VmHWM"))

    @property
    def mb(self) -> float:
        return sum(self.peaks_kb.values()) / 1024

    @contextmanager
    def watching(self, every: float = 0.25) -> Iterator[None]:
        """Sample on a thread while the block runs (a load that makes the server start children)."""
        done = threading.Event()

        def loop() -> None:
            while not done.wait(every):
                self.sample()

        sampler = threading.Thread(target=loop, daemon=True)
        sampler.start()
        try:
            yield
        finally:
            done.set()
            sampler.join()
            self.sample()


def _status_kb(pid: int, field: str) -> int:
    """A ``/proc/PID/status`` memory field in kB; 0 for a process that has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid``. The kernel lists children per thread that started them (the delivery
    worker's thread starts the template renderer), so every thread's list is read."""
    kids: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids += [int(k) for k in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended
    return kids + [g for k in kids for g in _children(k)]


@contextmanager
def process(
    args: list[str], env: dict[str, str], ready_url: str, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until ``ready_url`` answers 200, stop it afterwards. Its stderr goes to ``log``, else
    to ours: a pipe nobody read would stop the server once 64 KiB of warnings filled it."""
    with ExitStack() as stack:
        stderr = stack.enter_context(log.open("ab")) if log is not None else None
        proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            try:
                wait_ready(ready_url, proc)
            except RuntimeError:
                if log is not None:
                    sys.stderr.write(log.read_text(errors="replace")[-4000:])
                raise
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def candidly(
    database_url: str,
    workers: int = 1,
    run_worker: bool = False,
    *,
    log: Path | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``candidly serve`` on a free port, with ``settings`` (``CANDIDLY_*`` variables) added. Without ``log`` it
    logs warnings only, to our stderr; with ``log`` it logs as the README's ``candidly serve`` does (access log
    on, level info), into that file."""
    port = free_port()
    env = {
        "CANDIDLY_DATABASE_URL": database_url,
        "CANDIDLY_ADMIN_TOKEN": "bench-operator",
        "CANDIDLY_SECRET_KEY": SECRET_KEY,
        "CANDIDLY_RUN_WORKER": "true" if run_worker else "false",
        **(settings or {}),
    }
    if log is None:
        env |= {"CANDIDLY_ACCESS_LOG": "false", "CANDIDLY_LOG_LEVEL": "warning"}
    args = [sys.executable, "-m", "candidly", "serve", "--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with process(args, env, f"{base}/healthz", log) as proc:
        yield base, proc


@contextmanager
def reference(workers: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "bench.reference_app:app", "--port", str(port),
            "--workers", str(workers), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with process(args, {}, f"{base}/ref/ping") as proc:
        yield base, proc
