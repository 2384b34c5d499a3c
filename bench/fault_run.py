"""A short fault run: PostgreSQL stopped for a while under a bounded loopback load against ``candidly serve``.

``uv run python -m bench.fault_run [--outage 20] [--clients 4] [--rate 25]``: starts a throwaway PostgreSQL and the
server, has ``clients`` threads each send ``rate`` requests a second over one keep-alive connection (a native
create with an Idempotency-Key, then a read of it), stops PostgreSQL for ``outage`` seconds and starts it again.
Every create answered 503 is retried with its key after the outage. Prints what was answered (by status),
what was never answered, connections the server closed, ``/readyz`` while down and after, the log's size and the
database's final count against the creates acknowledged.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

import httpx
from tests.helpers import ADMIN_TOKEN
from tests.support.pg import PostgresCluster
from tests.support.serve import server

from bench.delivery_rig import all_ids


class Client:
    """One keep-alive connection sending creates and reads at a bounded rate; counts every outcome."""

    def __init__(self, base: str, headers: dict[str, str], rate: float, n: int) -> None:
        self.base, self.headers, self.pause, self.n = base, headers, 1.0 / rate, n
        self.statuses: Counter[int] = Counter()
        self.unanswered = 0
        self.reconnects = 0
        self.acknowledged: set[str] = set()
        self.refused_keys: list[str] = []

    def run(self, stop: threading.Event) -> None:
        http = httpx.Client(base_url=self.base, headers=self.headers, timeout=10)
        k = 0
        while not stop.is_set():
            k += 1
            key = f"c{self.n}-{k}"
            try:
                response = http.post("/api/v1/candidates", json={"first_name": key}, headers={"Idempotency-Key": key})
                self.statuses[response.status_code] += 1
                if response.status_code == 201:
                    self.acknowledged.add(response.json()["id"])
                    self.statuses[http.get(f"/api/v1/candidates/{response.json()['id']}").status_code] += 1
                elif response.status_code == 503:
                    self.refused_keys.append(key)
                if response.headers.get("connection") == "close":
                    self.reconnects += 1
            except httpx.TransportError:
                self.unanswered += 1
                http.close()
                http = httpx.Client(base_url=self.base, headers=self.headers, timeout=10)
                self.reconnects += 1
            time.sleep(self.pause)  # a bounded load: this client's rate, not the server's capacity
        http.close()

    def retry_refused(self) -> int:
        """Send every create refused during the outage again with its key; the number answered 201 (or replayed)."""
        made = 0
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=10) as http:
            for key in self.refused_keys:
                response = http.post("/api/v1/candidates", json={"first_name": key}, headers={"Idempotency-Key": key})
                if response.status_code == 201:
                    made += 1
                    self.acknowledged.add(response.json()["id"])
        return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rate", type=float, default=25)
    args = parser.parse_args()
    cluster = PostgresCluster()
    cluster.start()
    log = Path(mkdtemp(prefix="candidly-fault-")) / "server.log"
    try:
        with server(cluster.create_database("faultrun"), log) as (base, _process):
            report = run(base, cluster, args)
        report["log"] = {"bytes": log.stat().st_size, "lines": len(log.read_text().splitlines()),
                         "tracebacks": log.read_text().count("Traceback")}  # fmt: skip
    finally:
        cluster.stop()
    print(json.dumps(report, indent=2))


def run(base: str, cluster: PostgresCluster, args: Any) -> dict[str, Any]:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    token = httpx.post(f"{base}/api/v1/organizations", json={"name": "Acme"}, headers=admin).json()["api_key"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    clients = [Client(base, headers, args.rate, n) for n in range(args.clients)]
    stop = threading.Event()
    threads = [threading.Thread(target=c.run, args=(stop,)) for c in clients]
    for thread in threads:
        thread.start()
    time.sleep(5)
    cluster.halt()
    down = time.monotonic()
    ready_down: Counter[int] = Counter()
    while time.monotonic() - down < args.outage:
        ready_down[httpx.get(f"{base}/readyz").status_code] += 1
        time.sleep(0.5)
    cluster.resume()
    up = time.monotonic()
    recovered = None
    while time.monotonic() - up < 60 and recovered is None:
        if httpx.get(f"{base}/readyz").status_code == 200:
            recovered = round(time.monotonic() - up, 1)
        time.sleep(0.2)
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join()
    statuses = sum((c.statuses for c in clients), Counter())
    retried = sum(c.retry_refused() for c in clients)
    acknowledged = set().union(*(c.acknowledged for c in clients))
    total = len(all_ids(base, headers, "/api/v1/candidates"))
    return {
        "outage_seconds": args.outage, "clients": args.clients, "rate_per_client": args.rate,
        "answers": dict(sorted(statuses.items())), "unanswered": sum(c.unanswered for c in clients),
        "reconnects": sum(c.reconnects for c in clients), "readyz_while_down": dict(ready_down),
        "readyz_ready_again_after_seconds": recovered, "refused_creates_retried_with_their_key": retried,
        "creates_acknowledged": len(acknowledged), "candidates_stored": total,
    }  # fmt: skip


if __name__ == "__main__":
    main()
