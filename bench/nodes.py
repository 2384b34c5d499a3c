"""Several nodes: two API processes and a separate delivery worker over one PostgreSQL.

``uv run python -m bench.nodes [--seconds 10]`` loads both API nodes at once with TestInvite creates, while a
webhook subscription sends every application.created event to a receiver on loopback. It then waits for the
outbox to drain and checks: no request failed, every created candidate produced exactly one delivery, and no
delivery arrived twice (Standard Webhooks ids are unique per message).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from bench import servers, workload, wrk


class Receiver(BaseHTTPRequestHandler):
    """Counts webhook ids; answers 204 so every first attempt succeeds."""

    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with self.lock:
            self.seen[self.headers.get("webhook-id", "")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CANDIDLY_DATABASE_URL": database_url, "CANDIDLY_OUTBOUND_ALLOW_PRIVATE": "true",
           "CANDIDLY_WORKER_POLL_SECONDS": "0.2", "CANDIDLY_LOG_LEVEL": "warning"}  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "candidly", "worker"], cwd=servers.ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    from tests.support.pg import PostgresCluster

    # The receiver is on loopback, which outbound safety refuses unless the operator allows it.
    os.environ["CANDIDLY_OUTBOUND_ALLOW_PRIVATE"] = "true"
    os.environ["CANDIDLY_SECRET_KEY"] = "bench-secret-key"  # the servers' and the workers' (sealed secrets)

    cluster = PostgresCluster()
    cluster.start()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        url = cluster.create_database("nodes")
        with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
            node_a, _ = stack.enter_context(servers.candidly(url))
            node_b, _ = stack.enter_context(servers.candidly(url))
            world = workload.seed(node_a, 0)
            made = httpx.post(
                f"{node_a}/api/v1/webhooks",
                json={"url": hook, "events": ["application.created"]},
                headers=world.headers,
            )
            made.raise_for_status()
            delivery = worker(url)
            stack.callback(delivery.terminate)
            create = workload.operations(world)[0]
            script = Path(tmp) / "create.lua"
            script.write_text(
                wrk.lua_script(
                    create.method, create.paths, create.body, {**world.headers, "Content-Type": "application/json"}
                )
            )
            results: dict[str, wrk.Result] = {}

            def load(name: str, base: str) -> None:
                results[name] = wrk.run(base, script, seconds=args.seconds, connections=args.connections)

            loaders = [threading.Thread(target=load, args=(n, b)) for n, b in (("A", node_a), ("B", node_b))]
            for t in loaders:
                t.start()
            for t in loaders:
                t.join()
            time.sleep(3)  # let answers still in flight when wrk stopped commit before counting
            task = world.creates["id"]  # where the measured creates went
            listing = httpx.get(
                f"{node_b}/testinvite/api/integration/rest/v1/tasks/{task}/candidates", headers=world.headers
            ).json()
            created = listing["pagination"]["totalItems"]
            deadline = time.monotonic() + 120
            while sum(Receiver.seen.values()) < created and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # anything delivered twice would arrive now
        delivered = sum(Receiver.seen.values())
        duplicates = sum(n - 1 for n in Receiver.seen.values() if n > 1)
        errors = sum(r.errors + r.non_2xx for r in results.values())
        report = {"node_A_rps": round(results["A"].rps), "node_B_rps": round(results["B"].rps), "request_errors": errors,
                  "candidates_created": created, "webhooks_delivered": delivered, "delivered_twice": duplicates}  # fmt: skip
        print(json.dumps(report, indent=2))
        if errors or duplicates or delivered != created:
            raise SystemExit("FAILED: errors, missing or duplicate deliveries")
    finally:
        receiver.shutdown()
        cluster.stop()


if __name__ == "__main__":
    main()
