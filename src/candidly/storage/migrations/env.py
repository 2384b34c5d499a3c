"""Alembic environment: runs against the engine Candidly hands over (see storage.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from candidly.storage.engine import make_engine
from candidly.storage.tables import metadata

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is None:
        # Run by the alembic command line (autogenerate): the URL comes from -x url=...
        url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///candidly.db")
        engine = make_engine(url)
    return engine


def run() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
