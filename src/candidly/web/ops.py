"""Operational endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import shutil
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from candidly.bootstrap import Services
from candidly.dialects.base import FastJSONResponse
from candidly.storage.uow import sqlite_path
from candidly.web.delivery_status import mail_warnings
from candidly.web.faults import Faults
from candidly.web.metrics import Metrics

router = APIRouter(include_in_schema=False)
# A fault seen this recently keeps /readyz failing; past it the node reports ready again by itself.
FAULT_WINDOW = timedelta(seconds=10)


# Liveness is the same bytes every time: rendered once, answered on the event loop (no thread, nothing to encode).
HEALTHY = b'{"status":"ok"}'


@router.get("/healthz")
async def healthz() -> Response:
    return Response(HEALTHY, media_type="application/json")


@router.get("/readyz")
def readyz(request: Request) -> FastJSONResponse:
    """200 when this node can take writes: the database answers at head, no database fault was seen in the last
    ``FAULT_WINDOW`` (a full disk still answers ``SELECT 1``), and a SQLite file's filesystem has room left."""
    services: Services = request.app.state.services
    faults: Faults = request.app.state.faults
    db = services.database
    problems = [] if db.ping() and db.at_head() else ["database: not answering, or not migrated to head"]
    problems += [f"database fault in the last {FAULT_WINDOW.seconds} s: {kind}" for kind in faults.recent(FAULT_WINDOW)]
    path = sqlite_path(services.settings.database_url)
    if path is not None:
        free = shutil.disk_usage(path.resolve().parent).free
        if free < services.settings.ready_min_free_bytes:
            problems.append(
                f"free space on the database's filesystem: {free} bytes, below {services.settings.ready_min_free_bytes}"
            )
    body: dict[str, object] = {"status": "not ready" if problems else "ready", "problems": problems}
    if not problems and (warnings := mail_warnings(services)):  # still ready: the API serves, mail waits
        body["warnings"] = warnings
    return FastJSONResponse(body, status_code=503 if problems else 200)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    collected: Metrics = request.app.state.metrics
    return Response(generate_latest(collected.registry), media_type=CONTENT_TYPE_LATEST)
