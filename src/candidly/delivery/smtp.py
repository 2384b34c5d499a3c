"""One SMTP send that leaves no socket behind: aiosmtplib's client, waited on until its connection is closed."""

from __future__ import annotations

import asyncio
import contextlib
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from aiosmtplib.protocol import SMTPProtocol

# How long a send waits, after the conversation, for a TLS connection to finish closing: the peer answers a TLS
# close at once, so this bounds only a peer that never does.
CLOSE_WAIT_SECONDS = 1.0


class _Client(aiosmtplib.SMTP):
    """aiosmtplib's client, which says whether it connected and when that connection is gone for good.

    A TLS (or STARTTLS) connection closes only after a TLS shutdown, which needs the event loop to keep running;
    ``asyncio.run`` ending first left the socket to the garbage collector (a ResourceWarning now and then, after a
    server refused the login). It extends two of aiosmtplib 5's own methods, hence that bound in pyproject.toml."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.connected = False
        self.gone = asyncio.Event()

    async def _create_connection(self, timeout: float | None) -> aiosmtplib.SMTPResponse:
        response = await super()._create_connection(timeout)
        self.connected = True
        return response

    def _on_connection_lost(self, protocol: SMTPProtocol) -> None:
        super()._on_connection_lost(protocol)
        self.gone.set()  # called after the transport closed its socket


async def send(message: EmailMessage, **options: Any) -> None:
    """Send ``message`` as ``aiosmtplib.send`` does (same options), returning once the connection is closed."""
    client = _Client(**options)
    try:
        async with client:
            await client.send_message(message)
    finally:
        if client.connected:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.gone.wait(), CLOSE_WAIT_SECONDS)
