"""Bulk import and export of candidates as CSV or JSON Lines, for the ``candidly`` command line."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

from candidly.bootstrap import Services
from candidly.domain import commands as c
from candidly.domain.people import Candidate, ImportResult, Rejected
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

# The columns import reads and export writes; `metadata` travels as a JSON object.
COLUMNS = (
    "first_name",
    "last_name",
    "middle_name",
    "email",
    "phone",
    "external_id",
    "status",
    "language",
    "gender",
    "gdpr_expiry_date",
    "metadata",
)
BATCH = 2000
# The tables an import adds rows to (and applications, into an opening): their statistics are refreshed at its end,
# so that the first lists after a load are planned for the rows it wrote, not for the tables as they were.
IMPORTED = ("candidates", "events")
SYSTEM = Actor(
    Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True), surface="import", type="operator"
)


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def detect_format(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_rows(stream: IO[str], fmt: str) -> Iterator[tuple[int, c.CandidateChanges | Rejected]]:
    """(row number, fields) for each record; a record that cannot even be parsed is a Rejected."""
    if fmt == "csv":
        for number, record in enumerate(csv.DictReader(stream), start=2):  # row 1 is the header
            yield number, _from_csv(number, record)
        return
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Rejected(number, "line", f"not valid JSON ({exc.msg})")
            continue
        yield (
            number,
            _fields(number, record) if isinstance(record, dict) else Rejected(number, "line", "not a JSON object"),
        )


def _from_csv(number: int, record: dict[str, str | None]) -> c.CandidateChanges | Rejected:
    values: dict[str, Any] = {k: v for k, v in record.items() if k and v not in (None, "")}
    if "metadata" in values:
        try:
            values["metadata"] = json.loads(values["metadata"])
        except json.JSONDecodeError:
            return Rejected(number, "metadata", "must be a JSON object")
    return _fields(number, values)


def _fields(number: int, record: dict[str, Any]) -> c.CandidateChanges | Rejected:
    unknown = sorted(set(record) - set(COLUMNS))
    if unknown:
        return Rejected(number, unknown[0], "is not a candidate column")
    fields = dict(record)
    if isinstance(fields.get("gdpr_expiry_date"), str):
        try:
            fields["gdpr_expiry_date"] = date.fromisoformat(fields["gdpr_expiry_date"])
        except ValueError:
            return Rejected(number, "gdpr_expiry_date", "must be an ISO date (YYYY-MM-DD)")
    for key, value in fields.items():
        if key != "metadata" and key != "gdpr_expiry_date" and not isinstance(value, str):
            return Rejected(number, key, "must be a string")
        if key == "metadata" and not isinstance(value, dict):
            return Rejected(number, key, "must be a JSON object")
    return cast(c.CandidateChanges, fields)  # every key a column, every value of its column's type


def import_rows(
    services: Services,
    organization_id: str,
    rows: Iterable[tuple[int, c.CandidateChanges | Rejected]],
    opening_id: str | None = None,
    on_batch: Any = None,
) -> ImportReport:
    """Import in batches of BATCH rows, one command (one transaction) per batch; then refresh the statistics."""
    report = ImportReport()
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        valid = tuple((n, r) for n, r in batch if not isinstance(r, Rejected))
        report.rejected.extend(r for _, r in batch if isinstance(r, Rejected))
        if valid:
            result: ImportResult = services.bus.execute(c.ImportCandidates(valid, opening_id), SYSTEM, organization_id)
            report.created += len(result.created)
            report.rejected.extend(result.rejected)
        if on_batch is not None:
            on_batch(len(batch))
    if report.created:
        services.database.refresh_statistics(IMPORTED if opening_id is None else (*IMPORTED, "applications"))
    report.rejected.sort(key=lambda r: r.row)
    return report


def export_rows(services: Services, organization_id: str) -> Iterator[dict[str, Any]]:
    """Every live candidate of the organization, in creation order, a keyset page at a time."""
    cursor = None
    while True:
        with services.database.unit_of_work(write=False) as uow:  # one page per transaction: an export is long
            page = Reader(uow, SYSTEM.principal, organization_id).candidates(Filters(), PageRequest(1000, cursor))
        yield from (_row(p) for p in page.items)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _row(person: Candidate) -> dict[str, Any]:
    row = {k: getattr(person, k) for k in COLUMNS}
    if row["gdpr_expiry_date"] is not None:
        row["gdpr_expiry_date"] = row["gdpr_expiry_date"].isoformat()
    return row


def write_rows(rows: Iterable[dict[str, Any]], stream: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "metadata": json.dumps(row["metadata"]) if row["metadata"] else ""})
            count += 1
        return count
    for row in rows:
        stream.write(json.dumps({k: v for k, v in row.items() if v not in (None, {})}) + "\n")
        count += 1
    return count
