"""Column types on SQLite: what JSON and datetime columns held before their encoders changed still reads back,
and what they write now is what was written before."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from candidly.bootstrap import Services, build_services
from candidly.domain import commands as c
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.settings import Settings
from tests.helpers import ADMIN_TOKEN, SECRET_KEY, FakeClock

OPERATOR = Actor(Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True))


@pytest.fixture
def services(sqlite_url: str, clock: FakeClock) -> Iterator[Services]:
    settings = Settings(database_url=sqlite_url, admin_token=ADMIN_TOKEN, secret_key=SECRET_KEY, run_worker=False)
    built = build_services(settings, clock)
    yield built
    built.database.engine.dispose()


def test_a_datetime_is_stored_as_sqlalchemys_own_format_wrote_it(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))  # no microseconds: still written, six zeros
    org, _issued = services.bus.execute(c.CreateOrganization("Acme"), OPERATOR)
    person = services.bus.execute(c.CreateCandidate({"first_name": "Ada"}), OPERATOR, org.id)
    with services.database.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT created_at FROM candidates WHERE id = ?", (person.id,)).scalar_one()
    # SQLAlchemy's own SQLite storage format, as the rows written before hold it (range filters compare the text).
    assert stored == "2026-03-04 05:06:07.000000"
    with services.database.unit_of_work(write=False) as uow:
        read = uow.candidates.get(org.id, person.id)
    assert read is not None and read.created_at == clock.now()


def test_a_value_only_the_stdlib_reads_still_reads_back(services: Services) -> None:
    # NaN and integers beyond 64 bits are what orjson refuses to read; rows the stdlib wrote may hold them.
    org, _issued = services.bus.execute(c.CreateOrganization("Acme"), OPERATOR)
    person = services.bus.execute(c.CreateCandidate({"first_name": "Ada"}), OPERATOR, org.id)
    stored = '{"score": NaN, "big": 123456789012345678901234567890}'
    with services.database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE candidates SET metadata = ? WHERE id = ?", (stored, person.id))
    with services.database.unit_of_work(write=False) as uow:
        read = uow.candidates.get(org.id, person.id)
    assert read is not None
    assert math.isnan(read.metadata["score"])
    assert read.metadata["big"] == 123456789012345678901234567890
