"""The server process of ``candidly serve``: uvicorn over the app factory, with nothing of the command line in it.

``candidly serve`` checks the settings and the port, then replaces its own process with this module (``exec``):
the same process id, signals and exit status, but none of the CLI's libraries (typer, click, rich, pygments:
about 9 MB) resident while it serves (docs/performance.md, "Memory"). Here the schema is migrated, in a process of
its own, while this one imports the app.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import subprocess
import sys
from typing import Any

import uvicorn

from candidly.web import log_queue

FACTORY = "candidly.web.factory"
# How ``serve`` runs uvicorn. uvicorn would believe X-Forwarded-For from 127.0.0.1 by default; the app applies
# CANDIDLY_FORWARDED_ALLOW_IPS itself (web/app.py), so a local client cannot pick its address.
SERVER_OPTIONS: dict[str, Any] = {"access_log": False, "proxy_headers": False}


def exec_server(*, host: str, port: int, workers: int, log_level: str, graceful_seconds: int) -> None:
    """Become the server process: never returns. The options travel as one JSON argument; the settings in the
    environment, which this process keeps."""
    options = {
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": log_level,
        "timeout_graceful_shutdown": graceful_seconds,
    }
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", __name__, json.dumps(options)])  # noqa: S606 - our own module


def migrate_apart() -> subprocess.Popen[bytes]:
    """``candidly migrate`` in a process of its own, once, before any server process serves: Alembic (7 MB) stays
    out of the server. Its errors are its own one line on stderr, and its status is ours."""
    return subprocess.Popen([sys.executable, "-m", "candidly", "migrate"], stdout=subprocess.DEVNULL)


def main(options: dict[str, Any]) -> None:
    migrating = migrate_apart()
    importlib.import_module(FACTORY)  # the app's imports (seconds on a busy machine) beside the migration's
    if status := migrating.wait():
        raise SystemExit(status)
    # The modules just imported live as long as the process: out of the collector's sight, so that a request soon
    # after start does not pay for a full collection walking all of them (measured: the first GET 0.3 s slower).
    gc.collect()
    gc.freeze()
    log_queue.configure(options["log_level"])
    uvicorn.run(f"{FACTORY}:app", factory=True, **options, **SERVER_OPTIONS)


if __name__ == "__main__":  # uvicorn's worker processes (--workers 2 and up) import this module and must not serve
    main(json.loads(sys.argv[1]))
