"""Outbound safety: callbacks and webhooks reach only globally routable addresses, the ones that were checked.

The host is resolved once, at connect time, by the transport's network backend: every address it
resolves to is checked, and the connection goes to the checked address. A name cannot answer a public
address to the check and a private one to the connect (DNS rebinding). The URL is untouched, so the Host
header and the TLS server name (SNI, certificate check) stay the name's.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import httpcore

from candidly.domain.deliveries import IpAddress, address_of_kind, address_refusal

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
# host, port -> the addresses it resolves to (tests give their own; the default asks the system).
Resolver = Callable[[str, int], list[IpAddress]]


class UnsafeTarget(Exception):
    """The URL resolves to an address the operator has not allowed outbound calls to.

    The message names the host and the kind of address, never the address itself: it ends up in the
    delivery log, which an API client reads, and must not map the server's network for it.
    """


def system_resolver(host: str, port: int) -> list[IpAddress]:
    # A name that does not resolve raises OSError: a transient failure the caller retries.
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def checked_address(host: str, port: int, *, allow_private: bool, resolve: Resolver = system_resolver) -> IpAddress:
    """The address to connect to for ``host``: resolved once, every answer checked unless private ones are allowed."""
    addresses = resolve(host, port)
    if not addresses:
        raise OSError(f"{host} resolves to no address")
    if not allow_private:
        for address in addresses:
            if (why := address_refusal(address)) is not None:
                raise UnsafeTarget(
                    f"{host} resolves to {address_of_kind(why)} (set CANDIDLY_OUTBOUND_ALLOW_PRIVATE=true to allow it)"
                )
    return addresses[0]


def check_target(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
    """Raise UnsafeTarget if ``url`` is not http(s) or its host resolves to an internal address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("the URL is not an absolute http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    checked_address(parts.hostname, port, allow_private=allow_private, resolve=resolve)


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
