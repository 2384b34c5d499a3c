"""The page itself: the candidate's language, accessible markup, its own stylesheet only, strict security headers."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest

from candidly.access_page.i18n import SUPPORTED, choose
from tests.access_page.conftest import Page, candidate, sign_in
from tests.helpers import Org, TestClient, make_opening

CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


@pytest.mark.parametrize(
    ("lang", "steps_heading", "first_status"),
    [("en", "Your steps", "Open"), ("tr", "Adımlarınız", "Açık"), ("de", "Ihre Schritte", "Offen")],  # noqa: RUF001 - Turkish
)
def test_the_steps_page_speaks_the_candidates_language(
    client: TestClient, org: Org, task: dict[str, Any], lang: str, steps_heading: str, first_status: str
) -> None:
    cand = candidate(client, org, task, lang=lang)
    sign_in(client, cand["invitationCode"], **{"Accept-Language": "fr"})
    html = client.get("/access/steps").text
    page = Page(html)
    assert page.lang == lang
    assert f"<h2>{steps_heading}</h2>" in html
    assert page.steps["Coding test"]["status"] == first_status


def test_without_the_candidates_language_the_openings_then_the_browsers_is_used(client: TestClient, org: Org) -> None:
    german = make_opening(client, org, language="de")
    cand = candidate(client, org, german)
    cleared = client.patch(f"/api/v1/applications/{cand['candidateId']}", json={"language": None}, headers=org.headers)
    assert (cleared.status_code, cleared.json()["language"]) == (200, None), cleared.text
    assert Page(client.get(f"/access/{cand['invitationCode']}").text).h1 == "Willkommen"
    assert Page(client.get("/access/", headers={"Accept-Language": "de;q=0.5, tr"}).text).lang == "tr"
    assert Page(client.get("/access/", headers={"Accept-Language": "fr, *"}).text).lang == "en"
    assert choose(None, "xx", accept_language="de-AT;q=0.9, en;q=0.8") == "de"


def test_every_catalog_has_every_message_with_the_same_placeholders() -> None:
    folder = resources.files("candidly.access_page") / "locales"
    catalogs = {lang: json.loads((folder / f"{lang}.json").read_text(encoding="utf-8")) for lang in SUPPORTED}

    def family(key: str) -> str:  # plural forms differ by language: Turkish has one
        return re.sub(r"_(one|other)$", "", key)

    def placeholders(catalog: dict[str, str], key: str) -> set[str]:
        return {p for k, v in catalog.items() if family(k) == key for p in re.findall(r"{(\w+)}", v)}

    english = {family(k) for k in catalogs["en"]}
    for lang, catalog in catalogs.items():
        assert {family(k) for k in catalog} == english, lang
        assert all(f"{k}_other" in catalog for k in english if f"{k}_other" in catalogs["en"]), lang
        for key in english:
            assert placeholders(catalog, key) == placeholders(catalogs["en"], key), (lang, key)


def test_forms_label_every_field_and_errors_are_announced_and_tied_to_the_field(client: TestClient) -> None:
    response = client.get("/access")  # redirected to /access/
    assert (response.status_code, str(response.url)) == (200, "http://testserver/access/")
    html = response.text
    assert '<label for="code">' in html and 'id="code"' in html
    assert re.search(r"<main>\s*<h1>", html)
    wrong = sign_in(client, "ZZZZ-ZZZZ-ZZZZ").text
    assert 'role="alert" id="error"' in wrong
    assert re.search(
        r'<input id="code"[^>]*aria-describedby="code-hint error"[^>]*aria-invalid="true" autofocus', wrong
    )


def test_pages_carry_a_strict_csp_deny_framing_and_load_only_candidlys_stylesheet(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    cand = candidate(client, org, task)
    pages = [client.get("/access/"), client.get(f"/access/{cand['invitationCode']}"), sign_in(client, "ZZZZ-ZZZZ-ZZZZ")]
    sign_in(client, cand["invitationCode"])
    steps = client.get("/access/steps")
    for response in [*pages, steps]:
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert Page(response.text).urls == ["/access/static/access.css"]
        assert "<script" not in response.text and "style=" not in response.text
    for response in pages:
        assert response.headers["content-security-policy"] == CSP
    # The steps page may also post to where its start buttons lead (the 303 after a form post is checked too).
    assert steps.headers["content-security-policy"] == CSP.replace(
        "form-action 'self'", "form-action 'self' https://tests.example"
    )
    css = client.get("/access/static/access.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert "http" not in css.text and "@import" not in css.text


def test_unknown_pages_are_pages_in_the_visitors_language_not_json(client: TestClient) -> None:
    response = client.get("/access/steps/nothing/here", headers={"Accept-Language": "tr"})
    assert response.status_code == 404
    assert (Page(response.text).lang, Page(response.text).h1) == ("tr", "Bu sayfa mevcut değil.")
    assert response.headers["content-security-policy"] == CSP
    assert client.get("/access/steps/x/start").status_code == 405
