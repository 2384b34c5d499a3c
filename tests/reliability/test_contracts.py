"""What each OpenAPI document promises: its own error envelope, and a bound on every string, list and map sent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import TestClient
from tests.reliability.surfaces import DOCUMENTS

BOUNDED = list(DOCUMENTS)
# Bounded otherwise: a pattern with a length, or a map whose keys the translation checks one by one.
EXEMPT = {"body.phoneNumber", "body.steps{}"}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def unbounded(
    document: dict[str, Any], schema: dict[str, Any], path: str, seen: frozenset[str] = frozenset()
) -> list[str]:
    """Paths in ``schema`` of strings without maxLength, arrays without maxItems, maps without maxProperties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = document["components"]["schemas"][name]
        return [] if name in seen else unbounded(document, target, path, seen | {name})
    found = [
        p
        for key in ("anyOf", "oneOf", "allOf")
        for sub in schema.get(key, [])
        for p in unbounded(document, sub, path, seen)
    ]
    kind, extra = schema.get("type"), schema.get("additionalProperties")
    if kind == "string" and not {"maxLength", "enum", "const"} & schema.keys() and "format" not in schema:
        found.append(path)
    if kind == "array":
        found += [] if "maxItems" in schema else [path]
        found += unbounded(document, schema.get("items", {}), f"{path}[]", seen)
    if kind == "object" and extra is not False and not schema.get("properties"):
        found += [] if "maxProperties" in schema else [path]
    if isinstance(extra, dict):
        found += unbounded(document, extra, f"{path}{{}}", seen)
    for name, sub in schema.get("properties", {}).items():
        found += unbounded(document, sub, f"{path}.{name}", seen)
    return found


@pytest.mark.parametrize("document", DOCUMENTS)
def test_errors_are_documented_in_the_surfaces_envelope(client: TestClient, document: str) -> None:
    response = client.get(document)
    if response.status_code == 404:
        pytest.skip(f"{document} is not served")
    spec = response.json()
    assert "HTTPValidationError" not in spec["components"]["schemas"], "FastAPI's 422 body, which no surface sends"
    assert all("4XX" in op["responses"] for item in spec["paths"].values() for op in item.values())


@pytest.mark.parametrize("document", BOUNDED)
def test_every_string_list_and_map_a_client_sends_is_bounded(client: TestClient, document: str) -> None:
    spec = client.get(document).json()
    found = []
    for route, item in spec["paths"].items():
        for method, operation in item.items():
            parameters = [p for p in operation.get("parameters", []) if p["in"] != "path"]  # the server bounds a path
            found += [
                f"{method} {route} {p['in']}.{p['name']}" for p in parameters if unbounded(spec, p["schema"], "x")
            ]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                found += [f"{method} {route} {p}" for p in unbounded(spec, media["schema"], "body") if p not in EXEMPT]
    assert found == []
