"""An invitation code is a credential: the access log never shows it, whichever way the candidate comes in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from candidly.bootstrap import Services
from candidly.settings import Settings
from tests.access_page.conftest import candidate, sign_in
from tests.helpers import FakeClock, Org, TestClient, client_with


@pytest.fixture
def logged_client(settings: Settings, clock: FakeClock, services: Services) -> Iterator[TestClient]:
    with client_with(settings, clock, services, access_log=True) as client:
        yield client


def test_the_access_log_masks_invitation_codes(
    logged_client: TestClient, org: Org, task: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    code = candidate(logged_client, org, task)["invitationCode"]
    with caplog.at_level("INFO", logger="candidly.access"):
        assert logged_client.get(f"/access/{code}").status_code == 200
        assert logged_client.get(f"/access/{code.lower()}").status_code == 200
        sign_in(logged_client, code)
        logged_client.get("/access/steps")

    lines = [r.getMessage() for r in caplog.records if r.name == "candidly.access"]
    assert any('"path":"/access/[code]"' in line for line in lines)
    assert any('"path":"/access/steps"' in line for line in lines)  # the page's own paths stay readable
    assert not any(code in line or code.lower() in line for line in lines)
