"""JSON columns on SQLite: what they held before their encoder changed (the stdlib's) still reads back."""

from __future__ import annotations

import math

from candidly.bootstrap import build_services
from candidly.domain import commands as c
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.settings import Settings
from tests.helpers import ADMIN_TOKEN, SECRET_KEY, FakeClock

OPERATOR = Actor(Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True))


def test_a_value_only_the_stdlib_reads_still_reads_back(sqlite_url: str, clock: FakeClock) -> None:
    # NaN and integers beyond 64 bits are what orjson refuses to read; rows the stdlib wrote may hold them.
    settings = Settings(database_url=sqlite_url, admin_token=ADMIN_TOKEN, secret_key=SECRET_KEY, run_worker=False)
    services = build_services(settings, clock)
    try:
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
    finally:
        services.database.engine.dispose()
