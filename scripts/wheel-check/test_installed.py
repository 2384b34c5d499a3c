"""Run by scripts/check-wheel in a fresh environment: the installed package serves and its pytest plugin works."""

import sys
from typing import Any

import httpx
import pytest

import candidly
from candidly.testing import Candidly, Clock, Outbox


def test_the_package_comes_from_the_environment_not_a_checkout() -> None:
    assert "site-packages" in candidly.__file__, candidly.__file__
    assert sys.prefix in candidly.__file__


@pytest.mark.candidly_scenario("scenario.yaml")
def test_candidly_serve_and_the_fixtures(
    candidly: Candidly, candidly_scenario: dict[str, Any], candidly_clock: Clock, candidly_outbox: Outbox
) -> None:
    assert httpx.get(f"{candidly.base_url}/readyz").status_code == 200
    org = candidly_scenario["organizations"]["Installed"]
    task = org["openings"]["Smoke test"]
    testinvite = org["credentials"]["testinvite"]
    httpx.post(
        f"{testinvite['base_url']}/api/integration/rest/v1/tasks/{task['id']}/candidates",
        json={
            "kind": "temporary-candidate",
            "fullname": "Ada Lovelace",
            "email": "ada@example.com",
            "inviteByEmail": {"emailTemplateName": "invite"},
        },
        headers={"Authorization": f"Bearer {testinvite['api_key']}"},
    ).raise_for_status()
    [email] = candidly_outbox.emails(to="ada@example.com")
    assert email.subject == "Welcome to Smoke test"
    before = candidly_clock.now()
    assert (candidly_clock.advance(hours=25) - before).total_seconds() >= 25 * 3600
