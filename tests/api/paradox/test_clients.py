"""What two public Paradox clients do, replayed against Candidly (written from their behaviour, not their code).

- An Express proxy: gets a token by posting the form it was given; treats an answer as a success exactly when it
  has no ``errors`` key, and shows ``errors[0].message`` otherwise; sets ``candidate_journey_status`` with a JSON
  ``PUT /candidates/{id}``; deletes with ``DELETE /candidates/{id}``.
- A Python export: gets a token by form (``Accept: application/json``), then pages ``GET /candidates`` with
  ``limit``, ``note=true``, ``include_attributes=Yes`` and ``offset``: the first page's ``count`` fixes the last
  offset, ``((count - 1) // limit) * limit``; every item is flattened into one row (``candidate`` and ``stage``
  merged, ``note`` taken aside), and named fields are read from ``candidate.attributes`` with ``.get``.
"""

from __future__ import annotations

from typing import Any

from tests.api.paradox.conftest import BASE, new_candidate
from tests.helpers import Org, TestClient


class ProxyError(Exception):
    """What the proxy throws: the message of the first error."""


def proxy(client: TestClient, method: str, path: str, **kw: Any) -> dict[str, Any]:
    """The proxy's rule: ``data.errors`` absent is a success, else ``data.errors[0].message`` is the failure."""
    data = client.request(method, f"{BASE}{path}", **kw).json()
    if "errors" in data:
        raise ProxyError(data["errors"][0]["message"])
    return dict(data)


def test_the_express_proxy_gets_a_token_updates_a_journey_status_and_deletes(client: TestClient, org: Org) -> None:
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    token = proxy(client, "POST", "/auth/token", content="&".join(f"{k}={v}" for k, v in form.items()),
                  headers=headers)  # fmt: skip
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    made = new_candidate(client, auth)
    body = {"candidate_journey_status": "Interview: Scheduled"}
    updated = proxy(client, "PUT", f"/candidates/{made['OID']}", json=body, headers=auth)
    assert updated["candidate"]["candidate_journey_status"] == "Interview: Scheduled"
    assert proxy(client, "DELETE", f"/candidates/{made['OID']}", headers=auth) == {"success": True}


def test_the_express_proxy_sees_every_failure_as_one_with_a_message(client: TestClient, org: Org) -> None:
    failures = [
        ("POST", "/auth/token", {"data": {"grant_type": "client_credentials", "client_id": org.key_id,
                                          "client_secret": "wrong"}}),
        ("PUT", "/candidates/1", {"json": {"candidate_journey_status": "x"}}),  # no token
        ("PUT", "/candidates/999", {"json": {"candidate_journey_status": "A: B"}, "headers": org.headers}),
        ("PUT", "/candidates/x", {"json": {"candidate_journey_status": "no colon"}, "headers": org.headers}),
        ("DELETE", "/candidates/999", {"headers": org.headers}),
    ]  # fmt: skip
    messages = []
    for method, path, kw in failures:
        try:
            proxy(client, method, path, **kw)
        except ProxyError as exc:
            messages.append(str(exc))
    assert len(messages) == len(failures) and all(messages)


def export(client: TestClient, org: Org, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The export's paging and flattening; the rows and the total it announced."""
    form = {"client_id": org.key_id, "client_secret": org.token, "grant_type": "client_credentials"}
    token = client.post(f"{BASE}/auth/token", data=form, headers={"Accept": "application/json"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    offset, count, rows = 0, 0, []
    while True:
        params = {"limit": limit, "note": "true", "include_attributes": "Yes", "offset": offset}
        data = client.get(f"{BASE}/candidates", params=params, headers=headers).json()
        candidates = data.get("candidates", [])
        if not candidates:
            break
        if count == 0:
            count = data.get("count", 0)
            max_offset = ((count - 1) // limit) * limit
        for item in candidates:
            rows.append(flatten(item))
        if offset >= max_offset:
            break
        offset += limit
    return rows, count


def flatten(item: dict[str, Any]) -> dict[str, Any]:
    """One row: the item's own columns, then the candidate's and the stage's; a clash would fail the join."""
    row = {k: v for k, v in item.items() if k not in ("candidate", "stage", "note")}
    for part in (item["candidate"], item["stage"]):
        assert not set(part) & set(row), f"columns overlap: {set(part) & set(row)}"
        row.update(part)
    row["notes"] = item["note"]
    attributes = row["attributes"]
    row.update({name: attributes.get(key) for name, key in (("city", "city"), ("birth_date", "__birthdate"))})
    return row


def test_the_python_export_pages_by_count_and_offset_and_reads_the_item_shape(client: TestClient, org: Org) -> None:
    for i in range(7):
        new_candidate(client, org.headers, email=f"c{i}@example.com", note=f"note {i}",
                      candidate_attribute_data={"city": f"City {i}", "__birthdate": "1990-01-01"},
                      candidate_journey_status="Screen: Passed")  # fmt: skip
    rows, count = export(client, org, limit=3)
    assert count == 7
    assert [r["email"] for r in rows] == [f"c{i}@example.com" for i in range(7)]
    assert [r["notes"] for r in rows] == [f"note {i}" for i in range(7)]
    assert [r["city"] for r in rows] == [f"City {i}" for i in range(7)]
    assert {(r["birth_date"], r["stage_name"], r["status_name"]) for r in rows} == {("1990-01-01", "Screen", "Passed")}


def test_the_python_export_of_an_empty_company_stops_at_once(client: TestClient, org: Org) -> None:
    assert export(client, org, limit=50) == ([], 0)


def test_attributes_is_an_object_even_for_a_candidate_without_any(client: TestClient, org: Org) -> None:
    new_candidate(client, org.headers)
    rows, _ = export(client, org, limit=50)
    assert rows[0]["attributes"] == {} and rows[0]["city"] is None
