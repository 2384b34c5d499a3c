"""bench.run's figures and results block: ratios to the neighbouring reference runs, targets, tail and memory
flags, the load-average warning, and the profile summary (no timing is measured or asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from bench.wrk import Result

from bench import pyspy, report, servers


def result(rps: float, p50: float = 10.0, p99: float = 20.0) -> Result:
    return Result(rps=rps, p50_ms=p50, p99_ms=p99, non_2xx=0, errors=0)


def memory(*mb: int) -> servers.PeakMemory:
    peaks = servers.PeakMemory(pid=0)
    peaks.peaks_kb = {n: m * 1024 for n, m in enumerate(mb, start=1)}
    return peaks


def row(backend: str, op: str, runs: list[Result], refs: list[Result], peak: servers.PeakMemory) -> report.Row:
    return report.Row.of(backend, "default", op, runs, refs, peak)


def run_info(load_before: float) -> report.Run:
    return report.Run(when="2026-12-01 12:00 UTC", machine="test", command="uv run python -m bench.run",
                      load_before=(load_before, 0.5, 0.5), load_after=(2.0, 1.0, 0.5), quiet_load=1.0)  # fmt: skip


def test_each_round_is_a_ratio_to_the_reference_runs_on_either_side_of_it() -> None:
    # The machine slows down between the reference runs: 3,000 then 2,000 req/s. Each Candidly run is half of
    # its own neighbours, though half the first reference alone would say otherwise.
    made = row("sqlite", "create", [result(1000), result(1250)], [result(1000), result(3000), result(2000)], memory(90))

    assert made.ratios == [0.5, 0.5]
    assert "| 0.50 (0.50 to 0.50) | ≥ 0.5 (met) |" in report.table([made])


def test_targets_are_per_backend_and_healthz_has_one_on_sqlite_only() -> None:
    refs = [result(1000), result(1000)]
    get_sqlite = row("sqlite", "get", [result(650)], refs, memory(90))
    get_postgres = row("postgres", "get", [result(650)], refs, memory(90))
    health_postgres = row("postgres", "healthz", [result(2000)], refs, memory(90))

    table = report.table([get_sqlite, get_postgres, health_postgres])

    assert "| sqlite | default | get | 650 | 1000 | 0.65 | ≥ 0.7 (**not met**) |" in table
    assert "| postgres | default | get | 650 | 1000 | 0.65 | ≥ 0.6 (met) |" in table
    assert "| postgres | default | healthz | 2000 | 1000 | 2.00 | — |" in table


def test_a_p99_above_four_times_the_p50_is_flagged() -> None:
    refs = [result(1000), result(1000)]
    steady = row("sqlite", "get", [result(900, p50=10, p99=40)], refs, memory(90))
    tail = row("sqlite", "list", [result(900, p50=10, p99=41)], refs, memory(90))

    table = report.table([steady, tail]).splitlines()

    assert "| 10.0 | 40.0 | 4.0 |" in table[2]
    assert "| 10.0 | 41.0 | 4.1 (**> 4x**) |" in table[3]


def test_peak_memory_counts_every_process_of_the_tree_against_the_target() -> None:
    refs = [result(1000), result(1000)]
    alone = report.Row.of("sqlite", "api-only", "get", [result(900)], refs, memory(120))
    with_child = report.Row.of("sqlite", "default", "get", [result(900)], refs, memory(120, 40))

    text = report.memory([alone, with_child])

    assert "sqlite api-only 120.0 MB in 1 process (met)" in text
    assert "sqlite default 160.0 MB in 2 processes (**not met**)" in text


def test_peak_memory_finds_the_children_a_server_started_from_any_thread() -> None:
    # The delivery worker's thread starts the template renderer: the kernel lists it under that thread only.
    started: list[subprocess.Popen[bytes]] = []
    ready, done = threading.Event(), threading.Event()

    def start_child() -> None:
        started.append(subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE))
        ready.set()
        done.wait()

    thread = threading.Thread(target=start_child)
    thread.start()
    ready.wait()
    try:
        peaks = servers.PeakMemory(pid=os.getpid())
        peaks.sample()
        assert peaks.peaks_kb.get(started[0].pid, 0) > 0
        assert peaks.mb > peaks.peaks_kb[started[0].pid] / 1024
    finally:
        done.set()
        thread.join()
        started[0].communicate(b"")


def test_the_results_block_is_replaced_and_says_when_the_machine_was_busy(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    marker = report.MARKER
    doc.write_text(f"# Performance\n\nprose before\n\n{marker}\nold figures\n{marker}\n\nprose after\n")
    rows = [row("sqlite", "get", [result(900)], [result(1000), result(1000)], memory(90))]

    report.write(doc, run_info(load_before=1.6), rows)
    busy = doc.read_text()
    report.write(doc, run_info(load_before=0.4), rows)
    quiet = doc.read_text()

    assert "old figures" not in busy
    assert busy.startswith("# Performance\n\nprose before\n\n") and busy.endswith(f"{marker}\n\nprose after\n")
    assert "1.60 / 0.50 / 0.50 before the run, 2.00 / 1.00 / 0.50 after" in busy
    assert "**Not a quiet machine: the 1-minute load was 1.60 before the run (above 1.0)." in busy
    assert "Not a quiet machine" not in quiet
    assert quiet.count(marker) == 2


def test_the_profile_summary_names_functions_and_packages(tmp_path: Path) -> None:
    process = 'process 7:"python -m candidly serve"'
    collapsed = tmp_path / "get.collapsed.txt"
    collapsed.write_text(
        f"{process};Thread.run (threading.py:982);SqlUnitOfWork.read (candidly/storage/uow.py:40);"
        "Connection.execute (sqlalchemy/engine/base.py:1400) 3\n"
        f"{process};Thread.run (threading.py:982);SqlUnitOfWork.read (candidly/storage/uow.py:44) 1\n"
        f"{process};_Environ.__getitem__ (<frozen os>:679) 1\n"
    )

    stacks = pyspy.stacks(collapsed)
    summary = pyspy.summarise(stacks, "get")

    assert sum(stacks.values()) == 5
    assert Counter(pyspy.package(frame[-1]) for frame in stacks) == {
        "sqlalchemy": 1,
        "candidly.storage": 1,
        "stdlib:os": 1,
    }
    assert "  60.0 %        3  Connection.execute (sqlalchemy/engine/base.py)" in summary
    # Two lines of one function are one entry: 4 of 5 samples have it on the stack.
    assert "  80.0 %        4  SqlUnitOfWork.read (candidly/storage/uow.py)" in summary
    assert "  20.0 %        1  candidly.storage" in summary
