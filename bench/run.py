"""One command: ``uv run python -m bench.run`` measures Candidly against the no-op reference and writes
docs/performance.md. Every figure that matters is a ratio to the reference measured beside it in the same run.

Two deployments on each backend: ``default`` is ``candidly serve`` as the README starts it (delivery worker in
the process, access log on), ``api-only`` the same with ``CANDIDLY_RUN_WORKER=false``. Per operation the runs
alternate, reference first and last: R D A R A D R for two rounds. Each Candidly run's ratio is to the mean of
the two reference runs beside it, so a machine that drifts during the run moves both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from bench import pyspy, report, servers, workload, wrk
from bench.delivery_rig import Mail

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENTS = {"default": True, "api-only": False}  # name -> the delivery worker runs in the server process
QUIET_LOAD = 1.0  # a 1-minute load average above this before the run: another job shares the cores


@dataclass(frozen=True)
class Target:
    """One running Candidly deployment: where it answers, its process, what was seeded, its memory peak."""

    deployment: str
    base: str
    pid: int
    world: workload.World
    memory: servers.PeakMemory


@dataclass(frozen=True)
class Bench:
    """The run's settings and its scratch folder (wrk scripts, server logs, SQLite files)."""

    args: argparse.Namespace
    tmp: Path

    def load(self, base: str, script: str, op: workload.Operation, paths: list[str], seconds: int = 0) -> wrk.Result:
        lua = self.tmp / f"{script}.lua"
        lua.write_text(wrk.lua_script(op.method, paths, op.body, op.headers))
        return wrk.run(base, lua, seconds=seconds or self.args.seconds, connections=self.args.connections)

    def warm_up(self, ref_base: str, targets: list[Target], ops: dict[str, workload.Operation]) -> None:
        """A short unrecorded load on every server first: a server's first requests of a kind pay for lazy imports
        and caches filling, which would otherwise land in the first round only."""
        if self.args.warmup:
            ref_op = next(iter(ops.values()))
            self.load(ref_base, "warm-ref", ref_op, ref_op.reference_paths, self.args.warmup)
            for t in targets:
                op = ops[t.deployment]
                self.load(t.base, f"warm-{t.deployment}", op, op.paths, self.args.warmup)

    def reference(self, base: str, op: workload.Operation) -> wrk.Result:
        result = self.load(base, f"ref-{op.name}", op, op.reference_paths)
        print(f"    reference  {result.rps:8.0f} req/s", flush=True)
        return result

    def candidly(self, target: Target, op: workload.Operation) -> wrk.Result:
        with target.memory.watching():
            result = self.load(target.base, f"{target.deployment}-{op.name}", op, op.paths)
        print(f"    {target.deployment:9}  {result.rps:8.0f} req/s  p50 {result.p50_ms:.1f} ms  p99 "
              f"{result.p99_ms:.1f} ms  non-2xx {result.non_2xx}  errors {result.errors}", flush=True)  # fmt: skip
        return result


def alternate(bench: Bench, backend: str, ref_base: str, targets: list[Target], name: str) -> list[report.Row]:
    """R, then each deployment, then R, ``rounds`` times; the deployments' order flips every round, so neither
    sits next to the same reference run each time."""
    print(f"  {name}", flush=True)
    ops = {t.deployment: next(op for op in workload.operations(t.world) if op.name == name) for t in targets}
    ref_op = ops[targets[0].deployment]  # the reference answers every path alike
    bench.warm_up(ref_base, targets, ops)
    refs = [bench.reference(ref_base, ref_op)]
    runs: dict[str, list[wrk.Result]] = {t.deployment: [] for t in targets}
    for n in range(bench.args.rounds):
        for target in targets if n % 2 == 0 else targets[::-1]:
            runs[target.deployment].append(bench.candidly(target, ops[target.deployment]))
        refs.append(bench.reference(ref_base, ref_op))
    return [report.Row.of(backend, t.deployment, name, runs[t.deployment], refs, t.memory) for t in targets]


@contextmanager
def deployments(backend: str, bench: Bench) -> Iterator[list[Target]]:
    """The chosen deployments of Candidly on ``backend``, each on a fresh database seeded through its public API
    (SQLite files, or databases in one throwaway PostgreSQL cluster)."""
    with ExitStack() as stack:
        cluster = None
        if backend == "postgres":
            from tests.support.pg import PostgresCluster

            cluster = PostgresCluster()
            cluster.start()
            stack.callback(cluster.stop)
        smtp = stack.enter_context(mail_sink())
        targets = []
        for name in bench.args.deployments:
            safe = name.replace("-", "_")
            url = cluster.create_database(f"bench_{safe}") if cluster else f"sqlite:///{bench.tmp}/{safe}.db"
            log = bench.tmp / f"{backend}-{name}.log"
            base, proc = stack.enter_context(
                servers.candidly(url, run_worker=DEPLOYMENTS[name], log=log, settings=smtp)
            )
            print(f"{backend} {name}: seeding {bench.args.seed} candidates", flush=True)
            memory = servers.PeakMemory(proc.pid)
            with memory.watching():
                world = workload.seed(base, bench.args.seed)
                if DEPLOYMENTS[name]:
                    send_one_email(base, world, f"warmup-{backend}-{safe}@bench.example")
            targets.append(Target(name, base, proc.pid, world, memory))
        yield targets


@contextmanager
def mail_sink() -> Iterator[dict[str, str]]:
    """An SMTP server on loopback taking every message; the settings that point Candidly at it."""
    port = servers.free_port()
    sink = Controller(Mail(), hostname="127.0.0.1", port=port)
    sink.start()
    try:
        yield {"CANDIDLY_SMTP_HOST": "127.0.0.1", "CANDIDLY_SMTP_PORT": str(port)}
    finally:
        sink.stop()


def send_one_email(base: str, world: workload.World, address: str) -> None:
    """Have the in-process worker send one email before the measured runs, so its template renderer's child
    process is running (and counted in the peak memory) as it is in any deployment that has sent mail. The
    measured creates schedule their invitation for later: the worker only polls during them."""
    workload.invite_now(base, world, address)
    deadline = time.monotonic() + 60
    while Mail.recipients[address] == 0:
        if time.monotonic() > deadline:
            print(f"WARNING: the worker did not send the email to {address} within 60 s", file=sys.stderr)
            return
        time.sleep(0.2)  # the worker polls the outbox once a second


def profile(bench: Bench, target: Target, backend: str) -> None:
    """One more run of ``--profile``'s operation on ``target``, sampled by py-spy; not part of the figures."""
    name = bench.args.profile
    op = next(op for op in workload.operations(target.world) if op.name == name)
    out = bench.args.profile_dir / f"{backend}-{target.deployment}-{name}"
    bench.args.profile_dir.mkdir(parents=True, exist_ok=True)
    print(f"  profiling {name} on {backend} {target.deployment} with py-spy", flush=True)
    collapsed = pyspy.record(target.pid, bench.args.seconds, out.with_suffix(".collapsed.txt"),
                             lambda: bench.candidly(target, op))  # fmt: skip
    title = (
        f"py-spy: {backend} {target.deployment} {name}, {bench.args.seconds} s, {bench.args.connections} connections"
    )
    summary = pyspy.summarise(pyspy.stacks(collapsed), title)
    out.with_suffix(".top.txt").write_text(summary)
    print(summary, flush=True)
    print(f"  wrote {collapsed} (flame graph input: speedscope.app, flamegraph.pl) and {out.with_suffix('.top.txt')}")


def measure(backend: str, bench: Bench) -> list[report.Row]:
    rows: list[report.Row] = []
    with servers.reference() as (ref_base, _), deployments(backend, bench) as targets:
        for op in workload.operations(targets[0].world):
            rows += alternate(bench, backend, ref_base, targets, op.name)
        if bench.args.profile:
            profile(bench, targets[0], backend)
    return rows


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--deployment", choices=[*DEPLOYMENTS, "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10, help="of each wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load per server and operation")
    parser.add_argument("--rounds", type=int, default=2, help="Candidly runs per deployment and operation")
    parser.add_argument("--seed", type=int, default=1000, help="candidates seeded for gets, updates and the list's job")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--profile", choices=report.OPERATIONS, help="also sample this operation with py-spy")
    parser.add_argument("--profile-dir", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    args.deployments = list(DEPLOYMENTS) if args.deployment == "both" else [args.deployment]
    return args


def main() -> None:
    args = parse()
    load_before = os.getloadavg()
    if load_before[0] > QUIET_LOAD:
        print(f"WARNING: the 1-minute load average is {load_before[0]:.2f} before the run (> {QUIET_LOAD}): "
              "something else is using the cores, and these figures will not count", file=sys.stderr)  # fmt: skip
    rows: list[report.Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(args, Path(tmp))
        for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
            rows += measure(backend, bench)
    load_after = os.getloadavg()
    run = report.Run(
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}",
        command=f"uv run python -m bench.run --seconds {args.seconds} --connections {args.connections} --warmup "
        f"{args.warmup} --rounds {args.rounds} --seed {args.seed} --backend {args.backend} --deployment {args.deployment}",
        load_before=load_before,
        load_after=load_after,
        quiet_load=QUIET_LOAD,
    )
    report.write(args.report, run, rows)
    print(report.table(rows))
    print(f"wrote {args.report}")


if __name__ == "__main__":
    main()
