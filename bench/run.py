"""One command: ``uv run python -m bench.run`` measures Candidly against the no-op reference and writes
docs/performance.md. Every figure that matters is a ratio to the reference measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import servers, workload, wrk

TARGETS = {"create": 0.5, "update": 0.5, "get": 0.7, "list": 0.3}
ROOT = Path(__file__).resolve().parent.parent


def measure(backend: str, database_url: str, args: argparse.Namespace) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with servers.candidly(database_url) as (base, proc), servers.reference() as (ref_base, _):
        world = workload.seed(base, args.seed)
        peak_rss = 0.0
        for op in workload.operations(world):
            with tempfile.TemporaryDirectory() as tmp:
                ours = Path(tmp) / "ours.lua"
                theirs = Path(tmp) / "ref.lua"
                json_headers = {**world.headers, "Content-Type": "application/json"}
                ours.write_text(wrk.lua_script(op.method, op.paths, op.body, json_headers))
                theirs.write_text(wrk.lua_script(op.method, op.reference_paths, op.body, json_headers))
                ref = wrk.run(ref_base, theirs, seconds=args.seconds, connections=args.connections)
                got = wrk.run(base, ours, seconds=args.seconds, connections=args.connections)
                peak_rss = max(peak_rss, servers.rss_mb(proc.pid))
            ratio = got.rps / ref.rps
            rows.append({
                "backend": backend, "op": op.name, "rps": got.rps, "ref_rps": ref.rps, "ratio": ratio,
                "target": TARGETS[op.name], "p50": got.p50_ms, "p99": got.p99_ms, "ref_p50": ref.p50_ms,
                "ref_p99": ref.p99_ms, "errors": got.errors + got.non_2xx, "rss": peak_rss,
            })  # fmt: skip
            print(f"{backend:8} {op.name:7} {got.rps:8.0f} rps / ref {ref.rps:8.0f} = {ratio:4.2f} "
                  f"(target {TARGETS[op.name]})  p50 {got.p50_ms:.1f} ms  p99 {got.p99_ms:.1f} ms  "
                  f"non-2xx {got.non_2xx}  rss {peak_rss:.0f} MB", flush=True)  # fmt: skip
    return rows


def postgres_url() -> tuple[str, object]:
    from tests.support.pg import PostgresCluster

    cluster = PostgresCluster()
    cluster.start()
    return cluster.create_database("bench"), cluster


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| backend | operation | Candidly req/s | reference req/s | ratio | target | p50 ms | p99 ms | ref p50 ms | ref p99 ms | errors | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "met" if float(r["ratio"]) >= float(r["target"]) else "**not met**"  # type: ignore[arg-type]
        lines.append(
            f"| {r['backend']} | {r['op']} | {r['rps']:.0f} | {r['ref_rps']:.0f} | {r['ratio']:.2f} | ≥ {r['target']} ({met}) "
            f"| {r['p50']:.1f} | {r['p99']:.1f} | {r['ref_p50']:.1f} | {r['ref_p99']:.1f} | {r['errors']} | {r['rss']:.0f} |"
        )
    return "\n".join(lines)


def write_report(rows: list[dict[str, object]], args: argparse.Namespace, path: Path) -> None:
    marker = "<!-- bench:results -->"
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    results = (
        f"{marker}\nMeasured {now} on {machine}.\n\nCommand: `uv run python -m bench.run --seconds {args.seconds} "
        f"--connections {args.connections} --seed {args.seed} --backend {args.backend}`\n\n{table(rows)}\n{marker}"
    )
    text = path.read_text() if path.exists() else f"# Performance\n\n{marker}\n{marker}\n"
    head, _, rest = text.partition(marker)
    _, _, tail = rest.partition(marker)
    path.write_text(head + results + tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1000, help="candidates seeded for gets and updates")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            rows += measure("sqlite", f"sqlite:///{tmp}/bench.db", args)
    if args.backend in ("postgres", "both"):
        url, cluster = postgres_url()
        try:
            rows += measure("postgres", url, args)
        finally:
            cluster.stop()  # type: ignore[attr-defined]
    write_report(rows, args, args.report)
    print(f"wrote {args.report}")


if __name__ == "__main__":
    main()
