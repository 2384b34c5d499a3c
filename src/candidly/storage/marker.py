"""The deployment marker: one row that says whether a database serves tests, so test mode never meets real data.

Test mode moves the service clock and swallows every email, callback and webhook; turned on by mistake against
an organization's real data it would expire links and silence invitations. So a database remembers how it was
first opened: test mode may open only a database that test mode created (or an empty one), and a database that
was ever opened outside test mode is production for good.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from candidly.storage import tables as t
from candidly.storage.uow import SqlDatabase

TEST = "test"
PRODUCTION = "production"


class TestModeRefused(RuntimeError):
    """Test mode was asked for on a database that holds, or once held, data that is not a test's."""

    __test__ = False  # not a test class, whatever pytest's name rule says


def claim_mode(database: SqlDatabase, *, test_mode: bool, now: datetime) -> str:
    """Check and record the mode this database is opened in; the mode it has afterwards."""
    try:
        return _claim(database, test_mode, now)
    except IntegrityError:  # another node wrote the first marker at the same moment: read theirs
        return _claim(database, test_mode, now)


def _claim(database: SqlDatabase, test_mode: bool, now: datetime) -> str:
    with database.connection(write=True) as conn:
        mode = conn.execute(select(t.deployment.c.mode).where(t.deployment.c.id == 1)).scalar_one_or_none()
        if mode is None:
            # A database from before the marker existed, or one made outside test mode, is production.
            holds_data = conn.execute(select(t.organizations.c.id).limit(1)).first() is not None
            mode = TEST if test_mode and not holds_data else PRODUCTION
            conn.execute(t.deployment.insert().values(id=1, mode=mode, marked_at=now))
        if test_mode and mode != TEST:
            raise TestModeRefused(
                "test mode refused: this database holds non-test data (its deployment marker says production); "
                "use a throwaway database"
            )
        if not test_mode and mode == TEST:
            # From now on real data may arrive: test mode must never open this database again.
            conn.execute(update(t.deployment).where(t.deployment.c.id == 1).values(mode=PRODUCTION, marked_at=now))
            mode = PRODUCTION
        return str(mode)
