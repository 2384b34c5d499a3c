"""No lost updates: concurrent writers on one application, and every acknowledged write is in the final state.

Writers are threads sharing one TestClient: the app runs each request on its own worker thread, so the writes
really race in the database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.helpers import Org, TestClient, make_opening

WRITERS = 8
WRITES_EACH = 6


def _race(writer: Callable[[int], tuple[list[str], int]]) -> tuple[list[str], int]:
    """Run WRITERS writers at once; (every label acknowledged, how many stale writes were retried)."""
    start = threading.Barrier(WRITERS)

    def run(n: int) -> tuple[list[str], int]:
        start.wait()
        return writer(n)

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(run, range(WRITERS)))
    return [label for labels, _ in results for label in labels], sum(retries for _, retries in results)


def _application(client: TestClient, org: Org) -> dict[str, Any]:
    opening = make_opening(client, org)
    body = {"opening_id": opening["id"], "candidate": {"first_name": "Ada"}}
    response = client.post("/api/v1/applications", json=body, headers=org.headers)
    assert response.status_code == 201
    return dict(response.json())


def test_read_etag_then_patch_with_if_match_loses_no_acknowledged_write(client: TestClient, org: Org) -> None:
    url = f"/api/v1/applications/{_application(client, org)['id']}"

    def writer(n: int) -> tuple[list[str], int]:
        acknowledged, retries = [], 0
        for k in range(WRITES_EACH):
            label = f"w{n}-{k}"
            while True:
                current = client.get(url, headers=org.headers)
                labels = [*current.json()["labels"], label]
                headers = {**org.headers, "If-Match": current.headers["etag"]}
                response = client.patch(url, json={"labels": labels}, headers=headers)
                if response.status_code != 412:
                    break
                retries += 1
            assert response.status_code == 200, response.text
            acknowledged.append(label)
        return acknowledged, retries

    acknowledged, retries = _race(writer)
    final = client.get(url, headers=org.headers).json()
    assert sorted(final["labels"]) == sorted(acknowledged)
    assert final["version"] == 1 + len(acknowledged) == 1 + WRITERS * WRITES_EACH
    print(f"\nlost updates (If-Match): {len(acknowledged)} writes checked, {retries} stale writes retried")


def test_label_additions_without_if_match_are_replayed_on_fresh_state(client: TestClient, org: Org) -> None:
    # TestInvite adds labels; without If-Match the core replays a write that lost the race, so none is lost.
    application = _application(client, org)
    url = f"/testinvite/api/integration/rest/v1/tasks/{application['opening_id']}/candidates/{application['id']}"

    def writer(n: int) -> tuple[list[str], int]:
        acknowledged = []
        for k in range(WRITES_EACH):
            response = client.patch(url, json={"fields": {"labels": {"add": [f"w{n}-{k}"]}}}, headers=org.headers)
            assert response.status_code == 200, response.text
            acknowledged.append(f"w{n}-{k}")
        return acknowledged, 0

    acknowledged, _ = _race(writer)
    final = client.get(f"/api/v1/applications/{application['id']}", headers=org.headers).json()
    assert sorted(final["labels"]) == sorted(acknowledged)
    assert final["version"] == 1 + len(acknowledged)
    print(f"\nlost updates (replayed): {len(acknowledged)} writes checked")
