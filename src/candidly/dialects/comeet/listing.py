"""Comeet's lists: the filters of Comeet's list page (unknown ones refused), pages and their ``next_page`` URL.

A list answers ``{"<items>": [...], "next_page": <URL or null>}``. ``next_page`` is a full URL under the
public base URL carrying the same filters and a ``cursor``, so a client that follows it as it comes (comeet-core
uses a value that does not start with ``/`` as it is) walks every page (docs/vendors/comeet.md, decisions 4 and 14).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from candidly.dialects.comeet.errors import BAD_VALUE, UNKNOWN, ComeetError
from candidly.dialects.comeet.schemas import STATUSES
from candidly.dialects.comeet.translate import IN_PROGRESS, parse_time
from candidly.service.ports import PERSON_ACTIVITY, Filters, PageRequest

MAX_LIMIT = 1000  # comeet-core asks for 500 positions and 1000 candidates a page
DEFAULT_LIMIT = 100
PAGING = ("limit", "cursor", "offset")
# Comeet's time filter -> the column it bounds.
TIME_FILTERS = {
    "time_created": "created_at",
    "time_last_status_change": "status_changed_at",
    "time_hiring_process_updated": "updated_at",
    "time_person_last_activity": PERSON_ACTIVITY,
}
BOUNDS = {f"{name}:{side}": (name, side) for name in TIME_FILTERS for side in ("after", "before")}
CANDIDATE_FILTERS = ("status", "deleted", *BOUNDS)
POSITION_FILTERS = ("status",)
POSITION_STATUSES = ("open", "closed")
EVER = datetime(1970, 1, 1, tzinfo=UTC)
MAX_PARAM = 320  # the longest value a filter takes (an email address)


@dataclass(frozen=True, slots=True)
class Listing:
    """What a list request asks for: its filters and its page."""

    filters: Filters
    page: PageRequest


def only(request: Request, allowed: Iterable[str], paged: bool = True) -> dict[str, str]:
    """The query parameters, each at most once; one the call does not take is refused, not ignored."""
    known = {*allowed, *(PAGING if paged else ())}
    for name in request.query_params:
        if name not in known:
            raise ComeetError(
                400, UNKNOWN, f"{name}: is not a filter of this list; it takes {', '.join(sorted(known))}"
            )
        if len(request.query_params.getlist(name)) > 1:
            raise ComeetError(400, BAD_VALUE, f"{name}: give it once")
        if len(request.query_params[name]) > MAX_PARAM:
            raise ComeetError(400, "string_size_limit", f"{name}: must be at most {MAX_PARAM} characters")
    return dict(request.query_params)


def _page(params: dict[str, str]) -> PageRequest:
    limit = _number(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _number(params, "offset", 0, 0, 1_000_000)
    cursor = params.get("cursor")
    if cursor is not None and (len(cursor) > 64 or not cursor.isalnum()):
        raise ComeetError(400, BAD_VALUE, "cursor: is not a cursor this server gave")
    return PageRequest(limit=limit, cursor=cursor, offset=offset)


def _number(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ComeetError(400, BAD_VALUE, f"{name}: must be a whole number from {low} to {high}")
    return int(raw)


def _statuses(raw: str) -> list[str | None]:
    """A comma list of statuses (any of them); a process no one has moved is in progress with no stored status."""
    wanted = [s.strip() for s in raw.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown or not wanted:
        raise ComeetError(400, BAD_VALUE, f"status: {raw!r} is not a comma list of {', '.join(STATUSES)}")
    return [*wanted, None] if IN_PROGRESS in wanted else list(wanted)


def _deleted(raw: str) -> tuple[bool, dict[str, tuple[datetime | None, datetime | None]]]:
    """``deleted=true``: only deleted candidates (a deletion time at all); ``false``: only live ones."""
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise ComeetError(400, BAD_VALUE, "deleted: must be True or False")
    return (True, {"deleted_at": (EVER, None)}) if value == "true" else (False, {})


def candidates(request: Request, opening_ids: list[str]) -> Listing:
    """The candidate filters of Comeet's list page, within ``opening_ids``. Deleted candidates are listed too
    (as tombstones) unless ``deleted`` says which."""
    params = only(request, CANDIDATE_FILTERS)
    equal: dict[str, Any] = {"opening_id": opening_ids}
    if "status" in params:
        equal["status"] = _statuses(params["status"])
    ranges: dict[str, tuple[datetime | None, datetime | None]] = {}
    for key, (name, side) in BOUNDS.items():
        if key in params:
            column = TIME_FILTERS[name]
            low, high = ranges.get(column, (None, None))
            when = parse_time(params[key], key)
            ranges[column] = (when, high) if side == "after" else (low, when)
    include_deleted = True
    if "deleted" in params:
        include_deleted, only_deleted = _deleted(params["deleted"])
        ranges.update(only_deleted)
    filters = Filters(equal=equal, ranges=ranges, include_deleted=include_deleted)
    return Listing(filters, _page(params))


def positions(request: Request) -> Listing:
    """``status=open|closed``; without it, open and closed positions alike."""
    params = only(request, POSITION_FILTERS)
    equal: dict[str, Any] = {}
    if "status" in params:
        status = params["status"].strip().lower()
        if status not in POSITION_STATUSES:
            raise ComeetError(400, BAD_VALUE, f"status: must be one of {', '.join(POSITION_STATUSES)}")
        equal["status"] = status
    return Listing(Filters(equal=equal), _page(params))


def next_page(request: Request, base_url: str, cursor: str | None) -> str | None:
    """The full URL of the page after this one (same filters, a cursor instead of an offset), or None."""
    if cursor is None:
        return None
    kept = [(k, v) for k, v in request.query_params.items() if k not in ("cursor", "offset")]
    return f"{base_url.rstrip('/')}{request.url.path}?{urlencode([*kept, ('cursor', cursor)])}"


def documented(names: Iterable[str], paged: bool = True) -> dict[str, Any]:
    """OpenAPI ``parameters`` for filters read from the query string by hand (their names hold colons)."""
    described = {
        "limit": f"page size, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})",
        "cursor": "where the page starts: take it from next_page",
        "offset": "items to skip",
    }
    return {
        "parameters": [
            {
                "name": n,
                "in": "query",
                "required": False,
                "schema": {"type": "string", "maxLength": MAX_PARAM},
                "description": described.get(n, "a filter of Comeet's list page"),
            }
            for n in (*names, *(PAGING if paged else ()))
        ]
    }
