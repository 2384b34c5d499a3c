"""Write transactions and CPU per create in the default deployment's shape: the group writer and the worker's fan-out.

``uv run python -m bench.fanout [--batches 40] [--batch 25] [--every 1] [--webhook]`` seeds the benchmark's opening
in a SQLite file, then sends ``--batch`` TestInvite creates (bench/workload.py's body, every common property and an
invitation for later) at once into the ASGI app, in-process, so that the group writer commits them together; after
every ``--every`` batches the delivery worker makes one pass (``run_once``: fan-out of what is new, a claim of
what is due), as the in-process worker does between the writer's batches under load. ``--webhook`` subscribes
one webhook to every event type first, so each create also makes webhook deliveries.

It prints the process's CPU time per create (every thread: the writer's, the worker's and the requests'), the
worker's share of it, and the write and read transactions per create (counted on the engine's BEGINs). CPU time
and counts, not wall time: another process on the cores weighs little on them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from starlette.types import ASGIApp

from bench import workload
from bench.asgi import call
from candidly.bootstrap import build_services, build_worker
from candidly.delivery.capture import CapturingSender
from candidly.domain.events import WEBHOOK_EVENT_TYPES
from candidly.service.bus import MessageBus
from candidly.settings import Settings
from candidly.web.app import create_app


async def post(app: ASGIApp, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
    """``POST path`` straight into the ASGI app: its status and JSON answer."""
    answer = await call(app, "POST", path, {**headers, "content-type": "application/json"}, json.dumps(body).encode())
    return answer.status, json.loads(answer.body or b"null")


async def created(app: ASGIApp, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    status, answer = await post(app, path, body, headers)
    if status not in (200, 201):
        raise RuntimeError(f"POST {path} answered {status}: {answer}")
    return answer


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'fanout.db'}", admin_token="bench-operator",
            secret_key="bench-secret-key", access_log=False, run_worker=False, database_threads=0,
            log_level="warning", outbound_allow_private=True,
        )  # fmt: skip
        services = build_services(settings)
        app = create_app(settings, services=services)
        worker = build_worker(services, sender=CapturingSender(services.clock))
        begins = Counter[str]()
        in_command = _timed_fan_out(services.bus)

        @event.listens_for(services.database.engine, "begin")
        def _count(conn: Connection) -> None:
            begins["write" if conn.get_execution_options().get("candidly_write") else "read"] += 1

        org = await created(app, "/api/v1/organizations", {"name": "Bench"}, workload.OPERATOR)
        headers = {"Authorization": f"Bearer {org['api_key']['token']}"}
        opening = await created(app, "/api/v1/openings", workload.OPENING, headers)
        if args.webhook:
            hook = {"url": "http://127.0.0.1:9/hook", "events": sorted(WEBHOOK_EVENT_TYPES)}
            await created(app, "/api/v1/webhooks", hook, headers)
        body = workload.create_body(workload.World(headers, opening, []))
        path = f"/testinvite/api/integration/rest/v1/tasks/{opening['id']}/candidates"

        async def batch() -> None:
            await asyncio.gather(*(created(app, path, body, headers) for _ in range(args.batch)))

        await batch()  # warm: caches, compiled statements, the writer's thread
        worker.run_once()
        begins.clear()
        in_command[0] = worker_cpu = 0.0
        started = time.process_time()
        for i in range(args.batches):
            await batch()
            if (i + 1) % args.every == 0:
                before = time.process_time()
                worker.run_once()
                worker_cpu += time.process_time() - before
        total = time.process_time() - started
        if services.backend.writer is not None:
            services.backend.writer.stop()
        worker.close()
        creates = args.batch * args.batches
        print(
            f"{creates} creates: {total * 1000 / creates:.3f} CPU ms/create, of which the worker's passes "
            f"{worker_cpu * 1000 / creates:.3f} and the fan-out in the commands {in_command[0] * 1000 / creates:.3f}; "
            f"{begins['write'] / creates:.3f} write and "
            f"{begins['read'] / creates:.3f} read transactions/create ({begins['write']} writes)",
            flush=True,
        )


def _timed_fan_out(bus: MessageBus) -> list[float]:
    """Wrap the bus's fan-out step (if it has one) to add up its CPU time on the writer's thread."""
    spent = [0.0]
    step = getattr(bus, "fan_out", None)
    if step is not None:

        def timed(*args: Any) -> Any:
            before = time.thread_time()
            try:
                return step(*args)
            finally:
                spent[0] += time.thread_time() - before

        bus.fan_out = timed
    return spent


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=40, help="batches of creates timed")
    parser.add_argument("--batch", type=int, default=25, help="creates sent at once (the writer's batch)")
    parser.add_argument("--every", type=int, default=1, help="batches between two passes of the worker")
    parser.add_argument("--webhook", action="store_true", help="subscribe one webhook to every event type first")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
