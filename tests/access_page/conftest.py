"""Access page fixtures: a task with steps in every state, candidates made through TestInvite, and page readers."""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.helpers import FakeClock, Org, TestClient, make_opening

TI = "/testinvite/api/integration/rest/v1/tasks"


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def task_steps(now: datetime, launch: str = "https://tests.example") -> list[dict[str, Any]]:
    """Four steps relative to ``now``: open with one attempt, not open yet, switched off, past its window."""
    return [
        {"key": "s1", "name": "Coding test", "attempt_limit": 1, "launch_url": f"{launch}/coding"},
        {"key": "s2", "name": "Personality", "active_after": iso(now + timedelta(days=10)),
         "launch_url": f"{launch}/personality"},
        {"key": "s3", "name": "Video interview", "active": False, "launch_url": f"{launch}/video"},
        {"key": "s4", "name": "Old quiz", "active_before": iso(now - timedelta(days=1)), "attempt_limit": 2,
         "launch_url": f"{launch}/quiz"},
    ]  # fmt: skip


def make_task(client: TestClient, org: Org, now: datetime, launch: str = "https://tests.example", **kw: Any) -> Any:
    body: dict[str, Any] = {"steps": task_steps(now, launch), "programs": [{"name": "Short", "step_keys": ["s1"]}]}
    return make_opening(client, org, **{**body, **kw})


@pytest.fixture
def task(client: TestClient, org: Org, clock: FakeClock) -> dict[str, Any]:
    task: dict[str, Any] = make_task(client, org, clock.now())
    return task


def candidate(client: TestClient, org: Org, task: dict[str, Any], **body: Any) -> dict[str, Any]:
    """A temporary candidate created through TestInvite, as its basic object (code, direct link, loggedIn)."""
    response = client.post(
        f"{TI}/{task['id']}/candidates", json={"kind": "temporary-candidate", **body}, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def read_candidate(client: TestClient, org: Org, task: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"{TI}/{task['id']}/candidates/{cand['candidateId']}", headers=org.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def sign_in(client: TestClient, code: str, **headers: str) -> Any:
    return client.post("/access/", data={"code": code}, headers=headers, follow_redirects=False)


class Page(HTMLParser):
    """What a reader of the page gets: its language, headings, alerts, steps, buttons and form tokens."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.h1 = ""
        self.alert = ""
        self.steps: dict[str, dict[str, Any]] = {}
        self.token = ""
        self.buttons: list[str] = []
        self.forms: list[str] = []
        self.urls: list[str] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._step: dict[str, Any] | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "li" and "step" in a.get("class", "").split():
            self._step = {"status": "", "attempts": "", "note": "", "start": False}
        if tag == "input" and a.get("name") == "token":
            self.token = a["value"]
        if tag == "form":
            self.forms.append(a.get("action", ""))
        self.urls += [a[k] for k in ("href", "src") if k in a]
        if tag not in ("input", "meta", "link", "br"):
            self._stack.append((tag, a))
            self._text = [] if tag in ("h1", "h3", "p", "button", "title") else self._text

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        _, attrs = self._stack.pop()
        text = " ".join("".join(self._text).split())
        inside_alert = any(a.get("role") == "alert" for _, a in self._stack)
        if tag == "title":
            self.title = text
        elif tag == "h1":
            self.h1 = text
        elif tag == "p" and inside_alert:
            self.alert = f"{self.alert} {text}".strip()
        elif tag == "button":
            self.buttons.append(text)
            if self._step is not None:
                self._step["start"] = True
        elif self._step is not None and tag == "h3":
            self._step["name"] = text
        elif self._step is not None and tag == "p":
            self._step[attrs.get("class", "")] = text
        elif tag == "li" and self._step is not None:
            self.steps[self._step.pop("name")] = self._step
            self._step = None
