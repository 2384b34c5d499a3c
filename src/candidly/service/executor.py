"""The database executor: where a request's database work runs, in one call, off the event loop.

Endpoints are ``async def``; each request hands its whole unit of work (authentication on a cache miss, its
reads, its command and the command's answer) to this executor once, instead of FastAPI moving the whole endpoint
to its 40-thread pool. A few dedicated threads, sized to the database's pool, keep the event loop free while a
writer waits for SQLite's lock (the shutdown test holds it from outside: inline, that wait would stall every
connection) and let PostgreSQL run requests side by side.

Measured (session 14, a loaded 2-core machine, process CPU time per call of one application read dispatched 32
at a time from an event loop): anyio's thread pool ~575-615 us, this executor with 1 thread ~380-545 us, with 4
~505-545 us, inline ~400-470 us; the read itself ~260-345 us. wrk end to end could not tell them apart on that
machine (+/-50 % between runs). ``threads=0`` (inline) is kept for measuring on a quiet machine.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Threads per engine when the settings name none (PostgreSQL's engine pool holds one connection per thread, plus 5
# overflow). SQLite has one writer and cheap readers, so a few threads cover it. PostgreSQL too: a thread releases
# the GIL at every poll and libpq call of a round trip and must take it back after, so each thread more is one more
# to hand it to. Session 17, 32 at once in-process (``bench.pg_request --threads 10,4 --rounds 12``, load 2-4), a
# create with 4 threads instead of 10: voluntary context switches 107 -> 59, the kernel's CPU 1.34 -> 0.98 ms, the
# process's CPU 0.71-1.10 of before (median of three paired runs 0.83-0.93), wall 0.74-1.15 (median 0.84); a get
# the same as before within the noise. Four cover round trips up to about a millisecond before the GIL, not the
# threads, bounds a process; a server far from its database may want more (``database_threads``).
SQLITE_THREADS = 4
POSTGRES_THREADS = 4


class DatabaseExecutor:
    """Runs a request's database work on a dedicated thread; the request's context (its Idempotency-Key
    claim) goes with it, as FastAPI's own thread pool would carry it."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="candidly-db") if threads > 0 else None

    async def run(self, fn: Callable[[], T]) -> T:
        if self._pool is None:
            return fn()
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._pool, context.run, fn)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
