"""Scale check: list and filter latency for an organization of 10,000 and one of 1,000,000 candidates.

``uv run python -m bench.scale [--backend sqlite|postgres] [--large 1000000]`` imports both organizations
into one database with the bulk importer, then times list pages (first and deep, by keyset cursor) and
filtered lists through the native API in-process, alternating between the two organizations sample by
sample so that whatever else the machine does weighs on both alike, and reports the p50 of each and their
ratio (target: within 1.5x).
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
from candidly.domain.commands import CandidateChanges
from candidly.domain.people import Rejected
from candidly.settings import Settings
from candidly.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

STATUSES = ("APPLIED", "IN_PROCESS", "REJECTED", "ACCEPTED")


def rows(start: int, stop: int) -> Iterator[tuple[int, CandidateChanges | Rejected]]:
    for i in range(start, stop):
        yield i, {"first_name": f"F{i}", "last_name": "Scale", "email": f"user{i}@scale.example",
                  "external_id": f"ext-{i}", "status": STATUSES[i % len(STATUSES)]}  # fmt: skip


def paired_p50_ms(small: Callable[[], Any], large: Callable[[], Any], repeat: int = 200) -> tuple[float, float]:
    """p50 of each, sampled alternately."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for bucket, fn in zip(samples, (small, large), strict=True):
            started = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def probe_calls(client: TestClient, headers: dict[str, str], first: int, size: int) -> dict[str, Callable[[], Any]]:
    page = client.get("/api/v1/candidates?limit=50", headers=headers).json()
    deep = page["next_cursor"]
    for _ in range(20):  # walk 20 pages in, then time the page there
        deep = client.get(f"/api/v1/candidates?limit=50&cursor={deep}", headers=headers).json()["next_cursor"]
    email = f"user{first + size - 7}@scale.example"
    return {
        "first page of 50": lambda: client.get("/api/v1/candidates?limit=50", headers=headers),
        "deep page (keyset)": lambda: client.get(f"/api/v1/candidates?limit=50&cursor={deep}", headers=headers),
        "filter status, 50": lambda: client.get("/api/v1/candidates?limit=50&status=REJECTED", headers=headers),
        "filter email": lambda: client.get(f"/api/v1/candidates?email={email}", headers=headers),
        "filter external id": lambda: client.get(f"/api/v1/candidates?external_id=ext-{first + 5}", headers=headers),
    }


def organization(client: TestClient, name: str) -> tuple[str, dict[str, str]]:
    org = client.post("/api/v1/organizations", json={"name": name}, headers={"Authorization": "Bearer scale"}).json()
    return org["id"], {"Authorization": f"Bearer {org['api_key']['token']}"}


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
        settings = Settings(
            database_url=url, admin_token="scale", access_log=False, run_worker=False, secret_key="scale-secret-key"
        )
        services = build_services(settings)
        client = TestClient(create_app(settings, services=services))
        calls = {}
        for label, first, size in (("small", 0, args.small), ("large", args.small, args.large)):
            org_id, headers = organization(client, label)
            started = time.perf_counter()
            report = bulk.import_rows(services, org_id, rows(first, first + size))
            print(f"loaded {size:,} candidates ({report.created / (time.perf_counter() - started):,.0f}/s)", flush=True)
            calls[label] = probe_calls(client, headers, first, size)
        print(f"\n| probe ({args.backend}) | p50 ms at {args.small:,} | p50 ms at {args.large:,} | ratio |")
        print("|---|---|---|---|")
        for probe in calls["small"]:
            small, large = paired_p50_ms(calls["small"][probe], calls["large"][probe])
            print(f"| {probe} | {small:.2f} | {large:.2f} | {large / small:.2f} |", flush=True)
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
