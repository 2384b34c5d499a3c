"""Authentication shared by every surface: the operator token and hashed, scoped API keys."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from candidly.domain.errors import Unauthenticated
from candidly.domain.principals import ALL_SCOPES, KEY_PREFIX, ApiKey, Principal, hash_token
from candidly.service.ports import Database, UnitOfWork


class Authenticator:
    """Turns a bearer token into a Principal, or raises Unauthenticated.

    Valid keys, found by token or by id (signed schemes), are remembered for ``cache_seconds`` (monotonic time),
    because a key lookup would otherwise be a database round trip on every request. A key revoked through this process is
    forgotten at once (``forget``); another process notices within ``cache_seconds``.
    """

    def __init__(self, database: Database, admin_token: str | None, cache_seconds: float = 5.0) -> None:
        self.database = database
        self.admin_token = admin_token
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Principal]] = {}

    def authenticate(self, token: str | None) -> Principal:
        principal = self.known(token)
        if principal is not None:
            return principal
        digest = hash_token(token or "")
        return self._cached(digest, lambda uow: uow.api_keys.by_hash(digest))

    def known(self, token: str | None) -> Principal | None:
        """The principal of ``token`` when it needs no database (the operator, a cached key); None when it does.

        For async callers: a cache hit is answered on the event loop, only a miss goes to the database executor.
        Raises Unauthenticated for what no lookup could accept.
        """
        if not token:
            raise Unauthenticated("missing credentials")
        if self.admin_token and hmac.compare_digest(token.encode(), self.admin_token.encode()):
            return Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True)
        if not self.admin_token and not token.startswith(f"{KEY_PREFIX}_"):
            # Not an API key; the likeliest intent is the operator token, which this server does not have.
            raise Unauthenticated("no operator token is configured on this server: set CANDIDLY_ADMIN_TOKEN")
        return self._recall(hash_token(token))

    def forget(self, key_id: str) -> None:
        """Drop a key from the cache (after revoking it)."""
        self._cache = {d: entry for d, entry in self._cache.items() if entry[1].key_id != key_id}

    def by_key_id(self, key_id: str) -> Principal:
        """The principal of a key named by its id (JWT ``iss``, OAuth ``client_id``), for signed schemes."""
        return self._cached(f"id:{key_id}", lambda uow: uow.api_keys.get(key_id))

    def known_key_id(self, key_id: str) -> Principal | None:
        """The cached principal of a key named by its id, or None when finding it needs the database."""
        return self._recall(f"id:{key_id}")

    def _cached(self, cache_key: str, load: Callable[[UnitOfWork], ApiKey | None]) -> Principal:
        """The live key ``load`` finds, remembered under ``cache_key`` (a token's digest, or its id)."""
        cached = self._recall(cache_key)
        if cached is not None:
            return cached
        with self.database.unit_of_work(write=False) as uow:
            key = load(uow)
        if key is None or key.revoked_at is not None:
            self._cache.pop(cache_key, None)
            raise Unauthenticated("unknown or revoked API key")
        principal = _principal(key)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[cache_key] = (time.monotonic(), principal)
        return principal

    def _recall(self, cache_key: str) -> Principal | None:
        cached = self._cache.get(cache_key)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        return None

    def verify_secret(self, key_id: str, secret: str) -> Principal:
        """Check a (key id, token) pair, as OAuth client credentials present them."""
        return same_key(self.authenticate(secret), key_id)


def same_key(principal: Principal, key_id: str) -> Principal:
    """``principal``, when it is the key ``key_id`` names (OAuth client credentials name both)."""
    if principal.key_id != key_id:
        raise Unauthenticated("client_id and client_secret do not match")
    return principal


def _principal(key: ApiKey) -> Principal:
    return Principal(
        key_id=key.id,
        organization_ids=tuple(key.organization_ids),
        scopes=frozenset(key.scopes),
        signing_secret=key.signing_secret,
        can_create_organizations=key.can_create_organizations,
    )
