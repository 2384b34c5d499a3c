"""Outbound safety: callbacks and webhooks reach only globally routable addresses, the ones that were checked.

The host is resolved once, at connect time, by the transport's network backend (``delivery/posting.py``): every
address it resolves to is checked, and the connection goes to the checked address. A name cannot answer a public
address to the check and a private one to the connect (DNS rebinding). The URL is untouched, so the Host
header and the TLS server name (SNI, certificate check) stay the name's.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from candidly.domain.deliveries import IpAddress, address_of_kind, address_refusal

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
