"""Settings from ``CANDIDLY_*`` environment variables; built once by the entry points, never at import."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CANDIDLY_", extra="ignore")

    database_url: str = "sqlite:///candidly.db"
    admin_token: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Comeet and Paradox send files inline as base64 (up to 6 and 10 MB each): their bodies may be larger.
    max_upload_body_bytes: int = Field(default=48 * 1024 * 1024, ge=1024)
    max_json_depth: int = Field(default=32, ge=2)
    log_level: str = "info"
    access_log: bool = True
    # Threads that run requests' database work (service/executor.py); None sizes them to the engine's pool.
    # 0 runs it inline on the event loop (for measurement: a writer waiting for SQLite's lock then stalls all).
    database_threads: int | None = Field(default=None, ge=0, le=64)
    # SQLite: commit the commands arriving together in one transaction, a savepoint each (service/group_commit.py).
    group_commit: bool = True

    run_worker: bool = True
    worker_poll_seconds: float = 1.0
    delivery_max_attempts: int = 8
    delivery_timeout_seconds: float = 10.0
    delivery_backoff_seconds: float = 10.0
    delivery_backoff_max_seconds: float = 3600.0
    outbound_allow_private: bool = False
    # Sends under way at once, in all and to one receiver (a webhook URL, or the SMTP server).
    delivery_concurrency: int = Field(default=16, ge=1, le=256)
    delivery_per_receiver: int = Field(default=4, ge=1)
    # An email template's budget: the time one render may take, and the characters it may produce.
    template_render_seconds: float = Field(default=2.0, gt=0)
    template_max_chars: int = Field(default=1_000_000, ge=1000)

    # Unset: mail goes to a local MTA on 127.0.0.1:25, if there is one (the server warns at start).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Candidly <no-reply@candidly.local>"

    rate_limit_per_minute: int = 0
    # Failed authentications (401) per client address per minute before that address is refused (0 = no limit).
    auth_failures_per_minute: int = Field(default=30, ge=0)
    # /readyz fails when the SQLite database's filesystem has less free space than this (writes would fail soon).
    ready_min_free_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    # On SIGTERM, requests in progress get this long to finish; one cut after it writes nothing.
    shutdown_grace_seconds: int = Field(default=10, ge=0)
    # Threads running requests at once (endpoints are sync). More than a few buy nothing on 2 cores and one GIL:
    # each holds a database connection and its caches, and 40 (anyio's default) cost 25 MB more under load.
    request_threads: int = Field(default=8, ge=1, le=256)
    access_token_ttl_seconds: int = 3600
    attachment_url_ttl_seconds: int = 900
    # Seals stored secrets (storage/secrets.py) and signs the access page's cookie. Unset with SQLite: a key file
    # beside the database. Earlier keys, comma-separated, still open what they sealed (see docs/deploy.md).
    secret_key: str | None = None

    # Test mode (for test suites, never production): the service clock can be moved by the operator
    # (``/_candidly/clock``) and every email, callback and webhook is captured in memory instead of sent
    # (``/_candidly/outbox``). Refused against a database that holds non-test data (storage/marker.py).
    test_mode: bool = False
    secret_key_previous: str = ""
    # Proxies (IPs or networks, comma-separated; "*" for any) whose X-Forwarded-For and X-Forwarded-Proto are
    # believed. Empty: none, and a client's address is the one it connected from. The access page's lockout and
    # the rate limits count per address: trusting the header from anyone lets a client pick a new address per try.
    forwarded_allow_ips: str = ""
