"""TestInvite update: every field of the seed, step overrides with isDefault, and rejects that write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.testinvite.conftest import BASE, create
from tests.helpers import Org, TestClient, table_counts


@pytest.fixture
def candidate(client: TestClient, org: Org, task: dict[str, Any]) -> dict[str, Any]:
    return create(client, org, task, fullname="Ada Lovelace", labels=["a", "b"])


def patch(client: TestClient, org: Org, task: dict[str, Any], candidate: dict[str, Any], body: Any) -> Any:
    return client.patch(f"{BASE}/{task['id']}/candidates/{candidate['candidateId']}", json=body, headers=org.headers)


def steps(client: TestClient, org: Org, candidate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    app = client.get(f"/api/v1/applications/{candidate['candidateId']}", headers=org.headers).json()
    return {s["step_id"]: s for s in app["steps"]}


def test_labels_are_added_then_removed_and_other_fields_change(
    client: TestClient, org: Org, task: dict[str, Any], candidate: dict[str, Any]
) -> None:
    body = {"fields": {"labels": {"add": ["c", "a"], "remove": ["b", "c"]}, "favorite": True, "group": "g2"}}
    response = patch(client, org, task, candidate, body)
    assert response.status_code == 200
    assert (response.json()["labels"], response.json()["group"]) == (["a"], "g2")
    app = client.get(f"/api/v1/applications/{candidate['candidateId']}", headers=org.headers).json()
    assert app["favorite"] is True


def test_step_overrides_follow_is_default_semantics(
    client: TestClient, org: Org, task: dict[str, Any], candidate: dict[str, Any]
) -> None:
    s1 = task["steps"][0]["id"]
    set_all = {"active": {"isDefault": False, "value": False}, "limit": {"isDefault": False, "value": -1},
               "dates": {"isDefault": False, "value": {"after": {"isDefault": False, "value": 1767225600},
                                                       "before": {"isDefault": False, "value": None}}}}  # fmt: skip
    assert patch(client, org, task, candidate, {"steps": {s1: set_all}}).status_code == 200
    step = steps(client, org, candidate)[s1]
    assert (step["active"], step["attempt_limit"], step["active_after"], step["active_before"]) == (
        False,
        -1,
        "2026-01-01T00:00:00Z",
        None,
    )
    # An omitted bound stays as it was; isDefault reverts to the task step's own setting.
    revert = {"active": {"isDefault": True}, "dates": {"isDefault": False, "value": {"before": {"isDefault": True}}}}
    assert patch(client, org, task, candidate, {"steps": {s1: revert}}).status_code == 200
    step = steps(client, org, candidate)[s1]
    assert (step["active"], step["attempt_limit"], step["active_after"], step["active_before"]) == (
        True,
        -1,
        "2026-01-01T00:00:00Z",
        "2030-01-01T00:00:00Z",
    )
    assert (
        patch(
            client, org, task, candidate, {"steps": {s1: {"limit": {"isDefault": True}, "dates": {"isDefault": True}}}}
        ).status_code
        == 200
    )
    step = steps(client, org, candidate)[s1]
    assert (step["attempt_limit"], step["active_after"], step["overridden"]) == (1, None, [])


def test_fullname_and_email_change_the_person(
    client: TestClient, org: Org, task: dict[str, Any], candidate: dict[str, Any]
) -> None:
    response = patch(client, org, task, candidate, {"fields": {"fullname": "Ada King", "email": "ada@example.com"}})
    assert (response.json()["fullname"], response.json()["email"]) == ("Ada King", "ada@example.com")
    again = client.get(
        f"{BASE}/{task['id']}/candidates/{candidate['candidateId']}?mode=detailed", headers=org.headers
    ).json()
    assert again["fullname"] == "Ada King"


REJECTS: list[tuple[str, Any, str]] = [
    ("unknown step", {"steps": {"nope": {"active": {"isDefault": True}}}}, "steps.nope"),
    ("malformed isDefault", {"steps": {"{s1}": {"active": {"value": True}}}}, "steps.{s1}.active"),
    ("value missing", {"steps": {"{s1}": {"limit": {"isDefault": False}}}}, "steps.{s1}.limit.value"),
    ("zero limit", {"steps": {"{s1}": {"limit": {"isDefault": False, "value": 0}}}}, "steps.{s1}.limit.value"),
    ("unknown setting", {"steps": {"{s1}": {"colour": {"isDefault": True}}}}, "steps.{s1}.colour"),
    # A refusal of the core names the field as the PATCH body spells it, and so does its reason.
    ("inverted window", {"fields": {"activeAfter": 1893456000, "activeBefore": 1767225600}},
     "fields.activeAfter: must be before fields.activeBefore"),
    ("inverted step window", {"steps": {"{s1}": {"dates": {"isDefault": False, "value": {"after": {"isDefault": False, "value": 1990000000}}}}}},
     "steps.{s1}.dates.value.after: must be before steps.{s1}.dates.value.before"),
    ("wrong type", {"fields": {"favorite": "yes"}}, "fields.favorite"),
    ("bad email", {"fields": {"email": "nope"}}, "fields.email: "),
    # The index is the item's in labels.add, not in the labels the candidate ends with (it has two already).
    ("empty label", {"fields": {"labels": {"add": ["c", ""]}}}, "fields.labels.add[1]: must be at least 1 characters"),
    ("long label", {"fields": {"labels": {"add": ["x" * 201]}}}, "fields.labels.add[0]: "),
    ("null name", {"fields": {"fullname": None}}, "fields.fullname: must be a string"),
    ("null email", {"fields": {"email": None}}, "fields.email: must be a string"),
    ("null group", {"fields": {"group": None}}, "fields.group: must not be null"),
    ("array body", [], "body: must be a JSON object"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "field"), REJECTS, ids=[r[0] for r in REJECTS])
def test_a_rejected_update_names_the_field_and_writes_nothing(
    client: TestClient, org: Org, task: dict[str, Any], candidate: dict[str, Any], services: Services,
    name: str, body: Any, field: str,
) -> None:  # fmt: skip
    s1 = task["steps"][0]["id"]
    import json

    body = json.loads(json.dumps(body).replace("{s1}", s1))
    before = table_counts(services)
    response = patch(client, org, task, candidate, body)
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith(field.replace("{s1}", s1)), response.json()
    assert table_counts(services) == before


def test_unknown_or_foreign_candidates_are_404(
    client: TestClient, org: Org, other_org: Org, task: dict[str, Any], candidate: dict[str, Any]
) -> None:
    assert client.patch(f"{BASE}/{task['id']}/candidates/nope", json={}, headers=org.headers).status_code == 404
    assert patch(client, other_org, task, candidate, {"fields": {"favorite": True}}).status_code == 404
    from tests.helpers import make_opening

    other_task = make_opening(client, org, name="Other")
    moved = client.patch(
        f"{BASE}/{other_task['id']}/candidates/{candidate['candidateId']}", json={}, headers=org.headers
    )
    assert moved.status_code == 404
