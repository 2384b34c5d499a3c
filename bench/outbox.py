"""Does the outbox keep up? TestInvite creates, each with an invitation email and a webhook, against ``candidly serve``.

``uv run python -m bench.outbox [--seconds 60] [--rate 40] [--postgres] [--separate-worker]`` runs a
server (SQLite in a temporary directory, or a throwaway PostgreSQL cluster; its delivery worker in-process, or with
``--separate-worker`` a ``candidly worker`` beside it), a real SMTP server and a webhook receiver on loopback,
and creates candidates at ``--rate`` per second from 4 client threads for ``--seconds``. It samples the
backlog from ``/metrics`` every 5 seconds, then waits for the outbox to drain, and prints the rates:
created, emails and webhooks received per second while loading, and how long the drain took afterwards.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

import httpx

from bench.delivery_rig import Hooks, Mail, gauges, rig


def create_loop(base: str, path: str, body: dict[str, Any], headers: dict[str, str], rate: float, until: float,
                made: list[int], errors: list[int]) -> None:  # fmt: skip
    interval = 4 / rate  # four threads share the rate
    next_at = time.monotonic()
    with httpx.Client(base_url=base, timeout=60, headers=headers) as http:
        while time.monotonic() < until:
            response = http.post(path, json=body)
            (made if response.status_code == 200 else errors).append(1)
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=float, default=40.0, help="creates per second to aim at")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster, not SQLite")
    parser.add_argument("--separate-worker", action="store_true")
    args = parser.parse_args()
    with rig(use_postgres=args.postgres, separate_worker=args.separate_worker) as running:
        base, world = running.base, running.world
        body = {"kind": "temporary-candidate", "fullname": "Bench Candidate", "email": "bench@bench.example",
                "inviteByEmail": {"emailTemplateName": "invite"}}  # fmt: skip
        path = f"/testinvite/api/integration/rest/v1/tasks/{world.opening['id']}/candidates"
        made: list[int] = []
        errors: list[int] = []
        start = time.monotonic()
        until = start + args.seconds
        threads = [
            threading.Thread(target=create_loop, args=(base, path, body, world.headers, args.rate, until, made, errors))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        samples = []
        while any(t.is_alive() for t in threads):
            time.sleep(5)
            g = gauges(base)
            samples.append({"t": round(time.monotonic() - start), "created": len(made),
                            "emails": Mail.count, "webhooks": Hooks.total(),
                            "pending": int(g.get("candidly_outbox_pending_deliveries", -1)),
                            "unpublished_events": int(g.get("candidly_outbox_unpublished_events", -1)),
                            "oldest_s": round(g.get("candidly_outbox_oldest_pending_age_seconds", -1), 1)})  # fmt: skip
            print(json.dumps(samples[-1]), flush=True)
        loaded = time.monotonic() - start
        at_stop = {"emails": Mail.count, "webhooks": Hooks.total()}
        deadline = time.monotonic() + 600
        while (Mail.count < len(made) or Hooks.total() < len(made)) and time.monotonic() < deadline:
            time.sleep(0.2)
        drained = time.monotonic() - start - loaded
    report = {
        "seconds_loaded": round(loaded, 1), "created": len(made), "request_errors": len(errors),
        "creates_per_s": round(len(made) / loaded, 1),
        "emails_per_s_while_loading": round(at_stop["emails"] / loaded, 1),
        "webhooks_per_s_while_loading": round(at_stop["webhooks"] / loaded, 1),
        "behind_at_stop": {"emails": len(made) - at_stop["emails"], "webhooks": len(made) - at_stop["webhooks"]},
        "drain_seconds_after_stop": round(drained, 1), "emails": Mail.count, "webhooks": Hooks.total(),
        "webhooks_twice": sum(n - 1 for n in Hooks.seen.values() if n > 1),
    }  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
