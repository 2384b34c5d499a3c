"""Would an async PostgreSQL driver make the get faster? The same three statements of a get, on each driver.

``uv run --with asyncpg python -m bench.pg_drivers [--requests 6000] [--concurrency 32]`` (asyncpg is not a
dependency of the project: ``--with`` lends it to this run; without it that driver is skipped) starts a throwaway
PostgreSQL cluster, seeds it through the app as ``bench.pg_request`` does, records the statements and parameters
of one InstaView get (the candidate, its applications, its interviews) from SQLAlchemy's cursor events, and then
runs ``--requests`` "gets" of those three statements, ``--concurrency`` at once from an event loop, on:

- sync psycopg on ``--threads`` threads, one connection each (what the app's database executor does, without
  SQLAlchemy or the app around it);
- the same through SQLAlchemy's ``exec_driver_sql`` (its execution and result machinery; no statement compiling);
- psycopg's ``AsyncConnection`` and asyncpg, ``--threads`` connections shared by the tasks, on the event loop.

Each prints the wall time and this process's CPU time per get. Compare with ``bench.pg_request``'s get: the
whole app, in-process, on the same statements.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event
from tests.support.pg import PostgresCluster

from bench.asgi import call
from bench.pg_request import ADMIN, seed
from candidly.settings import Settings
from candidly.web.app import create_app

Statement = tuple[str, dict[str, Any]]


async def get_statements(url: str) -> list[Statement]:
    """The statements (psycopg's ``%(name)s`` style) and parameters of one InstaView get of a seeded candidate."""
    settings = Settings(database_url=url, admin_token=ADMIN, run_worker=False, access_log=False, secret_key="k" * 44)
    app = create_app(settings)
    engine: Engine = app.state.services.database.engine
    world = await seed(app, 20)
    seen: list[Statement] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, sql, params, *_: seen.append((sql, dict(params))))
    answer = await call(app, "GET", f"/instaview/candidates/{world.candidate_ids[7]}", world.headers)
    assert answer.status == 200 and len(seen) == 3, seen
    app.state.services.backend.executor.close()
    engine.dispose()
    return seen


def numbered(statements: list[Statement]) -> list[tuple[str, list[Any]]]:
    """The same statements with ``$1, $2, ...`` placeholders and positional parameters, as asyncpg takes them."""
    out = []
    for sql, params in statements:
        names: list[str] = []

        def place(match: re.Match[str], names: list[str] = names) -> str:
            names.append(match.group(1))
            return f"${len(names)}"

        out.append((re.sub(r"%\((\w+)\)s", place, sql), [params[n] for n in names]))
    return out


async def timed(name: str, requests: int, concurrency: int, one: Callable[[], Awaitable[None]]) -> None:
    for _ in range(50):  # warm: connections open, statements prepared
        await one()
    wall, cpu = time.perf_counter(), time.process_time()
    for first in range(0, requests, concurrency):
        await asyncio.gather(*(one() for _ in range(min(concurrency, requests - first))))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{name:44} {wall / requests * 1000:6.3f} ms wall, {cpu / requests * 1000:6.3f} ms CPU a get "
          f"({requests / wall:,.0f} gets/s)", flush=True)  # fmt: skip


async def sync_psycopg(dsn: str, statements: list[Statement], threads: int, args: argparse.Namespace) -> None:
    pool = ThreadPoolExecutor(threads)
    conns: asyncio.Queue[psycopg.Connection[Any]] = asyncio.Queue()
    for _ in range(threads):
        conns.put_nowait(psycopg.connect(dsn, autocommit=True))

    def work(conn: psycopg.Connection[Any]) -> None:
        for sql, params in statements:
            conn.execute(sql, params).fetchall()

    async def one() -> None:
        conn = await conns.get()
        try:
            await asyncio.get_running_loop().run_in_executor(pool, work, conn)
        finally:
            conns.put_nowait(conn)

    await timed(f"sync psycopg, {threads} threads", args.requests, args.concurrency, one)
    pool.shutdown()


async def sqlalchemy_sync(url: str, statements: list[Statement], threads: int, args: argparse.Namespace) -> None:
    engine = create_engine(url, pool_size=threads, isolation_level="AUTOCOMMIT")
    pool = ThreadPoolExecutor(threads)

    def work() -> None:
        with engine.connect() as conn:
            for sql, params in statements:
                [row._mapping for row in conn.exec_driver_sql(sql, params)]

    async def one() -> None:
        await asyncio.get_running_loop().run_in_executor(pool, work)

    await timed(f"SQLAlchemy exec_driver_sql, {threads} threads", args.requests, args.concurrency, one)
    pool.shutdown()
    engine.dispose()


async def async_psycopg(dsn: str, statements: list[Statement], threads: int, args: argparse.Namespace) -> None:
    conns: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for _ in range(threads):
        conns.put_nowait(await psycopg.AsyncConnection.connect(dsn, autocommit=True))

    async def one() -> None:
        conn = await conns.get()
        try:
            for sql, params in statements:
                await (await conn.execute(sql, params)).fetchall()
        finally:
            conns.put_nowait(conn)

    await timed(f"psycopg AsyncConnection, {threads} connections", args.requests, args.concurrency, one)


async def asyncpg_driver(dsn: str, statements: list[Statement], threads: int, args: argparse.Namespace) -> None:
    try:
        import asyncpg  # type: ignore[import-not-found]  # lent by ``uv run --with asyncpg``
    except ImportError:
        print("asyncpg: not installed (run with `uv run --with asyncpg`)")
        return
    pool = await asyncpg.create_pool(dsn, min_size=threads, max_size=threads)
    positional = numbered(statements)

    async def one() -> None:
        async with pool.acquire() as conn:
            for sql, params in positional:
                await conn.fetch(sql, *params)

    await timed(f"asyncpg, {threads} connections", args.requests, args.concurrency, one)
    await pool.close()


async def main_async(args: argparse.Namespace) -> None:
    cluster = PostgresCluster()
    cluster.start()
    try:
        url = cluster.create_database("pg_drivers")
        statements = await get_statements(url)
        dsn = f"postgresql://postgres@127.0.0.1:{cluster.port}/pg_drivers"
        for _ in range(args.rounds):  # in turn, so that the machine's other load weighs on each alike
            await sync_psycopg(cluster._dsn("pg_drivers"), statements, args.threads, args)
            await sqlalchemy_sync(url, statements, args.threads, args)
            await async_psycopg(cluster._dsn("pg_drivers"), statements, args.threads, args)
            await asyncpg_driver(dsn, statements, args.threads, args)
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--threads", type=int, default=10, help="threads, or connections for the async drivers")
    parser.add_argument("--rounds", type=int, default=2)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
