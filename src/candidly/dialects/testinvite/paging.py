"""TestInvite's `mode` and numbered pages: the pagination object of the candidate, task and test-instance lists."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Query
from pydantic import AfterValidator

from candidly.dialects.fields import spelled
from candidly.dialects.testinvite import schemas as wire

Mode = Literal["basic", "detailed", "default"]  # "default" reads as basic (docs/vendors/testinvite.md, decision 7)
MAX_LIMIT = 100
# TestInvite documents no maximum, so a larger limit is not refused: the page holds at most MAX_LIMIT items and
# says so in ``pagination.limit``, and the client follows ``next`` (docs/vendors/testinvite.md, decision 6).
Limit = Annotated[int, Query(ge=1, le=1_000_000_000), AfterValidator(lambda limit: min(limit, MAX_LIMIT))]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]


def mode_of(mode: str) -> str:
    """``detailed`` or ``basic`` (``default`` is read as basic)."""
    return "detailed" if mode == "detailed" else "basic"


def link(**query: Any) -> str:
    """A relative query string such as ``?limit=5&page=3&mode=basic`` (how TestInvite writes next/previous)."""
    return "?" + urlencode(query)


def pagination(total: int, page: int, limit: int, mode: str, filters: dict[str, str]) -> dict[str, Any]:
    """TestInvite's page object; ``next`` and ``previous`` keep the filters given in the query."""
    pages = math.ceil(total / limit) if total else 0
    previous = min(page - 1, pages)  # from past the end, back to the last page that holds items
    values = {
        "total_items": total,
        "total_pages": pages,
        "current_page": page,
        "limit": limit,
        "next": link(limit=limit, page=page + 1, mode=mode, **filters) if page < pages else None,
        "previous": link(limit=limit, page=previous, mode=mode, **filters) if previous >= 1 else None,
    }
    return spelled(wire.Pagination, values)
