"""Candidly inside a test suite: a throwaway server in test mode, with its clock, its outbox and organizations.

    from candidly.testing import server

    with server() as candidly:                # in this process; server(mode="subprocess") runs `candidly serve`
        org = candidly.new_org("Acme")
        httpx.post(f"{org.testinvite.base_url}/api/integration/rest/v1/tasks/...", headers=org.headers, ...)
        candidly.clock.advance(hours=25)
        [email] = candidly.outbox.emails(to="ada@example.com")

The pytest plugin (candidly.testing.plugin, registered through the ``pytest11`` entry point) offers the same as
the fixtures ``candidly``, ``candidly_org``, ``candidly_clock``, ``candidly_outbox`` and ``candidly_scenario``.
Everything goes over HTTP (the native API and test mode's ``/_candidly`` endpoints), so what works here works
from any language against ``CANDIDLY_TEST_MODE=true candidly serve``.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

import httpx
import jwt
import orjson

from candidly import seed

__all__ = ["Candidly", "CandidlyOrg", "Clock", "Message", "Outbox", "server"]

START_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class TokenCredentials:
    """A vendor whose client sends the key itself as a bearer token (TestInvite, InstaView)."""

    base_url: str
    api_key: str


@dataclass(frozen=True)
class ComeetCredentials:
    """Comeet's partner credentials: the client signs an HS256 JWT (``iss`` = key id) with the secret."""

    base_url: str
    key_id: str
    secret: str


@dataclass(frozen=True)
class ParadoxCredentials:
    """Paradox's OAuth client credentials, exchanged at ``{base_url}/auth/token`` for an access token."""

    base_url: str
    client_id: str
    client_secret: str


class Clock:
    """The server's clock, moved over ``/_candidly/clock``; each move also runs what came due (expiry, mail)."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def _move(self, body: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(_ok(self._client.post("/_candidly/clock", json=body))["now"])

    def now(self) -> datetime:
        return datetime.fromisoformat(_ok(self._client.get("/_candidly/clock"))["now"])

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
        """Move time forward (windows open and close, links and tokens expire, retries come due); the new now."""
        by = {"days": days, "hours": hours, "minutes": minutes, "seconds": seconds}
        return self._move({"advance": by})

    def set(self, when: datetime) -> datetime:
        """Jump to ``when`` (timezone-aware); time runs on from there."""
        return self._move({"set": when.isoformat()})

    def reset(self) -> datetime:
        """Back to the wall clock."""
        return self._move({"reset": True})


@dataclass(frozen=True)
class Message:
    """One captured delivery: an email (``subject`` and rendered ``body``), a callback or a signed webhook."""

    kind: str
    to: str
    subject: str | None
    body: str
    headers: Mapping[str, str]
    organization_id: str
    delivery_id: str
    sent_at: str

    def json(self) -> Any:
        """The body of a callback or webhook, parsed."""
        return orjson.loads(self.body)


class Outbox:
    """Everything the server sent (captured, never on the wire), read over ``/_candidly/outbox``."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def messages(
        self, *, kind: str | None = None, to: str | None = None, organization_id: str | None = None
    ) -> list[Message]:
        """Oldest first; reading first sends whatever is due at the server's clock."""
        wanted = {"kind": kind, "to": to, "organization_id": organization_id}
        params = {k: v for k, v in wanted.items() if v is not None}
        items = _ok(self._client.get("/_candidly/outbox", params=params))["items"]
        return [Message(**item) for item in items]

    def emails(self, to: str | None = None) -> list[Message]:
        return self.messages(kind="email", to=to)

    def callbacks(self, to: str | None = None) -> list[Message]:
        return self.messages(kind="callback", to=to)

    def webhooks(self, to: str | None = None) -> list[Message]:
        return self.messages(kind="webhook", to=to)

    def clear(self) -> None:
        _ok(self._client.delete("/_candidly/outbox"))

    def refuse(self, target: str, *, status: int = 503, times: int = 1) -> None:
        """Make the next ``times`` sends to ``target`` fail with ``status`` (retried with backoff, as in production)."""
        _ok(self._client.post("/_candidly/outbox/refusals", json={"target": target, "status": status, "times": times}))


@dataclass(frozen=True)
class CandidlyOrg:
    """An organization with an all-scopes key, and that key in the shape each vendor's client is configured with."""

    id: str
    name: str
    key_id: str
    token: str
    signing_secret: str
    base_url: str
    clock: Clock

    @property
    def headers(self) -> dict[str, str]:
        """``Authorization: Bearer`` with the key: the native API, TestInvite and InstaView take it as is."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def testinvite(self) -> TokenCredentials:
        return TokenCredentials(f"{self.base_url}/testinvite", self.token)

    @property
    def instaview(self) -> TokenCredentials:
        return TokenCredentials(f"{self.base_url}/instaview", self.token)

    @property
    def comeet(self) -> ComeetCredentials:
        return ComeetCredentials(f"{self.base_url}/comeet", self.key_id, self.signing_secret)

    @property
    def paradox(self) -> ParadoxCredentials:
        return ParadoxCredentials(f"{self.base_url}/paradox/api/v1/public", self.key_id, self.token)

    def comeet_token(self, minutes: float = 10) -> str:
        """A Comeet JWT as a partner signs it, expiring ``minutes`` after the server's (possibly moved) now."""
        exp = self.clock.now() + timedelta(minutes=minutes)
        return jwt.encode({"iss": self.key_id, "exp": int(exp.timestamp())}, self.signing_secret, algorithm="HS256")


@dataclass
class Candidly:
    """A running server in test mode: its base URL, an operator client, its clock and outbox."""

    base_url: str
    admin_token: str
    database_url: str
    client: httpx.Client

    @property
    def clock(self) -> Clock:
        return Clock(self.client)

    @property
    def outbox(self) -> Outbox:
        return Outbox(self.client)

    def new_org(self, name: str = "Test organization") -> CandidlyOrg:
        """A new organization (its first key holds every scope)."""
        body = _ok(self.client.post("/api/v1/organizations", json={"name": name}))
        key = body["api_key"]
        return CandidlyOrg(
            id=body["id"],
            name=body["name"],
            key_id=key["id"],
            token=key["token"],
            signing_secret=key["signing_secret"],
            base_url=self.base_url,
            clock=self.clock,
        )

    def seed(self, scenario: Path | str | Mapping[str, Any]) -> dict[str, Any]:
        """Apply a scenario (a file, or its content as a mapping); what was made, as ``candidly seed`` prints it."""
        parsed = seed.parse(dict(scenario)) if isinstance(scenario, Mapping) else seed.load(Path(scenario))
        return seed.apply(self.client, parsed, self.admin_token)


def _ok(response: httpx.Response) -> Any:
    if response.is_error:
        raise AssertionError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return None if response.status_code == 204 else response.json()


@contextmanager
def server(
    *,
    mode: Literal["thread", "subprocess"] = "thread",
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[Candidly]:
    """Start Candidly in test mode on a free port with a throwaway SQLite database (unless ``database_url``).

    ``mode="subprocess"`` runs ``candidly serve`` in a child process (what a user's CI does); the default serves
    from a thread of this process, which starts faster. ``env`` adds ``CANDIDLY_*`` settings.
    """
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="candidly-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'candidly.db'}"
        settings = {
            "CANDIDLY_ACCESS_LOG": "false",
            **(env or {}),
            "CANDIDLY_DATABASE_URL": url,
            "CANDIDLY_ADMIN_TOKEN": token,
            "CANDIDLY_TEST_MODE": "true",
        }
        start = _serve_subprocess if mode == "subprocess" else _serve_thread
        with start(settings) as base_url, httpx.Client(base_url=base_url, headers=_bearer(token), timeout=60) as client:
            yield Candidly(base_url=base_url, admin_token=token, database_url=url, client=client)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def _serve_thread(env: Mapping[str, str]) -> Iterator[str]:
    # Imported here: a suite that serves from a child process never loads the web stack itself.
    from candidly.settings import Settings
    from candidly.web.server import serve_in_thread

    fields = {name.removeprefix("CANDIDLY_").lower(): value for name, value in env.items()}
    with serve_in_thread(Settings.model_validate(fields)) as base_url:
        yield base_url


@contextmanager
def _serve_subprocess(env: Mapping[str, str]) -> Iterator[str]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    child_env = {**os.environ, **env, "CANDIDLY_PUBLIC_BASE_URL": base_url, "CANDIDLY_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "candidly", "serve", "--host", "127.0.0.1", "--port", str(port)]
    # A file, not a pipe: a pipe nobody reads would block the server once its buffer filled.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, env=child_env, stdout=log, stderr=log, text=True)  # noqa: S603
        try:
            _wait_healthy(base_url, process, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base_url: str, process: subprocess.Popen[str], log: IO[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"candidly serve exited with {process.returncode}: {log.read().strip()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # waiting for a child process to listen, not for time to pass in a test
    raise RuntimeError(f"candidly serve did not answer on {base_url} within {START_TIMEOUT_SECONDS:.0f} s")
