"""TestInvite tasks: list and page them, read one's steps and programs, search them, and create a candidate
with what a task shows, without the native API beyond setting the task up."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from candidly.bootstrap import Services
from tests.helpers import Org, TestClient, make_key, make_opening, table_counts

TASKS = "/testinvite/api/integration/rest/v1/tasks"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: tasks are rendered from the same openings table on both backends."""
    return sqlite_url


def test_tasks_are_listed_a_page_at_a_time(client: TestClient, org: Org) -> None:
    made = [make_opening(client, org, name=f"Assessment {i}") for i in range(5)]
    make_opening(client, org, kind="job", name="Assessment job")  # not a task
    first = client.get(f"{TASKS}?limit=2", headers=org.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [t["taskId"] for t in body["tasks"]] == [made[0]["id"], made[1]["id"]]
    assert set(body["tasks"][0]) == {"taskId", "title", "createdAt"}
    assert body["tasks"][0]["title"] == "Assessment 0" and body["tasks"][0]["createdAt"] == 1768467600
    assert body["pagination"] == {"totalItems": 5, "totalPages": 3, "currentPage": 1, "limit": 2,
                                  "next": "?limit=2&page=2&mode=basic", "previous": None}  # fmt: skip
    last = client.get(f"{TASKS}?limit=2&page=3&mode=detailed", headers=org.headers).json()
    assert [t["taskId"] for t in last["tasks"]] == [made[4]["id"]] and "steps" in last["tasks"][0]
    assert last["pagination"]["next"] is None
    assert parse_qs(last["pagination"]["previous"][1:]) == {"limit": ["2"], "page": ["2"], "mode": ["detailed"]}


def test_the_title_filter_is_a_case_insensitive_contains_kept_by_the_links(client: TestClient, org: Org) -> None:
    wanted = [make_opening(client, org, name=n)["id"] for n in ("Backend Assessment", "backend screening")]
    make_opening(client, org, name="Frontend")
    body = client.get(f"{TASKS}?title=BACKEND&limit=1", headers=org.headers).json()
    assert [t["taskId"] for t in body["tasks"]] == wanted[:1] and body["pagination"]["totalItems"] == 2
    following = client.get(TASKS + body["pagination"]["next"], headers=org.headers).json()
    assert [t["taskId"] for t in following["tasks"]] == wanted[1:]


def test_one_task_shows_its_steps_programs_templates_and_language(client: TestClient, org: Org) -> None:
    settings = {"folder": "Engineering", "labels": ["backend"], "tags": {"team": "core"}, "favorite": True,
                "access_method": "double-credential"}  # fmt: skip
    task = make_opening(client, org, language="de", settings=settings)
    s1, s2 = task["steps"][0]["id"], task["steps"][1]["id"]
    response = client.get(f"{TASKS}/{task['id']}?mode=detailed", headers=org.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["taskId"] == task["id"] and body["title"] == "Backend assessment" and body["lang"] == "de"
    assert (body["folder"], body["labels"], body["tags"], body["favorite"]) == ("Engineering", ["backend"],
                                                                                {"team": "core"}, True)  # fmt: skip
    assert body["accessMethod"] == "double-credential" and body["organizationId"] == org.id and body["active"]
    first, second = body["steps"]
    assert (first["id"], first["title"], first["active"]) == (s1, "Coding test", True)
    assert (first["activeAfter"], first["activeBefore"], first["attemptLimit"]) == (None, 1893456000, 1)
    assert (second["id"], second["title"], second["attemptLimit"]) == (s2, "Personality", -1)
    assert first["test"] == {"testId": s1, "organizationId": org.id, "source": "own-test"}
    assert body["programs"] == [{"uuid": task["programs"][0]["id"], "name": "Fast track", "stepIds": [s1]}]
    assert body["emailTemplates"] == [{"name": "invite", "subject": "Your {{ opening.name }} invitation"}]
    basic = client.get(f"{TASKS}/{task['id']}", headers=org.headers).json()
    assert basic == {"taskId": task["id"], "title": "Backend assessment", "createdAt": 1768467600}


def test_a_task_without_settings_shows_testinvite_defaults(client: TestClient, org: Org) -> None:
    task = make_opening(client, org, language="ja")
    body = client.get(f"{TASKS}/{task['id']}?mode=detailed", headers=org.headers).json()
    assert (body["lang"], body["folder"], body["labels"], body["tags"], body["favorite"]) == ("default", "", [], {},
                                                                                              False)  # fmt: skip
    assert body["accessMethod"] == "invitation-code" and body["stages"] == []


def test_a_candidate_is_created_with_what_the_task_shows(client: TestClient, org: Org) -> None:
    make_opening(client, org, name="Backend assessment")  # the setup; from here on, only TestInvite's API
    found = client.get(f"{TASKS}?title=backend&mode=detailed", headers=org.headers).json()["tasks"][0]
    step, program = found["steps"][0], found["programs"][0]
    body = {
        "kind": "temporary-candidate", "fullname": "Ada Lovelace", "email": "ada@example.com",
        "programIds": [program["uuid"]], "inviteByEmail": {"emailTemplateName": found["emailTemplates"][0]["name"]},
        "customizedSteps": [{"stepId": step["id"], "customization": {"activeAfter": 1768500000}}],
    }  # fmt: skip
    created = client.post(f"{TASKS}/{found['taskId']}/candidates", json=body, headers=org.headers)
    assert created.status_code == 200, created.text
    candidate = created.json()
    assert candidate["taskId"] == found["taskId"] and candidate["fullname"] == "Ada Lovelace"
    listed = client.get(f"{TASKS}/{found['taskId']}/candidates", headers=org.headers).json()["candidates"]
    assert [c["candidateId"] for c in listed] == [candidate["candidateId"]]


def test_the_filter_body_keeps_tasks_that_satisfy_every_filter(client: TestClient, org: Org) -> None:
    def task(name: str, **settings: Any) -> str:
        return str(make_opening(client, org, name=name, settings=settings)["id"])

    a = task("Alpha", folder="Eng", labels=["x", "y"], favorite=True)
    b = task("Beta", folder="Eng", labels=["y"])
    c = task("Gamma", folder="Sales", labels=["x"], favorite=True)
    task("Delta")

    def search(body: dict[str, Any] | None, query: str = "") -> list[str]:
        response = client.post(f"{TASKS}/filter{query}", json=body, headers=org.headers)
        assert response.status_code == 200, response.text
        return [t["taskId"] for t in response.json()["tasks"]]

    assert search({"folder": ["Eng"]}) == [a, b]
    assert search({"labels": ["x"]}) == [a, c]
    assert search({"favorite": True, "labels": ["x"]}) == [a, c]
    assert search({"favorite": False, "folder": ["Eng", "Sales"]}) == [b]
    assert search({"title": "AMM", "favorite": True}) == [c]
    assert len(search(None)) == len(search({})) == 4
    paged = client.post(f"{TASKS}/filter?limit=1&page=2", json={"folder": ["Eng"]}, headers=org.headers).json()
    assert [t["taskId"] for t in paged["tasks"]] == [b]
    assert paged["pagination"] == {"totalItems": 2, "totalPages": 2, "currentPage": 2, "limit": 1,
                                   "next": None, "previous": "?limit=1&page=1&mode=basic"}  # fmt: skip
    # The search page writes the path without v1.
    unversioned = client.post("/testinvite/api/integration/rest/tasks/filter", json={"labels": ["y"]},
                              headers=org.headers)  # fmt: skip
    assert [t["taskId"] for t in unversioned.json()["tasks"]] == [a, b]


@pytest.mark.parametrize(
    ("query", "body", "named"),
    [("", {"favorite": "yes"}, "favorite"), ("", {"folder": "Eng"}, "folder"), ("?limit=0", {}, "limit"),
     ("?mode=full", {}, "mode"), ("", {"title": "x" * 201}, "title")],
)  # fmt: skip
def test_a_bad_search_is_a_400_naming_the_field(
    client: TestClient, org: Org, services: Services, query: str, body: dict[str, Any], named: str
) -> None:
    make_opening(client, org)
    before = table_counts(services)
    response = client.post(f"{TASKS}/filter{query}", json=body, headers=org.headers)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"message", "code"} and named in response.json()["message"]
    assert table_counts(services) == before


def test_unknown_tasks_and_other_kinds_are_404_in_testinvite_words(client: TestClient, org: Org) -> None:
    job = make_opening(client, org, kind="job")
    for ident in ("nope", job["id"]):
        response = client.get(f"{TASKS}/{ident}", headers=org.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found" and "task" in response.json()["message"]
    # The candidate endpoints say "task" too, never Candidly's "opening".
    missing = client.get(f"{TASKS}/nope/candidates", headers=org.headers).json()["message"]
    assert "task" in missing and "opening" not in missing
    task = make_opening(client, org)
    bad = {"kind": "temporary-candidate", "programIds": ["nope"]}
    refused = client.post(f"{TASKS}/{task['id']}/candidates", json=bad, headers=org.headers).json()["message"]
    assert refused.startswith("programIds[0]") and "task" in refused and "opening" not in refused


def test_tasks_of_another_organization_are_not_seen(client: TestClient, org: Org, other_org: Org) -> None:
    task = make_opening(client, org)
    assert client.get(f"{TASKS}/{task['id']}", headers=other_org.headers).status_code == 404
    assert client.get(TASKS, headers=other_org.headers).json()["tasks"] == []
    assert client.post(f"{TASKS}/filter", json={}, headers=other_org.headers).json()["tasks"] == []


def test_reading_tasks_needs_a_key_with_read_openings(client: TestClient, org: Org) -> None:
    task = make_opening(client, org)
    assert client.get(TASKS).status_code == 401
    without = make_key(client, org, ["read:candidates"])
    response = client.get(f"{TASKS}/{task['id']}", headers=without)
    assert response.status_code == 403 and set(response.json()) == {"message", "code"}
    assert client.get(TASKS, headers=make_key(client, org, ["read:openings"], name="reader")).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("DELETE", TASKS, "GET"), ("PUT", f"{TASKS}/x", "GET"), ("PATCH", f"{TASKS}/x/test-instances/filter", "POST"),
     ("GET", f"{TASKS}/x/test-instances/y/expand", "POST")],
)  # fmt: skip
def test_a_method_a_path_does_not_take_is_405_in_testinvite_s_body(
    client: TestClient, org: Org, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path, headers=org.headers)
    assert response.status_code == 405, response.text
    assert response.json()["code"] == "method_not_allowed" and set(response.json()) == {"message", "code"}
    assert allowed in response.headers["allow"]


def test_the_openapi_document_covers_every_route_with_its_security_scheme(client: TestClient) -> None:
    doc = client.get("/testinvite/openapi.json").json()
    assert doc["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A Candidly API key"}
    }
    base = "/api/integration/rest/v1/tasks"
    for path, method in [(base, "get"), (base + "/filter", "post"), (base + "/{task_id}", "get"),
                         (base + "/{task_id}/test-instances/filter", "post"),
                         (base + "/{task_id}/test-instances/{instance_id}/expand", "post"),
                         ("/api/integration/rest/tasks/filter", "post")]:  # fmt: skip
        assert method in doc["paths"][path], path
    operations = [op for item in doc["paths"].values() for op in item.values()]
    assert len(operations) >= 14
    assert all(op.get("security") == [{"bearerAuth": []}] for op in operations)
