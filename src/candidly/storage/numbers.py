"""Per-organization candidate numbers on PostgreSQL, taken from the organization's counter in blocks of their own.

Taking the next number inside a create's transaction (``UPDATE organizations SET candidate_seq = ... RETURNING``)
locks the organization's row until that transaction commits, so the creates of one organization ran one after
another (under 32 concurrent creates, 80 % of the server's time in them was spent waiting on that row). Here a
process takes a block of numbers from the same counter in a statement that commits on its own, holding the row
for that one statement, and hands the numbers out from memory.

What a client can see: numbers are never handed out twice (every block comes from the counter, which only grows,
and a candidate's number is unique in its organization); one process hands them out in order, and a number whose
command rolled back is handed out again (the lowest free one first), so one process's numbers stay consecutive.
Not kept: gaplessness across processes and restarts (a process that stops leaves the rest of its block unused,
and several processes interleave by block). Nothing requires more: Paradox documents OID only as an integer id
(``reference/vendor-apis.md``), and nothing orders or counts by it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# Numbers a process takes from an organization's counter at a time: one autocommitted statement per this many
# creates, and at most this many numbers unused when the process stops.
BLOCK = 32


class NumberBlocks:
    """The free numbers of each organization in this process, as ranges; refilled from the counter by ``take_block``.

    ``take_block(organization_id, count)`` advances the organization's counter by ``count`` outside any command's
    transaction and returns the last number taken, or None when it cannot (the organization is not committed yet).
    """

    def __init__(self, take_block: Callable[[str, int], int | None]) -> None:
        self._take_block = take_block
        self._lock = threading.Lock()
        self._free: dict[str, list[tuple[int, int]]] = {}  # organization -> free [first, last] ranges, in order
        self._refilling: dict[str, threading.Lock] = {}

    def take(self, organization_id: str, count: int = 1) -> int | None:
        """The first of ``count`` consecutive numbers now this caller's, or None: take them in the transaction."""
        with self._lock:
            first = self._from_free(organization_id, count)
            refill = self._refilling.setdefault(organization_id, threading.Lock())
        if first is not None:
            return first
        with refill:  # one refill per organization at a time; the others wait here, not on the counter's row
            with self._lock:
                first = self._from_free(organization_id, count)
            if first is not None:
                return first
            size = max(BLOCK, count)
            last = self._take_block(organization_id, size)
            if last is None:
                return None
            with self._lock:
                self._add(organization_id, last - size + 1, last)
                return self._from_free(organization_id, count)

    def give_back(self, organization_id: str, first: int, count: int) -> None:
        """Numbers taken by a command that rolled back: free again, handed out before any higher one."""
        with self._lock:
            self._add(organization_id, first, first + count - 1)

    def _from_free(self, organization_id: str, count: int) -> int | None:
        ranges = self._free.get(organization_id, [])
        for i, (low, high) in enumerate(ranges):
            if high - low + 1 >= count:
                if high - low + 1 == count:
                    del ranges[i]
                else:
                    ranges[i] = (low + count, high)
                return low
        return None

    def _add(self, organization_id: str, low: int, high: int) -> None:
        """Put [low, high] among the free ranges, joined with the ranges it touches."""
        merged: list[tuple[int, int]] = []
        for a, b in sorted([*self._free.get(organization_id, []), (low, high)]):
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        self._free[organization_id] = merged
