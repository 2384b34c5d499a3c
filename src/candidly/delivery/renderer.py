"""Email templates rendered in child processes, within a budget of time, memory and output size.

A template is written by an API client: sandboxed Jinja2 keeps it from Python's internals, but not from
burning CPU (nested loops) or memory (``{{ 'x' * 10**9 }}``). So the worker never renders in its own
process, and never inside a transaction: a long-lived child (``render_child.py``, which imports Jinja2 and
little else) renders one template at a time, under an
address-space limit, streaming and counting what it writes; the worker kills a child that overruns its
time and starts another. A template over budget fails its delivery with a RenderError saying why.
"""

from __future__ import annotations

import os
import queue
import select
import subprocess
import time
import weakref
from dataclasses import dataclass
from typing import Any

import orjson

from candidly.delivery.render_child import READY, command


class RenderError(Exception):
    """A template that cannot be rendered: a syntax error, something the sandbox forbids, or over budget."""


STARTUP_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Budget:
    seconds: float = 2.0  # wall time of one render
    max_chars: int = 1_000_000  # subject and body together
    memory_bytes: int = 512 * 1024 * 1024  # the child's whole address space


# The worker's side -----------------------------------------------------------------------------------


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


def _read_line(fd: int, seconds: float) -> bytes:
    """A line from the child, or RenderError once ``seconds`` have passed without one."""
    data = b""
    deadline = time.monotonic() + seconds
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise RenderError(f"rendering the template took longer than {seconds:g} s")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise RenderError("the template renderer stopped (the template needed too much memory)")
        data += chunk
    return data


class _Child:
    """One rendering process, started on first use and replaced after it overran its budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        self.process = process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no outside input
            command(self.budget.memory_bytes),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        weakref.finalize(self, _stop, process)  # a worker dropped without close() leaves no child behind
        assert process.stdout is not None
        # A busy machine may take a while to start Python: that is not the template's time, nor its fault
        # (an OSError is a transient failure: the delivery is tried again).
        try:
            started = _read_line(process.stdout.fileno(), STARTUP_SECONDS) == READY
        except RenderError:
            started = False
        if not started:
            raise OSError("the template renderer did not start")
        return process

    def render(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            process = self.process or self._start()
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(orjson.dumps(request) + b"\n")
            process.stdin.flush()
            line = _read_line(process.stdout.fileno(), self.budget.seconds)
        except (OSError, RenderError):
            self.close()
            raise
        return dict(orjson.loads(line))

    def close(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


class Renderer:
    """A few rendering children, each serving one render at a time (the worker sends from several threads)."""

    def __init__(self, budget: Budget | None = None, children: int = 2) -> None:
        self.budget = budget or Budget()
        # Last in, first out: the child used last renders next, so a second child starts (and takes its 20 MB)
        # only when two renders overlap, not on the second email.
        self.idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        self.all = [_Child(self.budget) for _ in range(children)]
        for child in self.all:
            self.idle.put(child)

    def render(self, subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
        """The (subject, body) of a template; the subject is kept to one line. RenderError if it cannot be."""
        request = {"subject": subject, "body": body, "context": context, "max_chars": self.budget.max_chars}
        child = self.idle.get()
        try:
            answer = child.render(request)
        finally:
            self.idle.put(child)
        if "error" in answer:
            raise RenderError(str(answer["error"]))
        return " ".join(str(answer["subject"]).split()), str(answer["body"])

    def close(self) -> None:
        for child in self.all:
            child.close()
