"""CV anonymization finishes on any 50,000-character CV (no backtracking) and writes a full name as one [NAME]."""

from __future__ import annotations

import threading

import pytest

from candidly.bootstrap import Services
from candidly.domain.anonymize import anonymize_cv
from tests.api.instaview.conftest import BASE, new_candidate
from tests.helpers import Org, TestClient, make_key, table_counts

CV_MAX = 50_000
# Shapes that made the old patterns rescan the rest of the text from every position (seconds each, in the
# write transaction): long runs of address characters with no '@', digit runs that end in a letter, and so on.
ADVERSARIAL = {
    "letters": "a" * CV_MAX,
    "dotted letters": "a." * (CV_MAX // 2),
    "address characters": "ab.c+d-" * (CV_MAX // 7),
    "digits then a letter": "1" * (CV_MAX - 1) + "a",
    "digits and dashes": "1-" * (CV_MAX // 2),
    "digits and spaces": "1 " * (CV_MAX // 2),
    "many at signs": "a@" * (CV_MAX // 2),
    "half addresses": "x@x." * (CV_MAX // 4),
    "url schemes": "http://" * (CV_MAX // 7),
    "names": "Jane " * (CV_MAX // 5),
}
# Generous: the fixed patterns take milliseconds; the old ones took 5 to 14 seconds on several of these shapes.
WATCHDOG_SECONDS = 5.0


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_any_50000_character_cv_is_anonymized_without_backtracking(text: str) -> None:
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(anonymize_cv(text, ["Jane", "Doe"])), daemon=True)
    worker.start()
    worker.join(WATCHDOG_SECONDS)
    assert not worker.is_alive(), f"anonymizing did not finish within {WATCHDOG_SECONDS} s"
    assert len(done) == 1


def test_a_full_name_is_one_placeholder_as_the_seed_shows() -> None:
    cv = "Jane Doe\nSoftware Engineer\nJANE  DOE led the team; ask Doe, or jane@example.com"
    assert (
        anonymize_cv(cv, ["Jane", "", "Doe"])
        == "[NAME]\nSoftware Engineer\n[NAME] led the team; ask [NAME], or [EMAIL]"
    )


def test_a_name_line_with_another_given_name_is_one_placeholder_and_prose_keeps_its_words() -> None:
    cv = "Jane Doe\nSoftware Engineer\n  Anne-Marie O'Neil Doe\r\nWorked with Jane Doe at Acme"
    assert anonymize_cv(cv, ["John", "Doe"]) == (
        "[NAME]\nSoftware Engineer\n  [NAME]\r\nWorked with Jane [NAME] at Acme"
    )


def test_a_long_adversarial_cv_goes_through_the_api_and_is_stored_anonymized(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org, firstName="Jane", lastName="Doe")
    cv = "Jane Doe " + "1" * 40_000 + "a " + "x" * 9_000
    response = client.patch(f"{BASE}/candidates/{person['id']}", json={"cv": cv}, headers=org.headers)
    assert response.status_code == 200, response.text
    assert response.json()["cv"].startswith("[NAME] 111")


def test_a_rename_anonymizes_the_new_name_in_the_stored_cv(client: TestClient, org: Org) -> None:
    person = new_candidate(client, org, firstName="Jnae", lastName="Doe", cv="Jane Doe, engineer; Jane likes Python")
    assert person["cv"] == "Jane [NAME], engineer; Jane likes Python"  # the name as first typed
    url = f"{BASE}/candidates/{person['id']}"
    renamed = client.patch(url, json={"firstName": "Jane"}, headers=org.headers).json()
    assert renamed["cv"] == "[NAME], engineer; [NAME] likes Python"


def test_a_key_that_may_not_write_is_refused_before_its_cv_is_touched(
    client: TestClient, org: Org, services: Services
) -> None:
    person = new_candidate(client, org)
    reader = make_key(client, org, ["read:candidates"])
    before = table_counts(services)
    response = client.patch(f"{BASE}/candidates/{person['id']}", json={"cv": "a" * CV_MAX}, headers=reader)
    assert (response.status_code, response.json()["code"]) == (403, "INSUFFICIENT_PERMISSIONS")
    assert table_counts(services) == before
