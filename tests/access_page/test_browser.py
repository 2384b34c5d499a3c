"""End to end in headless Chromium against a real server: what a candidate sees and does, and what it changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.access_page.conftest import task_steps
from tests.access_page.live import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Launcher,
    candidly_server,
    launcher,
    require_chromium,
)
from tests.helpers import SAMPLE_OPENING, operator_headers

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TI = "/testinvite/api/integration/rest/v1/tasks"


class Site:
    """The live server as an organizer's integration sees it: one organization, one task, its API key."""

    def __init__(self, base: str, launch: Launcher) -> None:
        self.base = base
        self.api = httpx.Client(base_url=base, timeout=30)
        org = self.api.post("/api/v1/organizations", json={"name": "Acme"}, headers=operator_headers()).json()
        self.headers = {"Authorization": f"Bearer {org['api_key']['token']}"}
        self.launch = launch
        opening = {**SAMPLE_OPENING, "steps": task_steps(datetime.now(UTC), launch.url), "programs": []}
        created = self.api.post("/api/v1/openings", json=opening, headers=self.headers)
        assert created.status_code == 201, created.text
        self.task = created.json()

    def candidate(self, **body: Any) -> dict[str, Any]:
        """A candidate created through TestInvite, as its basic object (code, direct link, loggedIn)."""
        body = {"kind": "temporary-candidate", "fullname": "Ada Lovelace", **body}
        response = self.api.post(f"{TI}/{self.task['id']}/candidates", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def logged_in(self, cand: dict[str, Any]) -> bool:
        response = self.api.get(f"{TI}/{self.task['id']}/candidates/{cand['candidateId']}", headers=self.headers)
        assert response.status_code == 200, response.text
        return bool(response.json()["loggedIn"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_chromium()
    with launcher() as launch, candidly_server(tmp_path_factory.mktemp("access") / "candidly.db") as base:
        made = Site(base, launch)
        yield made
        made.api.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser profile in English; CSP violations reported by the browser fail the test."""
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    complaints: list[str] = []
    tab.on("console", lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None)
    tab.shot = lambda name: screenshot(tab, request.node.name, name)
    yield tab
    context.close()
    assert complaints == []


def screenshot(tab: Any, test: str, name: str) -> Path:
    """Kept as a CI artifact under artifacts/access/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', test)}-{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def enter_code(tab: Any, site: Site, code: str) -> None:
    """What a keyboard user does: tab to the field, type the code, press Enter."""
    tab.goto(f"{site.base}/access/")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "code"
    tab.keyboard.type(code)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")


def step_item(tab: Any, name: str) -> Any:
    return tab.get_by_role("listitem").filter(has=tab.get_by_role("heading", name=name, level=3))


def test_a_valid_code_lists_the_steps_with_what_each_allows_now(page: Any, site: Site) -> None:
    cand = site.candidate()
    enter_code(page, site, cand["invitationCode"])
    assert page.url == f"{site.base}/access/steps"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Backend assessment"
    assert page.get_by_role("heading", level=3).all_inner_texts() == [
        "Coding test", "Personality", "Video interview", "Old quiz"]  # fmt: skip
    assert "Open" in step_item(page, "Coding test").inner_text()
    assert "1 attempt left" in step_item(page, "Coding test").inner_text()
    assert "Not open yet: opens on" in step_item(page, "Personality").inner_text()
    assert "Closed" in step_item(page, "Video interview").inner_text()
    assert "Closed on" in step_item(page, "Old quiz").inner_text()
    # One start button, named with its step for screen readers: "Start Coding test", not just "Start".
    assert page.get_by_role("button", name=re.compile("^Start")).count() == 1
    assert page.get_by_role("button", name="Start Coding test", exact=True).count() == 1
    # Candidly's own stylesheet is applied (the CSP let it in): the page background is its wash colour.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(243, 245, 248)"
    page.shot("steps")


def test_a_step_at_its_attempt_limit_cannot_be_started(page: Any, site: Site) -> None:
    cand = site.candidate()
    enter_code(page, site, cand["invitationCode"])
    page.get_by_role("button", name="Start Coding test").click()
    page.wait_for_url(f"{site.launch.url}/coding")
    assert page.get_by_role("heading", level=1).inner_text() == "Test launched"
    # The launcher learns nothing about the page the candidate came from (the invitation code stays here).
    arrival = next(v for v in site.launch.visits if v["path"] == "/coding")
    assert "referer" not in arrival
    page.goto(f"{site.base}/access/steps")
    coding = step_item(page, "Coding test")
    assert "No attempts left" in coding.inner_text()
    assert coding.get_by_role("button").count() == 0
    page.shot("attempt-limit")
    sessions = site.api.get(f"{TI}/{site.task['id']}/test-instances", params={"candidateId": cand["candidateId"]},
                            headers=site.headers).json()["testInstances"]  # fmt: skip
    assert [s["status"] for s in sessions] == ["STARTED"]


def test_logging_in_flips_logged_in_and_testinvite_then_refuses_the_delete(page: Any, site: Site) -> None:
    cand = site.candidate()
    page.goto(cand["directAccessUrl"])
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome"
    page.shot("direct-link")
    assert site.logged_in(cand) is False  # opening the link alone changes nothing
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{site.base}/access/steps")
    assert site.logged_in(cand) is True
    deleted = site.api.delete(f"{TI}/{site.task['id']}/candidates/{cand['candidateId']}", headers=site.headers)
    assert deleted.status_code == 403


def test_an_out_of_window_candidate_gets_the_message(page: Any, site: Site) -> None:
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    cand = site.candidate(dates={"after": int(opens.timestamp())})
    page.goto(cand["directAccessUrl"])
    alert = page.get_by_role("alert")
    assert alert.inner_text() == f"Your access opens on {opens:%Y-%m-%d %H:%M} UTC. Please come back then."
    assert page.get_by_role("button", name="Continue").count() == 0
    page.shot("not-yet")
    enter_code(page, site, cand["invitationCode"])
    assert "Your access opens on" in page.get_by_role("alert").inner_text()
    assert site.logged_in(cand) is False


def test_a_wrong_code_is_refused(page: Any, site: Site) -> None:
    enter_code(page, site, "ZZZZ-ZZZZ-ZZZZ")
    assert page.url == f"{site.base}/access/"
    assert page.get_by_role("alert").inner_text() == "This invitation code is not valid. Check it and try again."
    assert page.title().startswith("Error: ")
    # Focus is back in the field, which says it is invalid and is described by the error.
    assert page.evaluate("document.activeElement.id") == "code"
    field = page.get_by_label("Invitation code")
    assert field.get_attribute("aria-invalid") == "true"
    assert "error" in (field.get_attribute("aria-describedby") or "").split()
    page.shot("wrong-code")
    assert page.context.cookies() == []


def test_the_page_speaks_turkish_to_a_turkish_candidate(page: Any, site: Site) -> None:
    cand = site.candidate(lang="tr")
    page.goto(cand["directAccessUrl"])
    assert page.locator("html").get_attribute("lang") == "tr"
    page.get_by_role("button", name="Devam et").click()
    page.wait_for_url(f"{site.base}/access/steps")
    assert page.get_by_role("heading", level=2).inner_text() == "Adımlarınız"  # noqa: RUF001 - Turkish
    page.shot("turkish")
