"""Authentication shared by every surface: the operator token and hashed, scoped API keys."""

from __future__ import annotations

import hmac

from candidly.domain.access import ALL_SCOPES, Principal, hash_token
from candidly.domain.errors import Unauthenticated
from candidly.service.ports import Database


class Authenticator:
    """Turns a bearer token into a Principal, or raises Unauthenticated."""

    def __init__(self, database: Database, admin_token: str | None) -> None:
        self.database = database
        self.admin_token = admin_token

    def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise Unauthenticated("missing credentials")
        if self.admin_token and hmac.compare_digest(token.encode(), self.admin_token.encode()):
            return Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True)
        with self.database.unit_of_work(write=False) as uow:
            key = uow.api_keys.by_hash(hash_token(token))
        if key is None or key.revoked_at is not None:
            raise Unauthenticated("unknown or revoked API key")
        return Principal(
            key_id=key.id,
            organization_ids=tuple(key.organization_ids),
            scopes=frozenset(key.scopes),
            signing_secret=key.signing_secret,
        )

    def by_key_id(self, key_id: str) -> Principal:
        """The principal of a key named by its id (JWT ``iss``, OAuth ``client_id``), for signed schemes."""
        with self.database.unit_of_work(write=False) as uow:
            key = uow.api_keys.get(key_id)
        if key is None or key.revoked_at is not None:
            raise Unauthenticated("unknown or revoked API key")
        return Principal(
            key_id=key.id,
            organization_ids=tuple(key.organization_ids),
            scopes=frozenset(key.scopes),
            signing_secret=key.signing_secret,
        )

    def verify_secret(self, key_id: str, secret: str) -> Principal:
        """Check a (key id, token) pair, as OAuth client credentials present them."""
        principal = self.authenticate(secret)
        if principal.key_id != key_id:
            raise Unauthenticated("client_id and client_secret do not match")
        return principal
