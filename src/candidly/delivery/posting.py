"""Callbacks and webhooks over HTTP: httpx over a transport that connects only to the addresses it has checked.

Imported by ``NetworkSender`` on its first POST, not when the worker starts (docs/performance.md, "Memory").
"""

from __future__ import annotations

from collections.abc import Iterable

import httpcore
import httpx

from candidly.delivery.safety import Resolver, UnsafeTarget, checked_address, system_resolver
from candidly.delivery.senders import Outcome

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting each new connection to the address it has just checked."""

    def __init__(self, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        address = checked_address(host, port, allow_private=self.allow_private, resolve=self.resolve)
        return self.inner.connect_tcp(str(address), port, timeout, local_address, socket_options)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose every connection goes to an address just checked."""

    def __init__(self, *, allow_private: bool, resolve: Resolver = system_resolver, max_connections: int = 100) -> None:
        super().__init__(trust_env=False)
        # Replaces the pool the parent built: httpx offers no argument for httpcore's network backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=PinnedBackend(allow_private=allow_private, resolve=resolve),
        )


def _error(exc: httpx.HTTPError | OSError) -> str:
    """The kind of failure, without the exception's text (which may name the address connected to)."""
    if isinstance(exc, httpx.TimeoutException):
        return f"{exc.__class__.__name__}: no answer in time"
    if isinstance(exc, httpx.ConnectError | OSError):
        return f"{exc.__class__.__name__}: could not connect"
    return exc.__class__.__name__


class HttpSender:
    """POSTs to callback and webhook URLs over a pinned transport, never following redirects."""

    def __init__(
        self,
        *,
        timeout: float,
        allow_private: bool,
        resolve: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            transport=transport or PinnedTransport(allow_private=allow_private, resolve=resolve),
            headers={"user-agent": "Candidly-Delivery/1", "content-type": "application/json"},
        )

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
        try:
            # Streamed and never read: a receiver cannot flood the worker, and its answer stays its own.
            with self.client.stream("POST", url, content=body, headers=headers) as response:
                status = response.status_code
        except UnsafeTarget as exc:
            return Outcome(False, None, f"refused: {exc}", permanent=True)
        except (httpx.HTTPError, OSError) as exc:
            return Outcome(False, None, _error(exc), receiver_failed=True)
        if 200 <= status < 300:
            return Outcome(True, status)
        return Outcome(False, status, f"HTTP {status}", receiver_failed=status >= 500 or status == 429)

    def close(self) -> None:
        self.client.close()
