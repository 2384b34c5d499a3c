"""Outbound safety: callbacks and webhooks must not reach loopback, private or link-local addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeTarget(Exception):
    """The URL resolves to an address the operator has not allowed outbound calls to."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _forbidden(address.ipv4_mapped)
    for name in ("unspecified", "loopback", "link_local", "private", "multicast", "reserved"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return None


def check_target(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeTarget if ``url`` is not http(s) or any address its host resolves to is internal."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(f"{url!r} is not an absolute http(s) URL")
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    # A name that does not resolve raises OSError: a transient failure the caller retries.
    infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        kind = _forbidden(address)
        if kind is not None:
            raise UnsafeTarget(
                f"{parts.hostname} resolves to {address}, a {kind} address "
                "(set CANDIDLY_OUTBOUND_ALLOW_PRIVATE=true to allow it)"
            )
