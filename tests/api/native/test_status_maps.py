"""Native status maps: named tables from an external status id to a journey status, per organization."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.helpers import Org, TestClient, table_counts

ATS = {"name": "ATS", "entries": {"S-10": "Interview: Scheduled"}}


def test_a_status_map_is_created_listed_read_and_replaced_by_name(client: TestClient, org: Org) -> None:
    made = client.post("/api/v1/status-maps", json=ATS, headers=org.headers)
    assert made.status_code == 201
    assert (made.json()["name"], made.json()["entries"]) == ("ATS", ATS["entries"])
    client.post("/api/v1/status-maps", json={"name": "ATS", "entries": {"S-1": "Offer :  Sent "}}, headers=org.headers)
    listed = client.get("/api/v1/status-maps", headers=org.headers).json()
    assert [(m["id"], m["entries"]) for m in listed] == [(made.json()["id"], {"S-1": "Offer: Sent"})]
    assert client.get("/api/v1/status-maps/ATS", headers=org.headers).json()["entries"] == {"S-1": "Offer: Sent"}


def test_another_organizations_status_map_is_invisible(client: TestClient, org: Org, other_org: Org) -> None:
    client.post("/api/v1/status-maps", json=ATS, headers=org.headers)
    assert client.get("/api/v1/status-maps", headers=other_org.headers).json() == []
    assert client.get("/api/v1/status-maps/ATS", headers=other_org.headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # The surface's refusal; the other rules of a map are checked without HTTP in tests/service/test_people.py.
        ({"name": "ATS", "entries": {"S-1": "no colon"}}, "entries.S-1"),
    ],
)
def test_a_bad_status_map_is_refused_naming_the_field_and_writes_nothing(
    client: TestClient, org: Org, services: Services, body: dict[str, Any], field: str
) -> None:
    before = table_counts(services)
    response = client.post("/api/v1/status-maps", json=body, headers=org.headers)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert table_counts(services) == before
