"""Secrets at rest: API keys' signing secrets and webhook secrets are stored sealed with the server's key.

The key is ``CANDIDLY_SECRET_KEY`` (any string; the sealing key is derived from it with HKDF). Sealing is
Fernet (AES-128-CBC with an HMAC-SHA256 tag, from ``cryptography``): a database dump or backup, or a read
through some other hole, shows no secret a client's JWT or a webhook receiver trusts. Keys that sealed
earlier values stay readable through ``CANDIDLY_SECRET_KEY_PREVIOUS`` until ``candidly rotate-secret-key`` has
sealed everything anew with the current key.

Without ``CANDIDLY_SECRET_KEY``, a SQLite database gets a generated key in a file beside it (``<db>.key``,
readable by its owner only), so the quick start needs no setting; other databases have no key, and then no
secret can be stored, and a server whose database already holds sealed secrets refuses to start.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Engine, Table, select, update

from candidly.domain.errors import NotAllowed
from candidly.storage import tables as t

SEALED = "sealed:"  # what a sealed value starts with; anything else is a value stored before sealing existed
SETTING = "CANDIDLY_SECRET_KEY"
# Every column holding a secret, as (table, column): what the start-up check and the rotation go through.
SECRET_COLUMNS: tuple[tuple[Table, str], ...] = ((t.api_keys, "signing_secret"), (t.webhook_subscriptions, "secret"))


class SecretKeyMissing(RuntimeError):
    """The database holds sealed secrets, and no key to open them was given."""


class SecretBox:
    """Seals and opens stored secrets with the current key; opens with any previous one too."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._fernet = MultiFernet([Fernet(_derive(k)) for k in keys]) if keys else None

    @property
    def has_key(self) -> bool:
        return self._fernet is not None

    def seal(self, plain: str | None) -> str | None:
        if plain is None:
            return None
        return SEALED + self._require().encrypt(plain.encode()).decode()

    def open(self, stored: str | None) -> str | None:
        if stored is None or not stored.startswith(SEALED):
            return stored
        try:
            return self._require().decrypt(stored.removeprefix(SEALED).encode()).decode()
        except InvalidToken:
            raise SecretKeyMissing(
                f"{SETTING} does not open the secrets the database holds: set the key that sealed them, "
                f"or name it in {SETTING}_PREVIOUS"
            ) from None

    def reseal(self, stored: str | None) -> str | None:
        """``stored`` sealed with the current key (a value stored before sealing existed is sealed now)."""
        if stored is None or not stored.startswith(SEALED):
            return self.seal(stored)
        return SEALED + self._require().rotate(stored.removeprefix(SEALED).encode()).decode()

    def _require(self) -> MultiFernet:
        if self._fernet is None:
            raise NotAllowed(f"secrets cannot be stored: the server has no {SETTING}")
        return self._fernet


def _derive(key: str) -> bytes:
    """A Fernet key from any string: HKDF-SHA256, so the access cookie's key (from the same setting) differs."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"candidly secrets at rest v1")
    return base64.urlsafe_b64encode(hkdf.derive(key.encode()))


def open_box(engine: Engine, secret_key: str | None, previous: str, sqlite_file: Path | None) -> SecretBox:
    """The box for this database: the setting's key (then the previous ones), else a SQLite database's key file.

    A key file is made only for a database that holds no sealed secret yet. Raises SecretKeyMissing (one line
    naming the setting) when the database holds sealed secrets and no key given opens them.
    """
    sealed = _sample_sealed(engine)
    key_file = None if sqlite_file is None else sqlite_file.with_name(sqlite_file.name + ".key")
    current = secret_key or _read_or_make_key_file(key_file, make=not sealed)
    box = SecretBox([k for k in (current, *(k.strip() for k in previous.split(","))) if k])
    if sealed and not box.has_key:
        raise SecretKeyMissing(f"{SETTING} is not set, but the database holds secrets sealed with it")
    for value in sealed:
        box.open(value)  # raises SecretKeyMissing when no key given opens it
    return box


def _read_or_make_key_file(path: Path | None, *, make: bool) -> str | None:
    if path is None or not (path.exists() or make):
        return None
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()


def _sample_sealed(engine: Engine) -> list[str]:
    """One sealed value of each secret column, if any: enough to tell whether the keys at hand open them."""
    found = []
    with engine.connect() as conn:
        for table, column in SECRET_COLUMNS:
            value = conn.execute(select(table.c[column]).where(table.c[column].startswith(SEALED)).limit(1)).scalar()
            if value is not None:
                found.append(str(value))
    return found


def reseal_all(conn: Connection, box: SecretBox) -> int:
    """Seal every stored secret with the current key (after a rotation, or values stored before sealing)."""
    count = 0
    for table, column in SECRET_COLUMNS:
        for row in conn.execute(select(table.c.id, table.c[column]).where(table.c[column].is_not(None))).all():
            conn.execute(update(table).where(table.c.id == row[0]).values({column: box.reseal(row[1])}))
            count += 1
    return count
