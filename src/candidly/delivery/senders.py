"""How each kind of delivery goes out: SMTP for email, signed or plain JSON POSTs over HTTP.

The worker sees only the ``Sender`` protocol: ``NetworkSender`` puts deliveries on the wire, and test mode puts
a capturing sender in its place (delivery/capture.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

import aiosmtplib
import httpx
import orjson
from standardwebhooks.webhooks import Webhook

from candidly.delivery.safety import UnsafeTarget, check_target
from candidly.domain.deliveries import Delivery


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one attempt; ``permanent`` failures are not retried."""

    ok: bool
    status_code: int | None = None
    error: str | None = None
    permanent: bool = False


class SmtpSettings(Protocol):
    smtp_host: str
    smtp_port: int

    @property
    def smtp_security(self) -> str: ...  # read-only, so a Literal-typed setting fits

    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    delivery_timeout_seconds: float


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
                hostname=settings.smtp_host,
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
        return Outcome(False, None, f"SMTP: {exc.__class__.__name__}: {exc}")
    return Outcome(True)


def signature_headers(secret: str, message_id: str, when: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers for ``body``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, body.decode()),
    }


class HttpSender:
    """POSTs JSON to callback and webhook URLs after the outbound safety check, never following redirects."""

    def __init__(self, *, timeout: float, allow_private: bool, transport: httpx.BaseTransport | None = None) -> None:
        self.allow_private = allow_private
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=False, transport=transport,
            headers={"user-agent": "Candidly-Delivery/1", "content-type": "application/json"},
        )  # fmt: skip

    def post(self, url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Outcome:
        body = orjson.dumps(payload)
        return self.post_bytes(url, body, headers or {})

    def post_bytes(self, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
        try:
            check_target(url, allow_private=self.allow_private)
            # Streamed, and only the start of the answer is read: a receiver cannot flood the worker.
            with self.client.stream("POST", url, content=body, headers=headers) as response:
                status = response.status_code
                start = next(response.iter_bytes(chunk_size=200), b"")[:200].decode(errors="replace")
        except UnsafeTarget as exc:
            return Outcome(False, None, f"refused: {exc}", permanent=True)
        except (httpx.HTTPError, OSError) as exc:
            return Outcome(False, None, f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)
        if 200 <= status < 300:
            return Outcome(True, status)
        return Outcome(False, status, f"HTTP {status}: {start}")

    def close(self) -> None:
        self.client.close()


class Sender(Protocol):
    """What the worker hands a delivery to, with the email rendered or the body serialised and signed."""

    def email(self, delivery: Delivery, subject: str, body: str) -> Outcome: ...

    def post(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Outcome: ...

    def close(self) -> None: ...


class OutboundSettings(SmtpSettings, Protocol):
    outbound_allow_private: bool


class NetworkSender:
    """The real thing: SMTP for emails, HTTP (after the safety check) for callbacks and webhooks."""

    def __init__(self, settings: OutboundSettings) -> None:
        self.settings = settings
        self.http = HttpSender(timeout=settings.delivery_timeout_seconds, allow_private=settings.outbound_allow_private)

    def email(self, delivery: Delivery, subject: str, body: str) -> Outcome:
        return send_email(self.settings, delivery.target, subject, body)

    def post(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Outcome:
        return self.http.post_bytes(delivery.target, body, headers)

    def close(self) -> None:
        self.http.close()
