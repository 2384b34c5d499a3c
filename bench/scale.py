"""Scale check: list and filter latency with 10,000 and with 1,000,000 candidates in one organization.

``uv run python -m bench.scale [--backend sqlite|postgres] [--large 1000000]`` imports candidates with
the bulk importer, then times list pages (first and deep, by keyset cursor) and filtered lists through
the native API in-process, and reports p50 at each size and their ratio (target: within 1.5x).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from candidly import bulk
from candidly.bootstrap import build_services
from candidly.settings import Settings
from candidly.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

STATUSES = ("APPLIED", "IN_PROCESS", "REJECTED", "ACCEPTED")


def rows(start: int, stop: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for i in range(start, stop):
        yield i, {"first_name": f"F{i}", "last_name": "Scale", "email": f"user{i}@scale.example",
                  "external_id": f"ext-{i}", "status": STATUSES[i % len(STATUSES)]}  # fmt: skip


def p50_ms(fn: Callable[[], Any], repeat: int = 200) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def probes(client: TestClient, headers: dict[str, str], size: int) -> dict[str, float]:
    first = client.get("/api/v1/candidates?limit=50", headers=headers).json()
    deep_cursor = first["next_cursor"]
    for _ in range(20):  # walk 20 pages in, then time the page there
        deep_cursor = client.get(f"/api/v1/candidates?limit=50&cursor={deep_cursor}", headers=headers).json()[
            "next_cursor"
        ]
    target = f"user{size - 7}@scale.example"
    return {
        "first page of 50": p50_ms(lambda: client.get("/api/v1/candidates?limit=50", headers=headers)),
        "deep page (keyset)": p50_ms(
            lambda: client.get(f"/api/v1/candidates?limit=50&cursor={deep_cursor}", headers=headers)
        ),
        "filter status, 50": p50_ms(lambda: client.get("/api/v1/candidates?limit=50&status=REJECTED", headers=headers)),
        "filter email": p50_ms(lambda: client.get(f"/api/v1/candidates?email={target}", headers=headers)),
        "filter external id": p50_ms(lambda: client.get("/api/v1/candidates?external_id=ext-5", headers=headers)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scale.db"
        if args.backend == "postgres":
            from tests.support.pg import PostgresCluster

            cluster = PostgresCluster()
            cluster.start()
            url = cluster.create_database("scale")
        settings = Settings(database_url=url, admin_token="scale", access_log=False, run_worker=False)
        services = build_services(settings)
        client = TestClient(create_app(settings, services=services))
        org = client.post(
            "/api/v1/organizations", json={"name": "Scale"}, headers={"Authorization": "Bearer scale"}
        ).json()
        headers = {"Authorization": f"Bearer {org['api_key']['token']}"}
        results: dict[int, dict[str, float]] = {}
        loaded = 0
        for size in (args.small, args.large):
            started = time.perf_counter()
            report = bulk.import_rows(services, org["id"], rows(loaded, size))
            rate = report.created / (time.perf_counter() - started)
            loaded = size
            print(f"loaded {size:,} candidates ({rate:,.0f}/s)", flush=True)
            results[size] = probes(client, headers, size)
        print(f"\n| probe ({args.backend}) | p50 ms at {args.small:,} | p50 ms at {args.large:,} | ratio |")
        print("|---|---|---|---|")
        for probe, small in results[args.small].items():
            large = results[args.large][probe]
            print(f"| {probe} | {small:.2f} | {large:.2f} | {large / small:.2f} |")
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
