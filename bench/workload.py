"""The benchmark's data and operations: seeded through the public API, loaded with wrk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

OPERATOR = {"Authorization": "Bearer bench-operator"}

OPENING = {
    "kind": "task", "name": "Backend assessment", "external_id": "REQ-1", "language": "en",
    "steps": [{"key": "s1", "name": "Coding test", "attempt_limit": 2},
              {"key": "s2", "name": "Personality", "attempt_limit": -1}],
    "programs": [{"name": "Fast track", "step_keys": ["s1"]}],
    "email_templates": [{"name": "invite", "subject": "Hello", "body": "Code {{ invitation_code }}"}],
}  # fmt: skip


# The benchmark's InstaView update: a name, a status and metadata.
UPDATE = {"firstName": "Updated", "status": "IN_PROCESS", "metadata": {"stage": "screen"}}


@dataclass
class World:
    """What the seed made: the key, the opening and the ids gets and updates cycle through."""

    headers: dict[str, str]
    opening: dict[str, Any]
    candidate_ids: list[str]


def seed(base: str, candidates: int) -> World:
    with httpx.Client(base_url=base, timeout=30) as http:
        org = http.post("/api/v1/organizations", json={"name": "Bench"}, headers=OPERATOR).json()
        headers = {"Authorization": f"Bearer {org['api_key']['token']}"}
        opening = http.post("/api/v1/openings", json=OPENING, headers=headers).json()
        ids = []
        for i in range(candidates):
            body = {
                "firstName": f"Seed{i}",
                "lastName": "Candidate",
                "email": f"seed{i}@bench.example",
                "gdprExpiryDate": "2035-01-01",
                "jobIds": [opening["id"]],
            }
            response = http.post("/instaview/candidates", json=body, headers=headers)
            response.raise_for_status()
            ids.append(response.json()["id"])
    return World(headers=headers, opening=opening, candidate_ids=ids)


def invite_now(base: str, world: World, email: str) -> None:
    """A TestInvite candidate whose invitation email goes at once: the worker renders it (in the template
    renderer's child process, started on first use) and sends it."""
    task = world.opening["id"]
    body = {"kind": "temporary-candidate", "fullname": "Mail Warmup", "email": email,
            "inviteByEmail": {"emailTemplateName": "invite"}}  # fmt: skip
    path = f"/testinvite/api/integration/rest/v1/tasks/{task}/candidates"
    httpx.post(f"{base}{path}", json=body, headers=world.headers, timeout=30).raise_for_status()


@dataclass(frozen=True)
class Operation:
    """One measured request: wrk cycles through ``paths`` on Candidly and ``reference_paths`` on the reference."""

    name: str
    method: str
    paths: list[str]
    body: str | None
    reference_paths: list[str]
    headers: dict[str, str]


def create_body(world: World) -> dict[str, Any]:
    """A TestInvite create with every common property of the seed."""
    steps = world.opening["steps"]
    return {
        "kind": "temporary-candidate", "fullname": "Bench Candidate", "email": "bench@bench.example",
        "credential1": "bench", "group": "benchmark", "labels": ["bench", "load"],
        "tags": {"team": "platform", "level": "senior"}, "externalId": "ext-1", "externalData": {"source": "wrk"},
        "lang": "en", "programIds": [world.opening["programs"][0]["id"]], "extraEmails": ["cc@bench.example"],
        "dates": {"after": 1767225600, "before": 1893456000}, "price": {"amount": 10, "currency": "USD"},
        "customizedSteps": [{"stepId": steps[0]["id"], "customization": {"activeAfter": 1767225600, "activeBefore": 1893456000}}],
        "inviteByEmail": {"emailTemplateName": "invite", "dateToSend": 1893456000},
        "callback": {"url": "https://hooks.bench.example/done", "params": {"k": "v"}, "resource": "basic"},
    }  # fmt: skip


def operations(world: World) -> list[Operation]:
    task = world.opening["id"]
    ids = world.candidate_ids
    json_headers = {**world.headers, "Content-Type": "application/json"}
    return [
        Operation("create", "POST", [f"/testinvite/api/integration/rest/v1/tasks/{task}/candidates"],
                  json.dumps(create_body(world)), ["/ref/create"], json_headers),
        Operation("update", "PATCH", [f"/instaview/candidates/{i}" for i in ids], json.dumps(UPDATE),
                  [f"/ref/{i}" for i in ids], json_headers),
        Operation("get", "GET", [f"/instaview/candidates/{i}" for i in ids], None, [f"/ref/{i}" for i in ids],
                  json_headers),
        Operation("list", "GET", [f"/instaview/candidates?limit=50&status=APPLIED&jobId={task}"], None,
                  ["/ref/list"], json_headers),
        # What a load balancer asks every few seconds: no credentials, no database; the edge's cost alone.
        Operation("healthz", "GET", ["/healthz"], None, ["/ref/healthz"], {}),
    ]  # fmt: skip
