"""Alembic, driven from code: apply migrations on start and tell whether the schema is at head.

Alembic is imported only to migrate (``candidly migrate``, and ``candidly serve`` in a process of its own before
it serves): a serving process spares its 7 MB. Whether the schema is at head (``/readyz``, every few seconds)
needs no Alembic: the heads are the revisions no other revision revises, read from the migration files' own
``revision`` and ``down_revision`` lines, and the database's are the rows of its ``alembic_version`` table.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (idempotent; a no-op when already at head)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def _revises(value: ast.expr | None) -> set[str]:
    """What a ``down_revision`` names: none, one revision, or several (a merge)."""
    if value is None:
        return set()
    named = ast.literal_eval(value)
    if named is None:
        return set()
    return {named} if isinstance(named, str) else set(named)


@functools.cache
def code_heads() -> frozenset[str]:
    """The head revisions of the migrations this code ships (they change only with the code)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        assigned: dict[str, ast.expr | None] = {}
        for node in ast.parse(script.read_text()).body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                assigned |= {t.id: node.value for t in targets if isinstance(t, ast.Name)}
        if (revision := assigned.get("revision")) is not None:
            revisions.add(ast.literal_eval(revision))
            revised |= _revises(assigned.get("down_revision"))
    return frozenset(revisions - revised)


def is_at_head(engine: Engine) -> bool:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return False
        current = {row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}  # noqa: S608 - a constant
    return current == code_heads()
