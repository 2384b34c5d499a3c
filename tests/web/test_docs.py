"""The documentation a new user opens first: /docs renders every surface's document, /openapi.json joins them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.access_page.live import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, candidly_server, require_chromium
from tests.helpers import TestClient

DOCUMENTS = {
    "Native API": "/api/v1/openapi.json",
    "TestInvite": "/testinvite/openapi.json",
    "InstaView": "/instaview/openapi.json",
    "Comeet": "/comeet/openapi.json",
    "Paradox": "/paradox/api/v1/public/openapi.json",
}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The documents do not depend on the database: one backend is enough."""
    return sqlite_url


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


@pytest.mark.parametrize("url", DOCUMENTS.values())
def test_every_surface_document_declares_how_to_authorize(client: TestClient, url: str) -> None:
    document = client.get(url).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes, url
    assert all(scheme["type"] in {"http", "apiKey", "oauth2"} for scheme in schemes.values())
    # Every operation names a declared scheme, but for a token endpoint, which takes credentials in its body, and a
    # signed file link, which carries its own signature.
    for path, operations in document["paths"].items():
        for operation in operations.values():
            requirements = operation.get("security", document.get("security", []))
            assert requirements or path.endswith("/auth/token") or path.startswith("/files/"), path
            assert all(set(r) <= set(schemes) for r in requirements), path


def test_the_combined_document_holds_every_surface_under_its_base_path(client: TestClient) -> None:
    combined = client.get("/openapi.json")
    assert combined.status_code == 200
    document = combined.json()
    assert document["openapi"].startswith("3.1")
    for name, url in DOCUMENTS.items():
        own = client.get(url).json()
        prefix = url.removesuffix("/openapi.json")
        assert {prefix + path for path in own["paths"]} <= set(document["paths"]), name
    schemas = document["components"]["schemas"]
    dangling = {r for r in refs(document) if r.removeprefix("#/components/schemas/") not in schemas}
    assert dangling == set()
    schemes = document["components"]["securitySchemes"]
    for operations in document["paths"].values():
        for operation in operations.values():
            assert all(set(r) <= set(schemes) for r in operation.get("security", []))


def test_the_docs_page_uses_the_bundled_viewer_and_lists_every_document(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    for url in DOCUMENTS.values():
        assert url in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert client.get(f"/static/swagger/{asset}").status_code == 200


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    with candidly_server(tmp_path_factory.mktemp("docs") / "candidly.db") as base:
        yield base


@pytest.mark.browser
@pytest.mark.slow
def test_the_docs_page_renders_each_document_in_a_browser(live: str) -> None:
    """In headless Chromium, with no network: each document chosen in the selector shows its operations."""
    from playwright.sync_api import sync_playwright

    shots = ARTIFACTS.parent / "docs"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page()
        blocked: list[str] = []
        tab.on("requestfailed", lambda r: blocked.append(r.url))
        tab.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        tab.goto(f"{live}/docs")
        for name, url in DOCUMENTS.items():
            tab.select_option("select", label=name)
            tab.wait_for_selector(f'.information-container a[href="{url}"]', timeout=20_000)
            tab.wait_for_selector(".opblock", timeout=20_000)
            assert "Unable to render" not in tab.content()
            operations = tab.locator(".opblock-summary-path").all_inner_texts()
            assert operations, name
            assert tab.locator(".btn.authorize").count() == 1, name
            tab.screenshot(path=str(Path(shots) / f"{name.split()[0].lower()}.png"), full_page=False)
        browser.close()
    assert blocked == []
