"""In-process cost of the benchmark's requests: ms of CPU per request, no network, no database threads.

``uv run python -m bench.inprocess [--requests 2000] [--only OP] [--profile OP] [--top 30]`` seeds a SQLite file
as the benchmark does (an organization, the benchmark's opening, ``--seed`` InstaView candidates in it), then
calls the whole ASGI app (edge included) directly, with the reads inline (``database_threads=0``), so a get's
or a list's Python runs on one thread and cProfile sees all of it. It prints the best of ``--repeat`` timed runs
per operation; ``--profile`` adds a cProfile of that operation's run.

The create (TestInvite, bench/workload.py's body) and the update (InstaView PATCH) go through the group writer
as in the server: ``--concurrency`` requests at a time (wrk's 32 by default), so its batches are as under load.
Their figure is the process's CPU (both threads) per request, split into the request side (the event loop:
edge, validation, translation, rendering), the command in the writer (its batches: handler, answer, events,
SAVEPOINTs, BEGIN and COMMIT) and, within the writer, the SQL statements (SQLAlchemy's cursor execution,
counted). ``--profile create`` prints one cProfile of each thread; take it with ``--concurrency 1``: cProfile's
clock is the wall's, and with both threads busy each is charged for its waits for the GIL.

Deterministic work per request, but the time is the machine's: compare figures taken minutes apart, not days.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Message

from bench import reference_app, workload
from candidly.service.group_commit import GroupWriter
from candidly.settings import Settings
from candidly.web.app import create_app

Call = Callable[[], Awaitable[int]]
WRITES = ("create", "update")
OPERATIONS = ("get", "list", "reference", *WRITES)


async def seed(client: httpx.AsyncClient, candidates: int) -> workload.World:
    """The benchmark's world (bench/workload.py's seed), made through the app in-process."""
    org = (await client.post("/api/v1/organizations", json={"name": "Bench"}, headers=workload.OPERATOR)).json()
    headers = {"Authorization": f"Bearer {org['api_key']['token']}"}
    opening = (await client.post("/api/v1/openings", json=workload.OPENING, headers=headers)).json()
    ids = []
    for i in range(candidates):
        body = {"firstName": f"Seed{i}", "lastName": "Candidate", "email": f"seed{i}@bench.example",
                "gdprExpiryDate": "2035-01-01", "jobIds": [opening["id"]]}  # fmt: skip
        response = await client.post("/instaview/candidates", json=body, headers=headers)
        response.raise_for_status()
        ids.append(response.json()["id"])
    return workload.World(headers=headers, opening=opening, candidate_ids=ids)


class Asgi:
    """Requests straight into the ASGI app: an HTTP client in front (httpx's ASGITransport) costs about as much
    Python per request as the app itself, and would be half of every figure."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"host", b"bench")]

    async def get(self, target: str) -> int:
        """The status of ``GET target`` (its body is read and dropped)."""
        return await self.request("GET", target)

    async def request(self, method: str, target: str, body: bytes = b"") -> int:
        """The status of ``method target`` with a JSON ``body`` (the answer's body is read and dropped)."""
        path, _, query = target.partition("?")
        sent = [(b"content-length", str(len(body)).encode())]
        if not any(name == b"content-type" for name, _ in self.headers):
            sent.append((b"content-type", b"application/json"))
        headers = [*self.headers, *sent] if body else self.headers
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": headers, "client": ("127.0.0.1", 1), "server": ("bench", 80),
        }  # fmt: skip
        status = 0

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        return status


def operations(app: ASGIApp, world: workload.World) -> dict[str, Call]:
    """The benchmark's get and update (cycling through the seeded candidates), list and create (bench/workload.py's
    paths and bodies), and the reference app's GET (bench/reference_app.py), the floor a FastAPI route costs here,
    to read the others against."""
    turn = iter(range(1 << 62))
    ids = world.candidate_ids
    reads = Asgi(app, world.headers)
    list_path = f"/instaview/candidates?limit=50&status=APPLIED&jobId={world.opening['id']}"
    reference = Asgi(reference_app.app, {})
    calls: dict[str, Call] = {
        "get": lambda: reads.get(f"/instaview/candidates/{ids[next(turn) % len(ids)]}"),
        "list": lambda: reads.get(list_path),
        "reference": lambda: reference.get("/ref/candidates/x"),
    }
    for op in workload.operations(world):
        if op.name in WRITES:
            calls[op.name] = _write(Asgi(app, op.headers), op, turn)
    return calls


def _write(asgi: Asgi, op: workload.Operation, turn: Any) -> Call:
    body = (op.body or "").encode()
    return lambda: asgi.request(op.method, op.paths[next(turn) % len(op.paths)], body)


@dataclass
class WriterMeter:
    """The group writer's share of the writes: the CPU of its batches (its thread's time), the commands they ran,
    and the SQL statements sent through SQLAlchemy (counted, and the thread time inside the driver's execute),
    the writer's apart from the request side's. SAVEPOINT and RELEASE go to the driver directly: not counted."""

    batches: int = 0
    commands: int = 0
    batch_cpu: float = 0.0
    writer_statements: int = 0
    writer_sql_cpu: float = 0.0
    other_statements: int = 0
    profiler: cProfile.Profile | None = None
    _started: threading.local = field(default_factory=threading.local)

    def install(self, writer: GroupWriter, engine: Engine) -> None:
        run_batch = writer._run_batch

        def metered(jobs: list[Any], gather: Callable[[list[Any]], None]) -> list[Any]:
            profiler = self.profiler
            if profiler is not None:  # a profiled run is not timed: clock calls would weigh on its profile
                profiler.enable()
                try:
                    return run_batch(jobs, gather)
                finally:
                    profiler.disable()
            started = time.thread_time()  # per thread: the event loop's work meanwhile is not counted
            try:
                return run_batch(jobs, gather)  # ``gather`` adds what queued meanwhile to ``jobs``
            finally:
                self.batch_cpu += time.thread_time() - started
                self.batches += 1
                self.commands += len(jobs)

        writer._run_batch = metered  # type: ignore[method-assign]  # the bench's probe, on this process's writer
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        if self.profiler is None:
            self._started.value = time.thread_time()

    def _after(self, *_args: Any) -> None:
        if self.profiler is not None:
            return
        if threading.current_thread().name == "candidly-group-writer":
            self.writer_statements += 1
            self.writer_sql_cpu += time.thread_time() - self._started.value
        else:
            self.other_statements += 1

    def reset(self) -> None:
        self.batches = self.commands = self.writer_statements = self.other_statements = 0
        self.batch_cpu = self.writer_sql_cpu = 0.0

    def breakdown(self, total_ms: float, requests: int) -> str:
        """How a request's CPU divides, from the counters since the last ``reset``."""
        writer = self.batch_cpu * 1000 / requests
        sql = self.writer_sql_cpu * 1000 / requests
        return (
            f"  request side {total_ms - writer:.3f} ms, writer {writer:.3f} ms/command"
            f" (SQL {sql:.3f} ms in {self.writer_statements / max(self.commands, 1):.2f} statements/command),"
            f" {self.commands / max(self.batches, 1):.1f} commands/batch,"
            f" {self.other_statements / requests:.2f} statements/request outside the writer"
        )


async def timed(call: Call, requests: int, profiler: cProfile.Profile | None = None, concurrency: int = 1) -> float:
    """CPU ms per request over ``requests`` calls, ``concurrency`` at a time (each must answer 2xx). The process's
    CPU time, not wall time: another process on the cores then weighs little on the figure."""
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    for _ in range(max(requests // concurrency, 1)):
        for status in await asyncio.gather(*(call() for _ in range(concurrency))):
            if not 200 <= status < 300:
                raise RuntimeError(f"answered {status}")
    if profiler is not None:
        profiler.disable()
    return (time.process_time() - started) * 1000 / (max(requests // concurrency, 1) * concurrency)


async def function_calls(call: Call, requests: int, concurrency: int = 1, meter: WriterMeter | None = None) -> str:
    """Python function calls per request (on the writer's thread too, for a write): counts, so unlike a time
    they do not move with the machine's load."""
    profiler = cProfile.Profile()
    if meter is not None:
        meter.profiler = cProfile.Profile()
    await timed(call, requests, profiler, concurrency)
    mine = pstats.Stats(profiler).total_calls / requests  # type: ignore[attr-defined]
    if meter is None or meter.profiler is None:
        return f"{mine:.0f} Python function calls/request"
    writer = pstats.Stats(meter.profiler).total_calls / requests  # type: ignore[attr-defined]
    meter.profiler = None
    return f"{mine + writer:.0f} Python function calls/request ({mine:.0f} request side, {writer:.0f} writer)"


async def world(app: ASGIApp, kept: Path | None, candidates: int) -> workload.World:
    """The seeded world: made now, or read back from ``kept``'s sidecar when that database was seeded before."""
    sidecar = None if kept is None else kept.with_suffix(".json")
    if sidecar is not None and sidecar.exists():
        return workload.World(**json.loads(sidecar.read_text()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        made = await seed(client, candidates)
    if sidecar is not None:
        sidecar.write_text(json.dumps(made.__dict__))
    return made


async def measure(name: str, call: Call, requests: int, args: argparse.Namespace, meter: WriterMeter) -> None:
    """Print the best of ``args.repeat`` timed runs of one operation, its function calls and, for a write, where
    its CPU went."""
    concurrency = args.concurrency if name in WRITES else 1
    await timed(call, 50, concurrency=concurrency)  # warm: caches, compiled statements
    best, split = float("inf"), ""
    for _ in range(args.repeat):
        meter.reset()
        took = await timed(call, requests, concurrency=concurrency)
        if took < best:
            best, split = took, meter.breakdown(took, requests) if name in WRITES else ""
    calls_each = await function_calls(call, 2 * concurrency, concurrency, meter if name in WRITES else None)
    at_once = f", {concurrency} at a time" if concurrency > 1 else ""
    print(f"{name}: {best:.3f} CPU ms/request (best of {args.repeat} x {requests}{at_once}), {calls_each}", flush=True)
    if split:
        print(split, flush=True)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = args.database or Path(tmp) / "bench.db"
        settings = Settings(
            database_url=f"sqlite:///{path}", admin_token="bench-operator", secret_key="bench-secret-key",
            access_log=False, run_worker=False, database_threads=0, log_level="warning",
        )  # fmt: skip
        app = create_app(settings)
        services = app.state.services
        meter = WriterMeter()
        if services.backend.writer is not None:
            meter.install(services.backend.writer, services.database.engine)
        calls = operations(app, await world(app, args.database, args.seed))
        counts = {"get": args.requests, "list": args.list_requests, "reference": args.requests}
        for name, call in calls.items():
            if args.only and name != args.only:
                continue
            await measure(name, call, counts.get(name, args.write_requests), args, meter)
        if args.profile:
            await profile(calls[args.profile], args, meter if args.profile in WRITES else None)
        if services.backend.writer is not None:
            services.backend.writer.stop()


async def profile(call: Call, args: argparse.Namespace, meter: WriterMeter | None) -> None:
    """A cProfile of one more run: the event loop's thread, and for a write the group writer's apart."""
    profiler = cProfile.Profile()
    requests = args.requests if meter is None else args.write_requests
    if meter is not None:
        meter.profiler = cProfile.Profile()
    await timed(call, requests, profiler, args.concurrency if meter is not None else 1)
    if meter is not None and meter.profiler is not None:
        print("--- the request side (the event loop's thread)")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    if meter is not None and meter.profiler is not None:
        print("--- the group writer's thread")
        pstats.Stats(meter.profiler).sort_stats(args.sort).print_stats(args.top)
        meter.profiler = None


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, help="a SQLite file kept between runs (seeded on first use)")
    parser.add_argument("--seed", type=int, default=1000, help="candidates seeded (the benchmark's default)")
    parser.add_argument("--requests", type=int, default=2000, help="gets per timed run")
    parser.add_argument("--list-requests", type=int, default=200, help="lists per timed run")
    parser.add_argument("--write-requests", type=int, default=640, help="creates or updates per timed run")
    parser.add_argument("--concurrency", type=int, default=32, help="creates or updates sent at a time")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per operation; the best is printed")
    parser.add_argument("--only", choices=OPERATIONS, help="time this operation only")
    parser.add_argument("--profile", choices=OPERATIONS, help="also print a cProfile of this operation")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--top", type=int, default=40, help="lines of the profile printed")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
