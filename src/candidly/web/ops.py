"""Operational endpoints: liveness, readiness, Prometheus metrics and the offline API docs."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from candidly.bootstrap import Services
from candidly.storage.uow import sqlite_path
from candidly.web.faults import Faults
from candidly.web.middleware import Metrics

router = APIRouter(include_in_schema=False)
# A fault seen this recently keeps /readyz failing; past it the node reports ready again by itself.
FAULT_WINDOW = timedelta(seconds=10)
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
)


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
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
    body = {"status": "not ready" if problems else "ready", "problems": problems}
    return JSONResponse(body, status_code=503 if problems else 200)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    collected: Metrics = request.app.state.metrics
    return Response(generate_latest(collected.registry), media_type=CONTENT_TYPE_LATEST)


def docs_page(openapi_url: str, title: str) -> HTMLResponse:
    """Swagger UI from assets this server ships, so the docs work with no internet access."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url="/static/swagger/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger/swagger-ui.css",
        swagger_favicon_url="/static/swagger/favicon-32x32.png",
    )
    page.headers["Content-Security-Policy"] = DOCS_CSP
    return page


@router.get("/docs")
def docs() -> HTMLResponse:
    return docs_page("/api/v1/openapi.json", "Candidly API")


def swagger_assets() -> Path:
    import swagger_ui_bundle  # type: ignore[import-untyped]  # a folder of static files, no types

    return Path(swagger_ui_bundle.swagger_ui_path)
