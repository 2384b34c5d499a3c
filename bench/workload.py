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


# The measured creates go into a task of their own, seeded beside the list's job: were they added to the job the
# list filters on, the list's workload would grow with how fast the creates ran (3,000 people in one run, 9,000 in
# another), and lists of two runs could not be compared. The list always reads the ``--seed`` people of ``opening``.
CREATES_TASK = {**OPENING, "name": "Backend assessment (creates)", "external_id": "REQ-2"}

# The benchmark's InstaView update: a name, a status and metadata.
UPDATE = {"firstName": "Updated", "status": "IN_PROCESS", "metadata": {"stage": "screen"}}


@dataclass
class World:
    """What the seed made: the key, the opening (the list's job, holding the ids the gets cycle through), the task the
    measured creates go into (``create_task``; the opening itself when a seed made none) and the people the updates
    cycle through (``update_ids``; the opening's when a seed made none)."""

    headers: dict[str, str]
    opening: dict[str, Any]
    candidate_ids: list[str]
    create_task: dict[str, Any] | None = None
    update_ids: list[str] | None = None

    @property
    def creates(self) -> dict[str, Any]:
        """The task the measured creates (and the warm-up invitation) go into."""
        return self.create_task or self.opening

    @property
    def updated(self) -> list[str]:
        """The people the measured updates change."""
        return self.update_ids or self.candidate_ids


def seed(base: str, candidates: int) -> World:
    with httpx.Client(base_url=base, timeout=30) as http:
        org = http.post("/api/v1/organizations", json={"name": "Bench"}, headers=OPERATOR).json()
        headers = {"Authorization": f"Bearer {org['api_key']['token']}"}
        opening = http.post("/api/v1/openings", json=OPENING, headers=headers).json()
        create_task = http.post("/api/v1/openings", json=CREATES_TASK, headers=headers).json()
        # The updates change people of their own, in the creates' task: an update sets a status other than the
        # list's filter, and within seconds wrk has updated every person it cycles through, so updating the list's
        # people would leave the list an empty page (and a workload that depends on how many updates ran).
        ids = _people(http, headers, opening, candidates, "Seed")
        update_ids = _people(http, headers, create_task, candidates, "Upd")
    return World(headers, opening, ids, create_task, update_ids)


def _people(http: httpx.Client, headers: dict[str, str], job: dict[str, Any], count: int, prefix: str) -> list[str]:
    """``count`` InstaView candidates applying to ``job`` (status APPLIED), their ids in creation order."""
    ids = []
    for i in range(count):
        body = {
            "firstName": f"{prefix}{i}",
            "lastName": "Candidate",
            "email": f"{prefix.lower()}{i}@bench.example",
            "gdprExpiryDate": "2035-01-01",
            "jobIds": [job["id"]],
        }
        response = http.post("/instaview/candidates", json=body, headers=headers)
        response.raise_for_status()
        ids.append(response.json()["id"])
    return ids


def invite_now(base: str, world: World, email: str) -> None:
    """A TestInvite candidate whose invitation email goes at once: the worker renders it (in the template
    renderer's child process, started on first use) and sends it."""
    task = world.creates["id"]
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
    """A TestInvite create with every common property of the seed, into the creates' own task."""
    steps = world.creates["steps"]
    return {
        "kind": "temporary-candidate", "fullname": "Bench Candidate", "email": "bench@bench.example",
        "credential1": "bench", "group": "benchmark", "labels": ["bench", "load"],
        "tags": {"team": "platform", "level": "senior"}, "externalId": "ext-1", "externalData": {"source": "wrk"},
        "lang": "en", "programIds": [world.creates["programs"][0]["id"]], "extraEmails": ["cc@bench.example"],
        "dates": {"after": 1767225600, "before": 1893456000}, "price": {"amount": 10, "currency": "USD"},
        "customizedSteps": [{"stepId": steps[0]["id"], "customization": {"activeAfter": 1767225600, "activeBefore": 1893456000}}],
        "inviteByEmail": {"emailTemplateName": "invite", "dateToSend": 1893456000},
        "callback": {"url": "https://hooks.bench.example/done", "params": {"k": "v"}, "resource": "basic"},
    }  # fmt: skip


def operations(world: World) -> list[Operation]:
    task, job = world.creates["id"], world.opening["id"]
    ids, updated = world.candidate_ids, world.updated
    json_headers = {**world.headers, "Content-Type": "application/json"}
    return [
        Operation("create", "POST", [f"/testinvite/api/integration/rest/v1/tasks/{task}/candidates"],
                  json.dumps(create_body(world)), ["/ref/create"], json_headers),
        Operation("update", "PATCH", [f"/instaview/candidates/{i}" for i in updated], json.dumps(UPDATE),
                  [f"/ref/{i}" for i in updated], json_headers),
        Operation("get", "GET", [f"/instaview/candidates/{i}" for i in ids], None, [f"/ref/{i}" for i in ids],
                  json_headers),
        Operation("list", "GET", [f"/instaview/candidates?limit=50&status=APPLIED&jobId={job}"], None,
                  ["/ref/list"], json_headers),
        # What a load balancer asks every few seconds: no credentials, no database; the edge's cost alone.
        Operation("healthz", "GET", ["/healthz"], None, ["/ref/healthz"], {}),
    ]  # fmt: skip
