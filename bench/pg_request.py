"""Where a PostgreSQL request's time goes: the benchmark's get, create and update called in-process, counted.

``uv run python -m bench.pg_request [--requests 2000] [--widths 1,32] [--rounds 1] [--threads N[,M...]]
[--only create,update] [--durable] [--no-sample] [--no-server-log]`` starts a throwaway PostgreSQL cluster
(tests/support/pg.py), builds the app as ``candidly serve`` does (API-only: no worker), seeds it as ``bench.run``
does, then calls the ASGI app directly (no HTTP, no wrk) with the benchmark's InstaView get, TestInvite create and
InstaView update: one at a time (the latency of one request), then 32 at once (through the database executor's
threads, as under wrk);
``--rounds`` repeats that, interleaved, since on a shared machine only figures taken side by side compare;
``--threads 10,4`` builds one app per thread count over the same database, measures them in turn and prints each
one's CPU and wall time over the first's, paired by round.

For each it prints ms per request, this process's CPU per request (and the kernel's part of it), split by thread
(the event loop, the database threads) with each kind's context switches a request (voluntary ones are mostly
waits for the GIL or a socket), the SQL statements per request and the time spent inside the driver's
``execute`` (a round trip to the server plus psycopg's own work), from SQLAlchemy's cursor events, and what the
server's processes of the app's connections were doing, sampled from ``pg_stat_activity`` every 5 ms: waiting on
a lock (in which statement), running a statement, or idle in a transaction while the app works. The sampler is
a thread of this process; ``--no-sample`` leaves it out when CPU is what is measured. Then it turns on the
server's ``log_statement = 'all'`` for a few requests of each and prints what the server received for one of
them, pings, ``BEGIN`` and ``COMMIT`` included: one line a statement; a write's events, its openings' counts and
its COMMIT are sent together, in one round trip (storage/uow.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psycopg
from sqlalchemy import Engine, event
from tests.support.pg import PostgresCluster

from bench import workload
from bench.asgi import call
from candidly.settings import Settings
from candidly.web.app import create_app

ADMIN = "bench-operator"
SAMPLER = "pg-sampler"
OPERATIONS = ("get", "create", "update")


async def seed(app: Any, candidates: int) -> workload.World:
    """What ``workload.seed`` makes, through the ASGI app instead of a server."""
    operator = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    org = orjson.loads((await call(app, "POST", "/api/v1/organizations", operator, b'{"name": "Bench"}')).body)
    headers = {"Authorization": f"Bearer {org['api_key']['token']}", "Content-Type": "application/json"}
    opening = orjson.loads((await call(app, "POST", "/api/v1/openings", headers, orjson.dumps(workload.OPENING))).body)
    ids = []
    for i in range(candidates):
        body = {"firstName": f"Seed{i}", "lastName": "Candidate", "email": f"seed{i}@bench.example",
                "gdprExpiryDate": "2035-01-01", "jobIds": [opening["id"]]}  # fmt: skip
        answer = await call(app, "POST", "/instaview/candidates", headers, orjson.dumps(body))
        assert answer.status == 201, answer.body
        ids.append(orjson.loads(answer.body)["id"])
    return workload.World(headers=headers, opening=opening, candidate_ids=ids)


@dataclass
class Tally:
    """Statements and checkouts seen by the engine, and the seconds spent inside the driver's execute."""

    statements: int = 0
    checkouts: int = 0
    connects: int = 0
    driver_seconds: float = 0.0
    started: dict[int, float] = field(default_factory=dict)


@contextmanager
def counting(engine: Engine) -> Iterator[Tally]:
    tally = Tally()

    def before(_conn: Any, cursor: Any, *_: Any) -> None:
        tally.statements += 1
        tally.started[id(cursor)] = time.perf_counter()

    def after(_conn: Any, cursor: Any, *_: Any) -> None:
        tally.driver_seconds += time.perf_counter() - tally.started.pop(id(cursor), time.perf_counter())

    def checkout(*_: Any) -> None:
        tally.checkouts += 1

    def connect(*_: Any) -> None:
        tally.connects += 1

    listeners = [(engine, "before_cursor_execute", before), (engine, "after_cursor_execute", after),
                 (engine.pool, "checkout", checkout), (engine.pool, "connect", connect)]  # fmt: skip
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield tally
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


def requests(world: workload.World, names: tuple[str, ...] = OPERATIONS) -> dict[str, tuple[str, list[str], bytes]]:
    """The benchmark's get and update (cycling over the seeded candidates) and create."""
    ops = {op.name: op for op in workload.operations(world)}
    return {name: (ops[name].method, ops[name].paths, (ops[name].body or "").encode()) for name in names}


_BACKENDS = """
    SELECT state, wait_event_type, left(regexp_replace(query, '\\s+', ' ', 'g'), 48) FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""


@contextmanager
def sampling(dsn: str, every: float = 0.005, *, on: bool = True) -> Iterator[Counter[str]]:
    """What the app's server processes are doing, sampled: waiting on a lock (and in which statement), running a
    statement, or idle in a transaction (waiting for the app: its Python, the GIL, the next statement).

    The sampler is a thread of this process: its CPU shows apart ("sampler"), but it also takes the GIL every
    few milliseconds, so ``--no-sample`` leaves it out when the CPU a request is what is measured."""
    seen: Counter[str] = Counter()
    if not on:
        yield seen
        return
    stop = threading.Event()

    def run() -> None:
        with psycopg.connect(dsn, autocommit=True) as admin:
            while not stop.wait(every):
                for state, wait, query in admin.execute(_BACKENDS):
                    if state == "active":
                        seen[f"lock wait in {query}" if wait == "Lock" else "running a statement"] += 1
                    elif state.startswith("idle in transaction"):
                        seen["idle in a transaction (the app's turn)"] += 1

    sampler = threading.Thread(target=run, daemon=True, name=SAMPLER)
    sampler.start()
    try:
        yield seen
    finally:
        stop.set()
        sampler.join()


@dataclass
class Usage:
    """One kind of thread's CPU (nanoseconds on a core, from the kernel's schedstat) and context switches:
    voluntary (it blocked: a socket, a lock, the GIL) and involuntary (the kernel took the core away)."""

    cpu_ns: int = 0
    voluntary: int = 0
    involuntary: int = 0


def _kind(name: str) -> str:
    if name.startswith("candidly-db"):
        return "database threads"
    if name == SAMPLER:
        return "sampler"
    return "event loop" if name == "MainThread" else "other"


def thread_usage() -> dict[str, Usage]:
    """This process's threads' CPU and context switches so far, by kind of thread (``/proc/self/task``)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    usage: dict[str, Usage] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            cpu_ns = int((task / "schedstat").read_text().split()[0])
            status = dict(line.split(":\t", 1) for line in (task / "status").read_text().splitlines() if ":\t" in line)
        except OSError:  # the thread ended meanwhile
            continue
        kind = usage.setdefault(_kind(names.get(int(task.name), "")), Usage())
        kind.cpu_ns += cpu_ns
        kind.voluntary += int(status["voluntary_ctxt_switches"])
        kind.involuntary += int(status["nonvoluntary_ctxt_switches"])
    return usage


def usage_per_request(before: dict[str, Usage], after: dict[str, Usage], n: int) -> str:
    parts = []
    for kind, end in sorted(after.items()):
        start = before.get(kind, Usage())
        parts.append(f"{kind} {(end.cpu_ns - start.cpu_ns) / n / 1e6:.3f} ms CPU, "
                     f"{(end.voluntary - start.voluntary) / n:.1f} + {(end.involuntary - start.involuntary) / n:.1f} "
                     "switches")  # fmt: skip
    return "; ".join(parts)


def describe(seen: Counter[str]) -> str:
    total = sum(seen.values()) or 1
    return "; ".join(f"{count / total:.0%} {what}" for what, count in seen.most_common(6))


async def measure(apps: dict[str, Any], world: workload.World, args: argparse.Namespace, dsn: str) -> None:
    """Each operation at each width on each app (one per ``--threads``), ``--rounds`` times, interleaved; then,
    with several apps, each one's CPU and wall time a request as a ratio of the first's, paired by round."""
    n = args.requests
    seen_cpu: dict[tuple[str, int, str], list[tuple[float, float]]] = {}
    for app in apps.values():  # every app's pool, prepared statements and key cache warm before the first round
        for method, paths, body in requests(world, args.only).values():
            await asyncio.gather(*(call(app, method, paths[i % len(paths)], world.headers, body) for i in range(64)))
    for _ in range(args.rounds):
        for name, (method, paths, body) in requests(world, args.only).items():
            for width in args.widths:
                for label, app in apps.items():
                    engine: Engine = app.state.services.database.engine
                    with counting(engine) as tally, sampling(dsn, on=args.sample) as seen:
                        threads, started, cpu, times = (
                            thread_usage(),
                            time.perf_counter(),
                            time.process_time(),
                            os.times(),
                        )
                        for first in range(0, n, width):
                            batch = [call(app, method, paths[i % len(paths)], world.headers, body)
                                     for i in range(first, min(n, first + width))]  # fmt: skip
                            for answer in await asyncio.gather(*batch):
                                assert answer.status in (200, 201), answer.body
                        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                        system = os.times().system - times.system
                        threads_after = thread_usage()
                    seen_cpu.setdefault((name, width, label), []).append((cpu / n, elapsed / n))
                    print(f"{name:6} x{n} at {width:2} at once{label}: {elapsed / n * 1000:.3f} ms/request "
                          f"({cpu / n * 1000:.3f} ms of this process's CPU, {system / n * 1000:.3f} of it in the kernel), "
                          f"{tally.statements / n:.1f} statements, {tally.checkouts / n:.2f} checkouts, "
                          f"{tally.connects / n:.2f} new connections a request; inside the driver's execute "
                          f"{tally.driver_seconds / n * 1000:.3f} ms a request (wall time on each thread: at once, "
                          f"waits for the GIL count too)", flush=True)  # fmt: skip
                    print(f"    by thread, a request: {usage_per_request(threads, threads_after, n)}", flush=True)
                    if args.sample:
                        print(f"    the server's backends in a transaction, sampled: {describe(seen)}", flush=True)
    if len(apps) > 1:
        print_paired(seen_cpu, list(apps))


def print_paired(seen: dict[tuple[str, int, str], list[tuple[float, float]]], labels: list[str]) -> None:
    """Each app's CPU and wall time a request over the first app's, round by round: on a shared machine the
    figures of one block swing with the load, a ratio of two blocks taken side by side much less."""
    first = labels[0]
    for name, width, label in seen:
        if label == first:
            continue
        pairs = list(zip(seen[(name, width, label)], seen[(name, width, first)], strict=True))
        cpu = sorted(a[0] / b[0] for a, b in pairs)
        wall = sorted(a[1] / b[1] for a, b in pairs)
        print(f"{name:6} at {width:2} at once,{label} over{first}: CPU {cpu[0]:.2f}-{cpu[-1]:.2f} "
              f"(median {statistics.median(cpu):.2f}), wall {wall[0]:.2f}-{wall[-1]:.2f} "
              f"(median {statistics.median(wall):.2f}), {len(pairs)} rounds")  # fmt: skip


async def server_log(app: Any, cluster: PostgresCluster, world: workload.World, dbname: str) -> None:
    """What the server receives for the third of three requests of each kind (pools and caches warm)."""
    log = cluster.root / "log"
    with psycopg.connect(cluster._dsn(dbname), autocommit=True) as admin:
        admin.execute("ALTER SYSTEM SET log_statement = 'all'")
        admin.execute("ALTER SYSTEM SET log_line_prefix = '[%p] '")
        admin.execute("SELECT pg_reload_conf()")
        time.sleep(0.5)
        try:
            for name, (method, paths, body) in requests(world).items():
                for i in range(3):
                    start = log.stat().st_size
                    await call(app, method, paths[i % len(paths)], world.headers, body)
                print(f"--- what the server received for one {name} (one line a statement) ---")
                print(summarize(log, start))
        finally:
            admin.execute("ALTER SYSTEM RESET log_statement")
            admin.execute("SELECT pg_reload_conf()")


def summarize(log: Path, start: int) -> str:
    with log.open("rb") as f:
        f.seek(start)
        lines = [line.decode(errors="replace") for line in f.read().splitlines()]
    statements = [line[:150] for line in lines if "LOG:  " in line and ("statement:" in line or "execute" in line)]
    return (
        "\n".join(statements) + f"\n({len(statements)} statements; from a write's events to its COMMIT one round trip)"
    )


async def main_async(args: argparse.Namespace) -> None:
    cluster = PostgresCluster(durable=args.durable)
    cluster.start()
    try:
        url = cluster.create_database("pg_request")
        apps = {}
        for threads in args.threads:
            settings = Settings(database_url=url, admin_token=ADMIN, run_worker=False, access_log=False,
                                secret_key="k" * 44, rate_limit_per_minute=0, auth_failures_per_minute=0,
                                database_threads=threads)  # fmt: skip
            apps["" if len(args.threads) == 1 else f" ({threads} database threads)"] = create_app(settings)
        first = next(iter(apps.values()))
        world = await seed(first, args.seed)
        await measure(apps, world, args, cluster._dsn("pg_request"))
        if args.server_log:
            await server_log(first, cluster, world, "pg_request")
        for app in apps.values():
            app.state.services.backend.executor.close()
            app.state.services.database.engine.dispose()
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--durable", action="store_true", help="fsync and synchronous_commit on, as in production")
    parser.add_argument("--only", type=lambda v: tuple(v.split(",")), default=OPERATIONS, help="e.g. create,update")
    parser.add_argument("--widths", type=lambda v: [int(w) for w in v.split(",")], default=[1, 32],
                        help="requests at once, in turn (default 1,32)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole measurement, interleaved")
    parser.add_argument("--threads", type=lambda v: [int(t) for t in v.split(",")], default=[None],
                        help="database threads (default: the settings'); several (10,4) build an app for each over "
                        "the same database, measured in turn, with their ratios to the first")  # fmt: skip
    parser.add_argument("--no-sample", dest="sample", action="store_false", help="no pg_stat_activity sampler")
    parser.add_argument("--no-server-log", dest="server_log", action="store_false")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
