"""Every list, filter and lookup the surfaces send to candidates and applications is answered from an index (SQLite).

SQLite plans without statistics (Candidly never runs ANALYZE), so a missing or mismatched index shows as a scan of
the organization or a sort of it, whatever the table holds: an empty database plans as a large one does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event

from candidly.service.ports import Filters, PageRequest
from candidly.storage.engine import make_engine
from candidly.storage.repositories import ApplicationRepo, CandidateRepo
from candidly.storage.tables import metadata

ORG, JOB = "org1", "job1"
NEWEST = PageRequest(limit=50, descending=True)
Read = Callable[[CandidateRepo, ApplicationRepo], object]

# (what a surface asks, how the repository is asked it)
READS: dict[str, Read] = {
    "InstaView list, job and status": lambda c, a: c.page(ORG, Filters({"status": "APPLIED"}, in_opening=JOB), NEWEST),
    "InstaView total, job and status": lambda c, a: c.count(ORG, Filters({"status": "APPLIED"}, in_opening=JOB)),
    "InstaView list, job": lambda c, a: c.page(ORG, Filters(in_opening=JOB), NEWEST),
    "native candidates, first page": lambda c, a: c.page(ORG, Filters(), PageRequest()),
    "InstaView list, newest first": lambda c, a: c.page(ORG, Filters(), NEWEST),
    "native candidates by email": lambda c, a: c.page(ORG, Filters({"email": "a@example.com"}), PageRequest()),
    "native candidates by external id": lambda c, a: c.page(ORG, Filters({"external_id": "x"}), PageRequest()),
    "native candidates by status": lambda c, a: c.page(ORG, Filters({"status": "hired"}), PageRequest()),
    "create's person by email": lambda c, a: c.find(ORG, email="a@example.com", deleted_at=None),
    "Paradox person by OID": lambda c, a: c.find(ORG, seq=7),
    "Paradox person by reference": lambda c, a: c.find(ORG, public_ref="r"),
    "GDPR sweep": lambda c, a: c.expiring(date(2030, 1, 1), 500),
    "TestInvite task list": lambda c, a: a.page(ORG, Filters({"opening_id": JOB}), PageRequest(offset=20)),
    "TestInvite task total, filtered": lambda c, a: a.count(ORG, Filters({"opening_id": JOB, "candidate_id": ["p"]})),
    "native applications by candidate": lambda c, a: a.page(ORG, Filters({"candidate_id": "p"}), PageRequest()),
    "Comeet partner id": lambda c, a: a.page(ORG, Filters({"external_id": "x"}), PageRequest(limit=100)),
    "a page's applications by person": lambda c, a: a.find(ORG, candidate_id=["p", "q"], deleted_at=None),
    "sign-in by credentials": lambda c, a: a.find(ORG, opening_id=JOB, credential1="c", deleted_at=None),
    "uniq_key clash": lambda c, a: a.find(ORG, opening_id=JOB, uniq_key="k"),
    "invitation code": lambda c, a: a.by_invitation_code("CODE"),
}


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    metadata.create_all(engine)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def plan(conn: Connection, read: Read) -> list[str]:
    """The query plan of every statement ``read`` sends, one line per step."""
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", capture)
    try:
        read(CandidateRepo(conn), ApplicationRepo(conn))
    finally:
        event.remove(conn, "before_cursor_execute", capture)
    raw = conn.connection.driver_connection
    assert raw is not None
    return [str(row[3]) for statement, params in sent for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params)]


@pytest.mark.parametrize("name", list(READS))
def test_every_read_searches_an_index_and_sorts_nothing(conn: Connection, name: str) -> None:
    steps = plan(conn, READS[name])
    assert steps
    scans = [s for s in steps if s.startswith("SCAN") or "TEMP B-TREE FOR ORDER BY" in s]
    assert not scans, f"{name}: {steps}"


# The index each read exists for: every index of the two tables (but their primary keys) is one a read uses.
USES = {
    "native candidates by email": "ix_candidates_organization_id_email_id",
    "create's person by email": "ix_candidates_organization_id_email_id",
    "native candidates by external id": "ix_candidates_organization_id_external_id_id",
    "native candidates by status": "ix_candidates_status",
    "Paradox person by OID": "ix_candidates_organization_id_seq",
    "Paradox person by reference": "ix_candidates_organization_id_public_ref",
    "GDPR sweep": "ix_candidates_gdpr_due",
    "TestInvite task list": "ix_applications_opening",
    "native applications by candidate": "ix_applications_organization_id_candidate_id_id",
    "a page's applications by person": "ix_applications_organization_id_candidate_id_id",
    "Comeet partner id": "ix_applications_organization_id_external_id_id",
    "sign-in by credentials": "ix_applications_organization_id_opening_id_credential1",
    "uniq_key clash": "ix_applications_organization_id_opening_id_uniq_key",
    "invitation code": "sqlite_autoindex_applications_2",  # the unique constraint on invitation_code
}


@pytest.mark.parametrize("name", list(USES))
def test_a_lookup_uses_the_index_made_for_it(conn: Connection, name: str) -> None:
    steps = plan(conn, READS[name])
    assert any(f"INDEX {USES[name]} " in s for s in steps), f"{name}: {steps}"


def test_no_index_of_candidates_or_applications_is_unused(conn: Connection) -> None:
    """An index costs every create; one no read uses is only that cost."""
    made = {
        str(name)
        for table in ("candidates", "applications")
        for (name,) in conn.exec_driver_sql(
            f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'"
        )
    }
    primary_keys = {"sqlite_autoindex_candidates_1", "sqlite_autoindex_applications_1"}
    assert made - primary_keys - set(USES.values()) == set()


def test_instaview_total_reads_no_row_only_index_entries(conn: Connection) -> None:
    """The total tests each of the job's people against the status from two indexes, reading no row of either table."""
    steps = plan(conn, READS["InstaView total, job and status"])
    assert any(s.startswith("SEARCH applications USING COVERING INDEX ix_applications_opening") for s in steps), steps
    assert any(s.startswith("SEARCH candidates USING COVERING INDEX ix_candidates_status") for s in steps), steps
