"""``bench.run``'s figures: one row per backend, deployment and operation, the targets, and the results block of
docs/performance.md (between its two ``<!-- bench:results -->`` markers)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from bench import servers, wrk

OPERATIONS = ["create", "update", "get", "list", "healthz"]
# The lowest acceptable ratio to the reference, per backend (issue 15). /healthz touches no database: its
# target is set once, on SQLite.
TARGETS: dict[str, dict[str, float]] = {
    "sqlite": {"create": 0.5, "update": 0.5, "get": 0.7, "list": 0.3, "healthz": 0.9},
    "postgres": {"create": 0.4, "update": 0.4, "get": 0.6, "list": 0.3},
}
TAIL = 4.0  # p99 above this many times p50 at 32 connections is a tail worth a flag
PEAK_RSS_MB = 150.0
MARKER = "<!-- bench:results -->"


@dataclass(frozen=True)
class Row:
    """One operation on one deployment: means over its rounds, and the ratio of each round to its neighbours."""

    backend: str
    deployment: str
    op: str
    rps: float
    ref_rps: float
    ratios: list[float]
    p50: float
    p99: float
    ref_p50: float
    ref_p99: float
    errors: int
    peak_mb: float
    processes: int  # in the server's tree so far: the server and the children it started

    @classmethod
    def of(cls, backend: str, deployment: str, op: str, runs: list[wrk.Result], refs: list[wrk.Result],
           memory: servers.PeakMemory) -> Row:  # fmt: skip
        """``runs[n]`` was measured between ``refs[n]`` and ``refs[n + 1]``: its ratio is to their mean."""
        mean = statistics.fmean
        beside = [mean([before.rps, after.rps]) for before, after in pairwise(refs)]
        ratios = [run.rps / ref if ref else 0.0 for run, ref in zip(runs, beside, strict=True)]
        return cls(
            backend=backend, deployment=deployment, op=op, rps=mean([r.rps for r in runs]),
            ref_rps=mean([r.rps for r in refs]), ratios=ratios, p50=mean([r.p50_ms for r in runs]),
            p99=mean([r.p99_ms for r in runs]), ref_p50=mean([r.p50_ms for r in refs]),
            ref_p99=mean([r.p99_ms for r in refs]), errors=sum(r.non_2xx + r.errors for r in runs), peak_mb=memory.mb,
            processes=len(memory.peaks_kb),
        )  # fmt: skip

    @property
    def ratio(self) -> float:
        return statistics.fmean(self.ratios)

    @property
    def target(self) -> float | None:
        return TARGETS[self.backend].get(self.op)


@dataclass(frozen=True)
class Run:
    """When, where and how the rows were measured, and how busy the machine was before and after."""

    when: str
    machine: str
    command: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    quiet_load: float


def _ratio(row: Row) -> str:
    spread = f" ({min(row.ratios):.2f} to {max(row.ratios):.2f})" if len(row.ratios) > 1 else ""
    return f"{row.ratio:.2f}{spread}"


def _target(row: Row) -> str:
    if row.target is None:
        return "—"
    return f"≥ {row.target} ({'met' if row.ratio >= row.target else '**not met**'})"


def _tail(row: Row) -> str:
    if not row.p50:
        return "—"  # no request finished within the run
    times = row.p99 / row.p50
    return f"{times:.1f}" + (f" (**> {TAIL:g}x**)" if times > TAIL else "")


def table(rows: list[Row]) -> str:
    lines = [
        "| backend | deployment | operation | Candidly req/s | reference req/s | ratio (rounds) | target | p50 ms "
        "| p99 ms | p99 / p50 | ref p50 ms | ref p99 ms | errors | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.backend} | {r.deployment} | {r.op} | {r.rps:.0f} | {r.ref_rps:.0f} | {_ratio(r)} | {_target(r)} "
        f"| {r.p50:.1f} | {r.p99:.1f} | {_tail(r)} | {r.ref_p50:.1f} | {r.ref_p99:.1f} | {r.errors} | {r.peak_mb:.0f} |"
        for r in rows
    ]
    return "\n".join(lines)


def memory(rows: list[Row]) -> str:
    """Each deployment's peak, against the target."""
    last = {f"{r.backend} {r.deployment}": r for r in rows}  # the peaks only grow: the last row holds them
    parts = [
        f"{key} {r.peak_mb:.1f} MB in {r.processes} process{'es' if r.processes > 1 else ''} "
        f"({'met' if r.peak_mb <= PEAK_RSS_MB else '**not met**'})"
        for key, r in last.items()
    ]
    return (
        f"Peak RSS of the server's process tree (the server and every child it started, such as template renderer "
        f"processes, each at its own peak), target ≤ {PEAK_RSS_MB:.0f} MB: {'; '.join(parts)}."
    )


def load(run: Run) -> str:
    def three(values: tuple[float, float, float]) -> str:
        return " / ".join(f"{v:.2f}" for v in values)

    line = f"Load average (1 / 5 / 15 min): {three(run.load_before)} before the run, {three(run.load_after)} after."
    if run.load_before[0] > run.quiet_load:
        line += (
            f"\n\n**Not a quiet machine: the 1-minute load was {run.load_before[0]:.2f} before the run (above "
            f"{run.quiet_load:.1f}). These figures do not count.**"
        )
    return line


def write(path: Path, run: Run, rows: list[Row]) -> None:
    """Replace the results block of ``path`` (created with only that block when missing)."""
    results = "\n\n".join(
        [
            f"{MARKER}\nMeasured {run.when} on {run.machine}.",
            f"Command: `{run.command}`",
            load(run),
            table(rows),
            f"{memory(rows)}\n{MARKER}",
        ]
    )
    text = path.read_text() if path.exists() else f"# Performance\n\n{MARKER}\n{MARKER}\n"
    head, _, rest = text.partition(MARKER)
    _, _, tail = rest.partition(MARKER)
    path.write_text(head + results + tail)
