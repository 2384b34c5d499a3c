"""A soak: a bounded mixed load on ``candidly serve`` for 10 minutes, sampled every 30 s, then checked exactly.

``uv run python -m bench.soak [--seconds 600] [--rate 120] [--clients 4] [--every 30] [--postgres]
[--separate-worker]`` starts the server as ``bench.delivery_rig`` does (SQLite and the in-process worker by
default), with an SMTP server and a webhook receiver on loopback subscribed to ``application.created``. Each client
keeps one connection and repeats a cycle at its share of ``--rate`` requests a second (never catching up in a
burst): a TestInvite create with ``inviteByEmail`` to an address of its own, TestInvite get, update and list of
it, an InstaView read of a seeded candidate, a native read of the application and a native list. Every
``--every`` seconds it prints requests and errors so far, p50/p99 of that interval, the server's RSS and the
outbox gauges of ``/metrics``. Then it waits (at most ``--drain`` s) for the outbox to empty and checks every
acknowledged create is stored exactly once and its email and webhook arrived exactly once. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench import servers
from bench.delivery_rig import Hooks, Mail, Rig, all_ids, gauges, rig


@dataclass
class Tally:
    """What the clients saw, appended as answers come (``list.append`` is atomic): the sampler reads slices."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "METHOD name status" of each non-2xx or unanswered
    created: list[tuple[str, str]] = field(default_factory=list)  # (TestInvite candidateId, its email)


class Client:
    """One keep-alive connection repeating the mixed cycle at ``rate`` requests a second."""

    def __init__(self, running: Rig, n: int, rate: float, tally: Tally) -> None:
        self.http = httpx.Client(base_url=running.base, headers=running.world.headers, timeout=30)
        self.task = running.world.opening["id"]
        self.seeded = running.world.candidate_ids
        self.n, self.pause, self.tally = n, 1.0 / rate, tally
        self.next_at = time.monotonic()

    def call(self, name: str, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response | None:
        time.sleep(max(0.0, self.next_at - time.monotonic()))
        self.next_at = max(self.next_at, time.monotonic()) + self.pause  # when late, from now on: never a burst
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, json=body)
        except httpx.TransportError as error:
            self.tally.failures.append(f"{method} {name} {type(error).__name__}")
            return None
        self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        if not response.is_success:
            self.tally.failures.append(f"{method} {name} {response.status_code}")
        return response if response.is_success else None

    def cycle(self, k: int) -> None:
        tasks = f"/testinvite/api/integration/rest/v1/tasks/{self.task}/candidates"
        email = f"soak-{self.n}-{k}@bench.example"
        body = {"kind": "temporary-candidate", "fullname": f"Soak Candidate{k}", "email": email,
                "inviteByEmail": {"emailTemplateName": "invite"}}  # fmt: skip
        made = self.call("testinvite create", "POST", tasks, body)
        if made is not None:
            candidate = made.json()["candidateId"]
            self.tally.created.append((candidate, email))
            self.call("testinvite get", "GET", f"{tasks}/{candidate}?mode=detailed")
            self.call("testinvite update", "PATCH", f"{tasks}/{candidate}", {"fields": {"group": f"soak-{k % 7}"}})
            self.call("native get", "GET", f"/api/v1/applications/{candidate}")
        self.call("testinvite list", "GET", f"{tasks}?limit=10&page={1 + k % 5}")
        self.call("instaview get", "GET", f"/instaview/candidates/{self.seeded[k % len(self.seeded)]}")
        self.call("native list", "GET", "/api/v1/candidates?limit=50")

    def run(self, stop: threading.Event) -> None:
        k = 0
        while not stop.is_set():
            k += 1
            self.cycle(k)
        self.http.close()


def percentile(values: list[float], q: float) -> float | str:
    """The nearest-rank percentile, in ms to 0.1; a dash when nothing was answered in the interval."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else "-"


def sample(running: Rig, tally: Tally, started: float, seen: int) -> dict[str, Any]:
    """One row: totals so far, the latencies answered since the last row, RSS and the outbox gauges."""
    window = tally.latencies_ms[seen:]
    g = gauges(running.base)
    return {
        "t_s": round(time.monotonic() - started), "requests": len(tally.latencies_ms) + len(tally.failures),
        "errors": len(tally.failures), "p50_ms": percentile(window, 0.5),
        "p99_ms": percentile(window, 0.99), "rss_mb": round(servers.rss_mb(running.process.pid), 1),
        "created": len(tally.created), "emails": Mail.count, "webhooks": Hooks.total(),
        "pending": int(g.get("candidly_outbox_pending_deliveries", -1)),
        "oldest_pending_s": round(g.get("candidly_outbox_oldest_pending_age_seconds", -1), 1),
        "unpublished_events": int(g.get("candidly_outbox_unpublished_events", -1)),
    }  # fmt: skip


def drain(running: Rig, tally: Tally, limit: float) -> float | None:
    """Seconds until every create's email and webhook arrived and the outbox is empty; None past ``limit``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        g = gauges(running.base)
        outbox_empty = not g.get("candidly_outbox_pending_deliveries") and not g.get(
            "candidly_outbox_unpublished_events"
        )
        if outbox_empty and Mail.count >= len(tally.created) and Hooks.total() >= len(tally.created):
            return round(time.monotonic() - started, 1)
        time.sleep(0.5)
    return None


def check(running: Rig, tally: Tally) -> dict[str, int]:
    """Each acknowledged create stored once, emailed once and announced once; what was stored beyond them."""
    stored = Counter(all_ids(running.base, running.world.headers, "/api/v1/applications"))
    ids = [candidate for candidate, _ in tally.created]
    emails = [email for _, email in tally.created]
    seeded = len(running.world.candidate_ids)
    return {
        "acknowledged_creates": len(ids), "acknowledged_twice": len(ids) - len(set(ids)),
        "stored_not_once": sum(stored[i] != 1 for i in ids),
        "stored_unacknowledged": sum(stored.values()) - seeded - len(set(ids)),
        "email_missing": sum(Mail.recipients[e] == 0 for e in emails),
        "email_twice": sum(Mail.recipients[e] > 1 for e in emails),
        "webhook_missing": sum(Hooks.subjects[i] == 0 for i in ids),
        "webhook_twice": sum(Hooks.subjects[i] > 1 for i in ids),
        "webhook_id_twice": sum(n > 1 for n in Hooks.seen.values()),
    }  # fmt: skip


def markdown(rows: list[dict[str, Any]]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join([*lines, *("| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--rate", type=float, default=120.0, help="requests per second, all clients together")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--every", type=int, default=30, help="seconds between samples")
    parser.add_argument("--drain", type=int, default=300, help="at most this long for the outbox to empty after")
    parser.add_argument("--seed", type=int, default=50, help="InstaView candidates made before the load")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster, not SQLite")
    parser.add_argument("--separate-worker", action="store_true", help="a `candidly worker` beside `serve`")
    args = parser.parse_args()
    with rig(use_postgres=args.postgres, separate_worker=args.separate_worker, seed_candidates=args.seed) as running:
        tally = Tally()
        stop = threading.Event()
        clients = [Client(running, n, args.rate / args.clients, tally) for n in range(args.clients)]
        threads = [threading.Thread(target=c.run, args=(stop,)) for c in clients]
        started = time.monotonic()
        rows = [sample(running, tally, started, 0)]
        for thread in threads:
            thread.start()
        seen = 0  # latencies already summed up in a row: each row's percentiles are of its own interval
        while time.monotonic() - started < args.seconds:
            time.sleep(min(args.every, max(0.0, started + args.seconds - time.monotonic())))
            now_seen = len(tally.latencies_ms)
            rows.append(sample(running, tally, started, seen))
            seen = now_seen
            print(json.dumps(rows[-1]), flush=True)
        stop.set()
        for thread in threads:
            thread.join()
        loaded = time.monotonic() - started
        drained = drain(running, tally, args.drain)
        rows.append(sample(running, tally, started, len(tally.latencies_ms)))  # after the drain: no requests
        report = {"seconds_loaded": round(loaded, 1), "requests_per_s": round(rows[-1]["requests"] / loaded, 1),
                  "creates_per_s": round(len(tally.created) / loaded, 1), "drained_after_s": drained,
                  "failures": dict(Counter(tally.failures)), **check(running, tally)}  # fmt: skip
    print(markdown(rows))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
