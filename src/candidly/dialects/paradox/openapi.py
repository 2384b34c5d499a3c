"""The dialect's OpenAPI document: FastAPI's, plus Paradox's two security schemes (bearer token and HTTP Basic)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "The access_token of POST /auth/token (or a Candidly API key)"},
    "basic": {"type": "http", "scheme": "basic", "description": "client_id:client_secret, on any call"},
}  # fmt: skip


def document(app: FastAPI) -> dict[str, Any]:
    """Built once, then cached the way FastAPI caches its own; every operation accepts either scheme."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, servers=app.servers
        )
        schema.setdefault("components", {})["securitySchemes"] = SCHEMES
        schema["security"] = [{"bearer": []}, {"basic": []}]
        app.openapi_schema = schema
    return app.openapi_schema
