"""Every surface's OpenAPI document, and an organization filled with data through all of them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.helpers import Org, TestClient, make_opening

# The OpenAPI document of every surface; a surface whose document answers 404 is not served (yet) and is skipped.
DOCUMENTS = (
    "/api/v1/openapi.json",
    "/testinvite/openapi.json",
    "/instaview/openapi.json",
    "/paradox/api/v1/public/openapi.json",
    "/comeet/openapi.json",
)

# What identifies stored data in an answer: 32-hex ids and invitation codes. A code stands alone: the middle of an
# id written with dashes (TestInvite's ``01a232e7-5450-1441-3024-9aa1474a62a1``) is not one, though its groups
# can look like one when they hold digits only.
_ID = re.compile(r"\b[0-9a-f]{32}\b")
_CODE = re.compile(r"(?<![0-9A-Za-z-])[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}(?![0-9A-Za-z-])")


def served_documents(client: TestClient) -> dict[str, dict[str, Any]]:
    """Each served surface's OpenAPI document, by its path."""
    found = {path: client.get(path) for path in DOCUMENTS}
    return {path: response.json() for path, response in found.items() if response.status_code == 200}


def identifiers_in(text: str) -> set[str]:
    return set(_ID.findall(text)) | set(_CODE.findall(text))


@dataclass
class Population:
    """An organization's data: ids by the path parameter that names them, and every string that identifies it."""

    org: Org
    tag: str
    ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    identifiers: set[str] = field(default_factory=set)

    def keep(self, response: Any, expected: int, *names: str, key: str = "id") -> dict[str, Any]:
        """Check a create's status; remember every identifier in its answer, and its ``key`` under ``names``."""
        assert response.status_code == expected, response.text
        self.identifiers |= identifiers_in(response.text)
        body: dict[str, Any] = response.json()
        for name in names:
            self.ids[name].append(str(body[key]))
        return body

    def person(self, n: int) -> dict[str, str]:
        """Names and an email no other organization's data holds."""
        first, last, email = f"{self.tag}First{n}", f"{self.tag}Last{n}", f"{self.tag.lower()}.{n}@example.com"
        self.identifiers |= {first, last, email}
        return {"first": first, "last": last, "email": email}


def populate(client: TestClient, org: Org, tag: str) -> Population:
    """Create data through every served surface as ``org``; ``tag`` makes its names and emails its own."""
    data = Population(org, tag, identifiers={org.id, org.key_id, org.token})
    served = served_documents(client)
    _native(client, data)
    _testinvite(client, data)
    _instaview(client, data)
    _paradox(client, data)
    if "/comeet/openapi.json" in served:
        _comeet(client, data)
    return data


def _native(client: TestClient, data: Population) -> None:
    h = data.org.headers
    opening = make_opening(client, data.org, name=f"{data.tag} opening", external_id=f"{data.tag}-REQ")
    data.identifiers |= identifiers_in(str(opening)) | {f"{data.tag}-REQ"}
    data.ids["opening_id"].append(opening["id"])
    data.ids["task_id"].append(opening["id"])
    data.ids["job_id"].append(opening["id"])
    user = data.person(0)
    data.keep(client.post("/api/v1/users", json={"username": user["first"], "email": user["email"]}, headers=h), 201,
              "user_id")  # fmt: skip
    person = data.person(1)
    body: dict[str, Any] = {"first_name": person["first"], "last_name": person["last"], "email": person["email"],
            "external_id": f"{data.tag}-ext-1", "opening_ids": [opening["id"]]}  # fmt: skip
    candidate = data.keep(client.post("/api/v1/candidates", json=body, headers=h), 201, "candidate_id")
    data.identifiers.add(f"{data.tag}-ext-1")
    person = data.person(2)
    body = {"opening_id": opening["id"], "labels": [f"{data.tag}-label"],
            "candidate": {"first_name": person["first"], "last_name": person["last"], "email": person["email"]}}  # fmt: skip
    application = data.keep(client.post("/api/v1/applications", json=body, headers=h), 201, "application_id")
    data.ids["candidate_id"].append(application["candidate_id"])
    step = opening["steps"][0]["id"]
    url = f"/api/v1/applications/{application['id']}/sessions"
    session = data.keep(client.post(url, json={"step_id": step}, headers=h), 201, "session_id", "instance_id")
    result = {"result": {"scoreboard": {"pointsAchieved": 7, "maxAchievablePoints": 10, "achievementRatio": 0.7}}}
    data.keep(client.post(f"/api/v1/sessions/{session['id']}/complete", json=result, headers=h), 200)
    hook = {"url": f"https://{data.tag.lower()}.example.com/hook", "events": ["candidate.created"]}
    data.keep(client.post("/api/v1/webhooks", json=hook, headers=h), 201, "webhook_id")
    status_map = {"name": f"{data.tag}-map", "entries": {"1": "Screening: Passed"}}
    data.keep(client.post("/api/v1/status-maps", json=status_map, headers=h), 201, "name", key="name")
    data.identifiers |= {f"{data.tag}-map", f"{data.tag}-label", str(hook["url"])}
    data.ids["candidate_id"].append(candidate["id"])


def _testinvite(client: TestClient, data: Population) -> None:
    person = data.person(3)
    task = data.ids["task_id"][0]
    body = {"kind": "temporary-candidate", "fullname": f"{person['first']} {person['last']}", "email": person["email"]}
    url = f"/testinvite/api/integration/rest/v1/tasks/{task}/candidates"
    data.keep(client.post(url, json=body, headers=data.org.headers), 200, "candidate_id", key="candidateId")


def _instaview(client: TestClient, data: Population) -> None:
    h = data.org.headers
    job = {"title": f"{data.tag} job", "description": "Build things"}
    created = data.keep(client.post("/instaview/jobs", json=job, headers=h), 201, "job_id")
    person = data.person(4)
    body = {"firstName": person["first"], "lastName": person["last"], "email": person["email"],
            "gdprExpiryDate": "2031-06-30", "jobIds": [created["id"]]}  # fmt: skip
    data.keep(client.post("/instaview/candidates", json=body, headers=h), 201, "candidate_id")


def paradox_headers(client: TestClient, org: Org) -> dict[str, str]:
    """A Paradox access token of ``org``'s key."""
    form = {"grant_type": "client_credentials", "client_id": org.key_id, "client_secret": org.token}
    response = client.post("/paradox/api/v1/public/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _paradox(client: TestClient, data: Population) -> None:
    person = data.person(5)
    body = {"first_name": person["first"], "last_name": person["last"], "email": person["email"],
            "phone": "+14155550123", "ex_id": f"{data.tag}-px-1"}  # fmt: skip
    response = client.post("/paradox/api/v1/public/candidates", json=body, headers=paradox_headers(client, data.org))
    created = data.keep(response, 200)["candidate"]
    data.ids["candidate_id"] += [created["external_oid"], f"{data.tag}-px-1"]
    data.identifiers |= {created["external_oid"], f"{data.tag}-px-1"}


def _comeet(client: TestClient, data: Population) -> None:
    position = make_opening(client, data.org, kind="position", name=f"{data.tag} position")
    data.identifiers |= identifiers_in(str(position))
    person = data.person(6)
    body = {"position_uid": position["id"], "partner_candidate_id": f"{data.tag}-cm-1", "first_name": person["first"],
            "last_name": person["last"], "email": person["email"]}  # fmt: skip
    created = data.keep(client.post("/comeet/candidates", json=body, headers=data.org.headers), 201)
    data.identifiers.add(f"{data.tag}-cm-1")
    data.ids["uid"] += [str(v) for k, v in created.items() if k.endswith("uid") and isinstance(v, str)]
