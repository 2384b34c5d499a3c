"""SMTP security settings against real servers: STARTTLS with a login, implicit TLS, a refused login."""

from __future__ import annotations

import gc
import shutil
import ssl
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from candidly.bootstrap import Services
from candidly.delivery.senders import send_email
from candidly.delivery.worker import Worker
from tests.delivery.conftest import Inbox, free_port, text_of
from tests.delivery.test_email import invite
from tests.helpers import Org, TestClient, make_opening


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 that this test's clients trust (and nobody else)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class Logins:
    """An aiosmtpd authenticator that accepts one user and remembers who tried."""

    def __init__(self) -> None:
        self.tried: list[tuple[str, str]] = []

    def __call__(self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.tried.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=(data.login, data.password) == (b"mailer", b"s3cret"), handled=False)


STARTTLS: dict[str, Any] = {"require_starttls": True, "auth_require_tls": True}


@contextmanager
def serve(inbox: Inbox, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def send_invitation(client: TestClient, org: Org, services: Services, worker: Worker, **smtp: Any) -> None:
    for name, value in smtp.items():
        setattr(worker.settings, f"smtp_{name}", value)
    invite(services, org, make_opening(client, org))
    worker.run_once()


def test_starttls_with_a_login_delivers(
    client: TestClient, org: Org, services: Services, worker: Worker, certificate: ssl.SSLContext
) -> None:
    inbox, logins = Inbox(), Logins()
    with serve(inbox, tls_context=certificate, authenticator=logins, **STARTTLS) as port:
        send_invitation(client, org, services, worker, port=port, security="starttls", user="mailer", password="s3cret")
    assert logins.tried == [("mailer", "s3cret")]
    assert "Hello Ada Lovelace" in text_of(inbox.messages[0])


def test_implicit_tls_delivers(
    client: TestClient, org: Org, services: Services, worker: Worker, certificate: ssl.SSLContext
) -> None:
    inbox = Inbox()
    with serve(inbox, ssl_context=certificate) as port:
        send_invitation(client, org, services, worker, port=port, security="tls")
    assert len(inbox.messages) == 1


def test_a_refused_login_dead_letters_the_email_with_the_servers_answer(
    client: TestClient, org: Org, services: Services, worker: Worker, certificate: ssl.SSLContext
) -> None:
    inbox = Inbox()
    logins = Logins()
    with serve(inbox, tls_context=certificate, authenticator=logins, **STARTTLS) as port:
        send_invitation(client, org, services, worker, port=port, security="starttls", user="mailer", password="nope")
    assert inbox.messages == [] and set(logins.tried) == {("mailer", "nope")}  # each mechanism offered
    [delivery] = client.get("/api/v1/deliveries?kind=email", headers=org.headers).json()["items"]
    assert delivery["status"] == "dead" and "535" in delivery["last_error"]


def test_a_send_closes_its_tls_connection_before_it_returns(worker: Worker, certificate: ssl.SSLContext) -> None:
    """A STARTTLS connection's socket is closed by the send, not left to the garbage collector (which warned)."""
    for name, value in {"security": "starttls", "user": "mailer", "password": "nope"}.items():
        setattr(worker.settings, f"smtp_{name}", value)
    with serve(Inbox(), tls_context=certificate, authenticator=Logins(), **STARTTLS) as port:
        worker.settings.smtp_port = port
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            outcomes = [send_email(worker.settings, "ada@example.com", "Hi", "Hello") for _ in range(3)]
            gc.collect()  # a socket nobody closed warns when it is collected
    assert [o.status_code for o in outcomes] == [535] * 3
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
