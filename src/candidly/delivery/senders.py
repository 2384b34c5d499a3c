"""How each kind of delivery goes out: SMTP for email, signed or plain JSON POSTs over HTTP.

The worker sees only the ``Sender`` protocol: ``NetworkSender`` puts deliveries on the wire, and test mode puts
a capturing sender in its place (delivery/capture.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from threading import Lock
from typing import TYPE_CHECKING, Protocol

import aiosmtplib
from standardwebhooks.webhooks import Webhook

from candidly.delivery import smtp
from candidly.delivery.safety import Resolver, system_resolver
from candidly.domain.deliveries import Delivery

if TYPE_CHECKING:
    from candidly.delivery.posting import HttpSender


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
            smtp.send(
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


class NetworkSender:
    """The real thing: SMTP for email, HTTP for callbacks and webhooks."""

    def __init__(self, settings: SmtpSettings, resolve: Resolver = system_resolver) -> None:
        self.settings = settings
        self.resolve = resolve
        self._http: HttpSender | None = None
        self._http_lock = Lock()  # the worker posts from several threads; one client (one pool) serves them all

    def email(self, delivery: Delivery, subject: str, body: str) -> Outcome:
        return send_email(self.settings, delivery.target, subject, body)

    def post(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Outcome:
        return self._client().post(delivery.target, body, headers)

    def _client(self) -> HttpSender:
        """The HTTP client, made on the first POST: httpx (with the click, rich and pygments its own command line
        brings) is 6 MB that a server sending only mail never needs (docs/performance.md, "Memory")."""
        with self._http_lock:
            if self._http is None:
                from candidly.delivery.posting import HttpSender

                self._http = HttpSender(
                    timeout=self.settings.delivery_timeout_seconds,
                    allow_private=self.settings.outbound_allow_private,
                    resolve=self.resolve,
                )
            return self._http

    def close(self) -> None:
        with self._http_lock:
            if self._http is not None:
                self._http.close()
                self._http = None
