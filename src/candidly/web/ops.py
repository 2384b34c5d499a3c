"""Operational endpoints: liveness, readiness, Prometheus metrics and the offline API docs."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from candidly.bootstrap import Services
from candidly.web.delivery_status import mail_warnings
from candidly.web.middleware import Metrics

router = APIRouter(include_in_schema=False)
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
)


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    db = services.database
    ready = db.ping() and db.at_head()
    body: dict[str, object] = {"status": "ready" if ready else "not ready"}
    if ready and (warnings := mail_warnings(services)):  # still ready: the API serves, mail waits
        body["warnings"] = warnings
    return JSONResponse(body, status_code=200 if ready else 503)


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
