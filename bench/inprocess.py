"""In-process cost of the benchmark's InstaView get and list: ms of Python per request, no network, no threads.

``uv run python -m bench.inprocess [--requests 2000] [--profile get|list] [--top 30]`` seeds a SQLite file as
the benchmark does (an organization, the benchmark's opening, ``--seed`` InstaView candidates in it), then calls
the whole ASGI app (edge included) directly, with the database work inline
(``database_threads=0``), so every request's Python runs on one thread and cProfile sees all of it. It prints
the best of ``--repeat`` timed runs per operation; ``--profile`` adds a cProfile of that operation's run.

Deterministic work per request, but the time is the machine's: compare figures taken minutes apart, not days.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from starlette.types import ASGIApp, Message

from bench import reference_app, workload
from candidly.settings import Settings
from candidly.web.app import create_app

Call = Callable[[], Awaitable[int]]


async def seed(client: httpx.AsyncClient, candidates: int) -> tuple[dict[str, str], str, list[str]]:
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
    return headers, opening["id"], ids


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
        sent = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
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


def operations(asgi: Asgi, job: str, ids: list[str]) -> dict[str, Call]:
    """The benchmark's get (cycling through the seeded candidates) and list (bench/workload.py's paths), and the
    reference app's GET (bench/reference_app.py), the floor a FastAPI route costs here, to read the others against."""
    turn = iter(range(1 << 62))
    list_path = f"/instaview/candidates?limit=50&status=APPLIED&jobId={job}"
    reference = Asgi(reference_app.app, {})
    return {
        "get": lambda: asgi.get(f"/instaview/candidates/{ids[next(turn) % len(ids)]}"),
        "list": lambda: asgi.get(list_path),
        "reference": lambda: reference.get("/ref/candidates/x"),
    }


async def timed(call: Call, requests: int, profiler: cProfile.Profile | None = None) -> float:
    """CPU ms per request over ``requests`` calls (each must answer 200). CPU time, not wall time: everything
    runs on this one thread, and another process on the cores then weighs little on the figure."""
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    for _ in range(requests):
        status = await call()
        if status != 200:
            raise RuntimeError(f"answered {status}")
    if profiler is not None:
        profiler.disable()
    return (time.process_time() - started) * 1000 / requests


async def function_calls(call: Call, requests: int) -> float:
    """Python function calls per request: a count, so unlike a time it does not move with the machine's load."""
    profiler = cProfile.Profile()
    await timed(call, requests, profiler)
    return pstats.Stats(profiler).total_calls / requests  # type: ignore[attr-defined,no-any-return]


async def world(app: ASGIApp, kept: Path | None, candidates: int) -> tuple[dict[str, str], str, list[str]]:
    """The seeded world: made now, or read back from ``kept``'s sidecar when that database was seeded before."""
    sidecar = None if kept is None else kept.with_suffix(".json")
    if sidecar is not None and sidecar.exists():
        headers, job, ids = json.loads(sidecar.read_text())
        return headers, job, ids
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        made = await seed(client, candidates)
    if sidecar is not None:
        sidecar.write_text(json.dumps(made))
    return made


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = args.database or Path(tmp) / "bench.db"
        settings = Settings(
            database_url=f"sqlite:///{path}", admin_token="bench-operator", secret_key="bench-secret-key",
            access_log=False, run_worker=False, database_threads=0, log_level="warning",
        )  # fmt: skip
        app = create_app(settings)
        headers, job, ids = await world(app, args.database, args.seed)
        calls = operations(Asgi(app, headers), job, ids)
        counts = {"get": args.requests, "list": args.list_requests, "reference": args.requests}
        for name, call in calls.items():
            if args.only and name != args.only:
                continue
            await timed(call, 50)  # warm: caches, compiled statements
            best = min([await timed(call, counts[name]) for _ in range(args.repeat)])
            calls_each = await function_calls(call, 20)
            print(f"{name}: {best:.3f} CPU ms/request (best of {args.repeat} x {counts[name]}), "
                  f"{calls_each:.0f} Python function calls/request", flush=True)  # fmt: skip
        if args.profile:
            profiler = cProfile.Profile()
            await timed(calls[args.profile], counts[args.profile], profiler)
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, help="a SQLite file kept between runs (seeded on first use)")
    parser.add_argument("--seed", type=int, default=1000, help="candidates seeded (the benchmark's default)")
    parser.add_argument("--requests", type=int, default=2000, help="gets per timed run")
    parser.add_argument("--list-requests", type=int, default=200, help="lists per timed run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per operation; the best is printed")
    parser.add_argument("--only", choices=["get", "list", "reference"], help="time this operation only")
    parser.add_argument(
        "--profile", choices=["get", "list", "reference"], help="also print a cProfile of this operation"
    )
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--top", type=int, default=40, help="lines of the profile printed")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
