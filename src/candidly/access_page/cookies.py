"""The signed cookie that keeps a candidate signed in, and the form token derived from it."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import timedelta

from candidly.domain.applications import Application
from candidly.domain.ids import Clock

COOKIE = "candidly_access"
TTL = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class CandidateSession:
    """Who the cookie says is signed in: one application of one organization."""

    organization_id: str
    application_id: str
    cookie: str


class CookieSigner:
    """HMAC-SHA256 over ``organization.application.expiry``; nothing is stored on the server.

    The key comes from ``CANDIDLY_SECRET_KEY`` so every node accepts every node's cookies; without it
    a random per-process key is used, and a restart signs everyone out.
    """

    def __init__(self, secret_key: str | None, clock: Clock, ttl: timedelta = TTL) -> None:
        # Domain-separated from any other use of the secret key.
        self._key = (
            hashlib.sha256(b"candidly access cookie\0" + secret_key.encode()).digest() if secret_key else os.urandom(32)
        )
        self.clock = clock
        self.ttl = ttl

    def issue(self, application: Application) -> str:
        expires = int((self.clock.now() + self.ttl).timestamp())
        payload = f"{application.organization_id}.{application.id}.{expires}"
        return f"{payload}.{self._mac('session', payload)}"

    def read(self, cookie: str | None) -> CandidateSession | None:
        """The session a cookie names, if its signature holds and it has not expired; else None."""
        if not cookie or cookie.count(".") != 3:
            return None
        org, application_id, expires, mac = cookie.split(".")
        payload = f"{org}.{application_id}.{expires}"
        if not hmac.compare_digest(mac.encode(), self._mac("session", payload).encode()) or not expires.isdigit():
            return None
        if int(expires) <= self.clock.now().timestamp():
            return None
        return CandidateSession(org, application_id, cookie)

    def form_token(self, session: CandidateSession) -> str:
        """A token for the signed-in pages' forms: a forged cross-site post cannot know it."""
        return self._mac("form", session.cookie)

    def form_token_valid(self, session: CandidateSession, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.form_token(session).encode())

    def _mac(self, purpose: str, message: str) -> str:
        return hmac.new(self._key, f"{purpose}\0{message}".encode(), hashlib.sha256).hexdigest()
