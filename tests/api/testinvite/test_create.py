"""TestInvite create: every common property of the seed, uniqId scopes, internal candidates, and rejects."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.api.testinvite.conftest import BASE, case, create, fill, ids_of
from tests.helpers import Org, TestClient, make_opening, table_counts


def native_application(client: TestClient, org: Org, candidate_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/applications/{candidate_id}", headers=org.headers)
    assert response.status_code == 200
    return dict(response.json())


def test_every_common_property_is_stored_and_visible_natively(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    ids = ids_of(task)
    created = client.post(
        f"{BASE}/{task['id']}/candidates", json=case("create_temporary", ids)["request"], headers=org.headers
    ).json()
    app = native_application(client, org, created["candidateId"])
    assert (app["group"], app["labels"], app["tags"]) == ("cohort-a", ["backend", "senior"], {"team": "platform"})
    assert (app["external_id"], app["external_data"]) == ("ext-ada", {"source": "ats", "score": 7})
    assert (app["language"], app["program_ids"], app["extra_emails"]) == (
        "de",
        [ids["program"]],
        ["ada.cc@example.com"],
    )
    assert (app["active_after"], app["active_before"]) == ("2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z")
    assert (app["price_amount"], app["price_currency"]) == (25.5, "EUR")
    assert app["uniq_id"] == "ada-001"
    # Only the program's step is visible, with the candidate's customized window over the task's settings.
    assert [s["step_id"] for s in app["steps"]] == [ids["step1"]]
    step = app["steps"][0]
    assert (step["active_after"], step["active_before"], step["attempt_limit"]) == (
        "2026-01-01T00:00:00Z",
        "2029-01-01T00:00:00Z",
        1,
    )
    person = client.get(f"/api/v1/candidates/{app['candidate_id']}", headers=org.headers).json()
    assert (person["first_name"], person["last_name"], person["email"]) == ("Ada", "Lovelace", "ada@example.com")
    events = [
        e["type"] for e in client.get(f"/api/v1/candidates/{app['candidate_id']}/events", headers=org.headers).json()
    ]
    assert "invitation.requested" in events


def test_group_defaults_and_language_comes_from_the_task(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    created = create(client, org, task, fullname="Bo")
    app = native_application(client, org, created["candidateId"])
    assert (app["group"], app["language"]) == ("default", "tr")


def test_invitation_codes_are_unique_typeable_and_lead_to_the_access_page(
    client: TestClient, org: Org, task: dict[str, Any]
) -> None:
    codes = {create(client, org, task)["invitationCode"] for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 14 and code.count("-") == 2
        assert not set(code.replace("-", "")) & set("ILOU")


def test_internal_candidates_copy_the_user_merge_tags_and_join_a_task_once(
    client: TestClient, org: Org, task: dict[str, Any], user: dict[str, Any]
) -> None:
    body = {"kind": "internal-candidate", "id": user["id"], "tags": {"level": "senior"}}
    first = client.post(f"{BASE}/{task['id']}/candidates", json=body, headers=org.headers)
    assert first.status_code == 200
    app = native_application(client, org, first.json()["candidateId"])
    assert app["tags"] == {"team": "navy", "level": "senior"}
    assert (app["uniq_id"], app["kind"]) == ("grace", "internal")
    again = client.post(f"{BASE}/{task['id']}/candidates", json=body, headers=org.headers)
    assert again.status_code == 400
    # The client sent the user's id, not a uniqId: the refusal names that field.
    assert again.json()["message"].startswith("id: ") and "grace" in again.json()["message"]


@pytest.mark.parametrize(
    ("scope", "first", "second", "allowed"),
    [
        ("task", {"group": "a"}, {"group": "b"}, False),
        ("group", {"group": "a"}, {"group": "b"}, True),
        ("group", {"group": "a"}, {"group": "a"}, False),
        ("labels", {"labels": ["x", "y"]}, {"labels": ["y", "x"]}, False),
        ("labels", {"labels": ["x"]}, {"labels": ["x", "y"]}, True),
    ],
)
def test_uniq_id_is_unique_within_its_scope(
    client: TestClient,
    org: Org,
    task: dict[str, Any],
    scope: str,
    first: dict[str, Any],
    second: dict[str, Any],
    allowed: bool,
) -> None:
    tracking = {"uniqId": "u-1", "scope": scope}
    create(client, org, task, tracking=tracking, **first)
    response = client.post(
        f"{BASE}/{task['id']}/candidates",
        json={"kind": "temporary-candidate", "tracking": tracking, **second},
        headers=org.headers,
    )
    assert response.status_code == (200 if allowed else 400), response.text


def test_the_same_uniq_id_is_free_in_another_task(client: TestClient, org: Org, task: dict[str, Any]) -> None:
    other = make_opening(client, org, name="Other task")
    create(client, org, task, tracking={"uniqId": "same"})
    create(client, org, other, tracking={"uniqId": "same"})


DEEP: dict[str, Any] = {"level": {}}
for _ in range(11):
    DEEP = {"level": DEEP}

REJECTS: list[tuple[str, dict[str, Any], int, str]] = [
    ("unknown kind", {"kind": "visitor"}, 400, "kind"),
    ("missing kind", {"fullname": "A"}, 400, "kind"),
    ("unknown lang", {"lang": "xx"}, 400, "lang"),
    ("unknown currency", {"price": {"amount": 1, "currency": "GBP"}}, 400, "price.currency"),
    ("negative price", {"price": {"amount": -1, "currency": "USD"}}, 400, "price.amount"),
    ("unknown program", {"programIds": ["nope"]}, 400, "programIds[0]"),
    ("unknown step", {"customizedSteps": [{"stepId": "nope", "customization": {}}]}, 400, "customizedSteps[0].stepId: "),
    ("unknown template", {"email": "a@example.com", "inviteByEmail": {"emailTemplateName": "nope"}}, 400, "inviteByEmail.emailTemplateName"),
    ("invite without email", {"inviteByEmail": {"emailTemplateName": "invite"}}, 400, "inviteByEmail"),
    ("wrong type", {"labels": "x"}, 400, "labels"),
    ("after not before before", {"dates": {"after": 1893456000, "before": 1767225600}}, 400,
     "dates.after: must be before dates.before"),
    ("step window ends before it opens", {"customizedSteps": [{"stepId": "{step1}", "customization": {"activeAfter": 1990000000}}]},
     400, "customizedSteps[0].customization.activeAfter: must be before customizedSteps[0].customization.activeBefore"),
    ("negative seconds", {"dates": {"after": -5}}, 400, "dates.after"),
    ("bad email", {"email": "not-an-email"}, 400, "email"),
    ("bad extra email", {"extraEmails": ["nope"]}, 400, "extraEmails[0]"),
    # The prose's spelling of the same field (decision 10): a refusal names it as the client sent it.
    ("bad external email", {"externalEmails": ["a@example.com", "nope"]}, 400, "externalEmails[1]"),
    ("too many external emails", {"externalEmails": [f"p{i}@example.com" for i in range(21)]}, 400, "externalEmails"),
    ("external email too long", {"externalEmails": ["x" * 321]}, 400, "externalEmails[0]"),
    ("bad callback resource", {"callback": {"url": "https://x.example.com", "resource": "full"}}, 400, "callback.resource"),
    ("bad scope", {"tracking": {"uniqId": "x", "scope": "planet"}}, 400, "tracking.scope"),
    # Refused by the core's rules, past the wire model's: still named as the body spells them.
    ("external data too large", {"externalData": {"notes": "x" * 11_000}}, 400, "externalData: must be at most"),
    ("external data too deep", {"externalData": DEEP}, 400, "externalData: must be nested at most"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "status", "field"), REJECTS, ids=[r[0] for r in REJECTS])
def test_a_rejected_create_names_the_field_and_writes_nothing(
    client: TestClient,
    org: Org,
    task: dict[str, Any],
    services: Services,
    name: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    body = fill(body, ids_of(task))
    payload = body if "kind" in body or name == "missing kind" else {"kind": "temporary-candidate", **body}
    before = table_counts(services)
    response = client.post(f"{BASE}/{task['id']}/candidates", json=payload, headers=org.headers)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"message", "code"}
    assert response.json()["message"].startswith(field), response.json()
    assert table_counts(services) == before


def test_a_duplicate_uniq_id_writes_nothing(
    client: TestClient, org: Org, task: dict[str, Any], services: Services
) -> None:
    create(client, org, task, tracking={"uniqId": "dup"})
    before = table_counts(services)
    response = client.post(
        f"{BASE}/{task['id']}/candidates",
        json={"kind": "temporary-candidate", "tracking": {"uniqId": "dup"}},
        headers=org.headers,
    )
    assert response.status_code == 400 and "dup" in response.json()["message"]
    assert table_counts(services) == before


def test_unknown_task_user_and_foreign_task_are_404(
    client: TestClient, org: Org, other_org: Org, task: dict[str, Any], services: Services
) -> None:
    before = table_counts(services)
    assert (
        client.post(f"{BASE}/nope/candidates", json={"kind": "temporary-candidate"}, headers=org.headers).status_code
        == 404
    )
    internal = {"kind": "internal-candidate", "id": "nope"}
    assert client.post(f"{BASE}/{task['id']}/candidates", json=internal, headers=org.headers).status_code == 404
    foreign = client.post(
        f"{BASE}/{task['id']}/candidates", json={"kind": "temporary-candidate"}, headers=other_org.headers
    )
    assert foreign.status_code == 404 and set(foreign.json()) == {"message", "code"}
    assert table_counts(services) == before


def test_missing_or_unknown_keys_are_401(client: TestClient, task: dict[str, Any]) -> None:
    url = f"{BASE}/{task['id']}/candidates"
    assert client.post(url, json={"kind": "temporary-candidate"}).status_code == 401
    response = client.get(url, headers={"Authorization": "Bearer cdly_wrong"})
    assert response.status_code == 401 and set(response.json()) == {"message", "code"}
