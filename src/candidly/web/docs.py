"""The API documentation: one offline Swagger UI page for every surface, and a combined OpenAPI document."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

router = APIRouter(include_in_schema=False)
ASSETS = "/static/swagger"
# Swagger UI runs one inline script (its configuration) and styles itself inline; everything else is ours.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
)
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Surface:
    """A mounted surface whose OpenAPI document the docs page lists."""

    name: str
    prefix: str
    app: FastAPI

    @property
    def openapi_url(self) -> str:
        return f"{self.prefix}/openapi.json"


def swagger_assets() -> Path:
    """The folder of Swagger UI's static files, shipped inside a Python package (no CDN)."""
    import swagger_ui_bundle  # type: ignore[import-untyped]  # a folder of static files, no types

    return Path(swagger_ui_bundle.swagger_ui_path)


def _surfaces(request: Request) -> list[Surface]:
    surfaces: list[Surface] = request.app.state.surfaces
    return surfaces


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """Swagger UI with a selector of every surface's document (the native API first)."""
    urls = [{"url": s.openapi_url, "name": s.name} for s in _surfaces(request)]
    page = HTMLResponse(_PAGE.replace("__URLS__", json.dumps(urls)).replace("__ASSETS__", ASSETS))
    page.headers["Content-Security-Policy"] = DOCS_CSP
    return page


@router.get("/openapi.json")
def combined_openapi(request: Request) -> JSONResponse:
    """Every surface's operations in one document, paths under their base paths, names kept apart by surface."""
    return JSONResponse(combine(_surfaces(request)))


def combine(surfaces: list[Surface]) -> dict[str, Any]:
    """Merge the surfaces' documents: schemas and security schemes are prefixed with the surface's tag."""
    combined: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Candidly: every surface",
            "version": "1",
            "description": "Each surface's own document is listed at /docs; this one joins them under their base paths.",
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
        "tags": [],
    }
    for surface in surfaces:
        _merge(combined, surface)
    return combined


def _merge(combined: dict[str, Any], surface: Surface) -> None:
    tag = surface.name.split()[0].lower()
    document = _renamed(copy.deepcopy(surface.app.openapi()), tag)
    components = document.get("components", {})
    combined["components"]["schemas"].update(components.get("schemas", {}))
    combined["components"]["securitySchemes"].update(components.get("securitySchemes", {}))
    combined["tags"].append({"name": surface.name, "description": document["info"].get("description", "")})
    security = document.get("security")
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["tags"] = [surface.name]
                if security is not None:
                    operation.setdefault("security", security)
        combined["paths"][surface.prefix + path] = operations


def _renamed(document: dict[str, Any], tag: str) -> dict[str, Any]:
    """The document with its schema and security scheme names prefixed by ``tag``, references included."""
    components = document.get("components", {})
    schemes = components.get("securitySchemes", {})
    components["schemas"] = {f"{tag}_{k}": v for k, v in components.get("schemas", {}).items()}
    components["securitySchemes"] = {f"{tag}_{k}": v for k, v in schemes.items()}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                node = {**node, "$ref": REF_PREFIX + tag + "_" + ref[len(REF_PREFIX) :]}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    renamed: dict[str, Any] = walk(document)

    def rename_requirements(requirements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{f"{tag}_{k}": v for k, v in r.items()} for r in requirements]

    if "security" in renamed:
        renamed["security"] = rename_requirements(renamed["security"])
    for operations in renamed.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = rename_requirements(operation["security"])
    return renamed


_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Candidly API</title>
  <link rel="stylesheet" href="__ASSETS__/swagger-ui.css">
  <link rel="icon" type="image/png" href="__ASSETS__/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="__ASSETS__/swagger-ui-bundle.js"></script>
  <script src="__ASSETS__/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      urls: __URLS__,
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    });
  </script>
</body>
</html>
"""
