"""How each kind of delivery goes out: SMTP for email, signed or plain JSON POSTs over HTTP.

The worker sees only the ``Sender`` protocol: ``NetworkSender`` puts deliveries on the wire, and test mode puts
a capturing sender in its place (delivery/capture.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
import httpcore
import httpx
from standardwebhooks.webhooks import Webhook

from candidly.delivery.safety import PinnedBackend, Resolver, UnsafeTarget, system_resolver
from candidly.domain.deliveries import Delivery


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one attempt; ``permanent`` failures are not retried.

    ``error`` goes to the delivery log, which API clients read: it names what went wrong, never what a
    receiver answered (its body) or where a name pointed (a resolved address).
    """

    ok: bool
    status_code: int | None = None
    error: str | None = None
    permanent: bool = False
    # The receiver itself is in trouble (no connection, a timeout, a 5xx or 429), not just this message:
    # what the worker's circuit breaker counts.
    receiver_failed: bool = False


class Sender(Protocol):
    """Where rendered, signed deliveries go. The worker prepares everything; a sender only transmits.

    ``NetworkSender`` sends for real; a test double (a capture sender) records instead. Both are called
    from several worker threads at once.
    """

    def email(self, delivery: Delivery, subject: str, body: str) -> Outcome: ...

    def post(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Outcome: ...

    def close(self) -> None: ...


class SmtpSettings(Protocol):
    @property
    def smtp_host(self) -> str | None: ...  # read-only, so an optional or Literal-typed setting fits

    smtp_port: int

    @property
    def smtp_security(self) -> str: ...

    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    delivery_timeout_seconds: float
    outbound_allow_private: bool


# Where mail goes when CANDIDLY_SMTP_HOST is not set: a local MTA, if there is one (the worker warns at start).
DEFAULT_SMTP_HOST = "127.0.0.1"
SMTP_UNSET = (
    "CANDIDLY_SMTP_HOST is not set: invitation emails are tried against 127.0.0.1:25, where nothing may listen "
    "(set CANDIDLY_SMTP_HOST, and _PORT, _SECURITY, _USER, _PASSWORD, _FROM as your mail server needs)"
)


def send_email(settings: SmtpSettings, to: str, subject: str, body: str) -> Outcome:
    """Send a plain-text message over SMTP (none, STARTTLS or implicit TLS), with a timeout."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        asyncio.run(
            aiosmtplib.send(
                message,
                hostname=settings.smtp_host or DEFAULT_SMTP_HOST,
                port=settings.smtp_port,
                username=settings.smtp_user,
                password=settings.smtp_password,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                timeout=settings.delivery_timeout_seconds,
            )
        )
    except aiosmtplib.SMTPResponseException as exc:
        # 5xx is the server's final word on this message; 4xx is "try later".
        return Outcome(False, exc.code, f"SMTP {exc.code}: {exc.message}", permanent=exc.code >= 500)
    except (aiosmtplib.SMTPException, OSError) as exc:
        unset = "" if settings.smtp_host else " (CANDIDLY_SMTP_HOST is not set)"
        return Outcome(False, None, f"SMTP: {exc.__class__.__name__}{unset}", receiver_failed=True)
    return Outcome(True)


def signature_headers(secret: str, message_id: str, when: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers for ``body``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, body.decode()),
    }


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


class NetworkSender:
    """The real thing: SMTP for email, HTTP for callbacks and webhooks."""

    def __init__(self, settings: SmtpSettings, resolve: Resolver = system_resolver) -> None:
        self.settings = settings
        self.http = HttpSender(
            timeout=settings.delivery_timeout_seconds, allow_private=settings.outbound_allow_private, resolve=resolve
        )

    def email(self, delivery: Delivery, subject: str, body: str) -> Outcome:
        return send_email(self.settings, delivery.target, subject, body)

    def post(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Outcome:
        return self.http.post(delivery.target, body, headers)

    def close(self) -> None:
        self.http.close()
