"""Scenarios: organizations with openings (steps, programs, templates), users, candidates and keys from one file.

A scenario is applied through the native API of a running server, as a user would make it by hand, so every
entry is validated by the API it documents (``POST /api/v1/openings`` and the rest, snake_case fields) and a
mistake is reported with the entry it came from. ``candidly seed FILE`` and the pytest plugin's
``@pytest.mark.candidly_scenario("file.yaml")`` both end here.

    organizations:
      - name: Acme
        users: [{username: grace, fullname: Grace Hopper, email: grace@example.com}]
        keys: [{name: reader, scopes: [read:candidates]}]
        openings:
          - kind: task
            name: Backend assessment
            steps: [{key: s1, name: Coding test}]
            email_templates: [{name: invite, subject: "Hi", body: "{{ access_url }}"}]
            candidates:
              - {ref: ada, first_name: Ada, last_name: Lovelace, email: ada@example.com, application: {group: a}}
        candidates: [{first_name: Alan, last_name: Turing, email: alan@example.com}]

The result names everything by its ``ref`` (else a user's username, an opening's or key's name, a candidate's
email, a step's key) and gives each organization's credentials in the shape each vendor's client wants.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SeedError(Exception):
    """A scenario that could not be read or applied; the message names the entry and the reason."""


class _Entry(BaseModel):
    """An entry whose other fields go to the native API as they are; ``ref`` names it in the result."""

    model_config = ConfigDict(extra="allow")

    ref: str | None = Field(default=None, min_length=1, max_length=200)

    def body(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class CandidateSpec(_Entry):
    # Within an opening: the application's own fields (group, tags, step_overrides by step key, ...).
    application: dict[str, Any] = Field(default_factory=dict)


class OpeningSpec(_Entry):
    candidates: list[CandidateSpec] = Field(default_factory=list)


class OrganizationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    ref: str | None = Field(default=None, min_length=1, max_length=200)
    keys: list[_Entry] = Field(default_factory=list)
    users: list[_Entry] = Field(default_factory=list)
    openings: list[OpeningSpec] = Field(default_factory=list)
    candidates: list[CandidateSpec] = Field(default_factory=list)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organizations: list[OrganizationSpec] = Field(min_length=1)


def load(path: Path) -> Scenario:
    """Read a scenario from YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    import yaml  # here: ``candidly serve`` imports this module (for its errors) and needs no YAML parser (2 MB)

    try:
        text = path.read_text()
        raw = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        reason = " ".join(str(exc).split())  # YAML's errors span lines; the report is one
        raise SeedError(f"{path}: cannot read the scenario: {reason}") from exc
    return parse(raw, str(path))


def parse(raw: object, source: str = "scenario") -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise SeedError(f"{source}: {where}: {first['msg']}") from exc


def credentials(base_url: str, key: dict[str, Any]) -> dict[str, dict[str, str]]:
    """One organization key as each vendor's client is configured: base URL plus what it authenticates with."""
    base, token, key_id, secret = base_url.rstrip("/"), key["token"], key["id"], key.get("signing_secret") or ""
    return {
        "native": {"base_url": f"{base}/api/v1", "api_key": token},
        "testinvite": {"base_url": f"{base}/testinvite", "api_key": token},
        "instaview": {"base_url": f"{base}/instaview", "api_key": token},
        "comeet": {"base_url": f"{base}/comeet", "key_id": key_id, "secret": secret},
        "paradox": {"base_url": f"{base}/paradox/api/v1/public", "client_id": key_id, "client_secret": token},
    }


@dataclass
class _Api:
    """Native API calls that raise ``SeedError`` naming the scenario entry when the server refuses."""

    client: httpx.Client
    token: str

    def post(self, where: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.client.post(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {self.token}"})
        except httpx.TransportError as exc:
            raise SeedError(f"{where}: cannot reach {self.client.base_url}: {exc}") from exc
        if response.status_code != 201:
            raise SeedError(f"{where}: POST /api/v1{path} answered {response.status_code}: {_detail(response)}")
        answer: dict[str, Any] = response.json()
        return answer


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail") or body) if isinstance(body, dict) else str(body)


def apply(client: httpx.Client, scenario: Scenario, operator_token: str) -> dict[str, Any]:
    """Make everything the scenario describes on the server ``client`` talks to; what was made, by name."""
    operator = _Api(client, operator_token)
    made: dict[str, Any] = {}
    for i, spec in enumerate(scenario.organizations):
        where = f"organizations[{i}]"
        created = operator.post(where, "/organizations", {"name": spec.name})
        made[spec.ref or spec.name] = _organization(client, spec, created, where)
    return {"organizations": made}


def _organization(client: httpx.Client, spec: OrganizationSpec, created: dict[str, Any], where: str) -> dict[str, Any]:
    key = created["api_key"]
    api = _Api(client, key["token"])
    base_url = str(client.base_url)
    keys = {}
    for i, entry in enumerate(spec.keys):
        extra = api.post(f"{where}.keys[{i}]", "/api-keys", entry.body())
        keys[entry.ref or str(entry.body().get("name"))] = {**extra, "credentials": credentials(base_url, extra)}
    users = {
        (u.ref or str(u.body().get("username"))): api.post(f"{where}.users[{i}]", "/users", u.body())["id"]
        for i, u in enumerate(spec.users)
    }
    openings = {
        (o.ref or str(o.body().get("name"))): _opening(api, o, f"{where}.openings[{i}]")
        for i, o in enumerate(spec.openings)
    }
    candidates = {
        _name(c, i): api.post(f"{where}.candidates[{i}]", "/candidates", c.body())["id"]
        for i, c in enumerate(spec.candidates)
    }
    return {
        "id": created["id"],
        "name": created["name"],
        "api_key": key,
        "credentials": credentials(base_url, key),
        "keys": keys,
        "users": users,
        "openings": openings,
        "candidates": candidates,
    }


def _name(candidate: CandidateSpec, index: int) -> str:
    return candidate.ref or str(candidate.body().get("email") or index)


def _opening(api: _Api, spec: OpeningSpec, where: str) -> dict[str, Any]:
    opening = api.post(where, "/openings", spec.body())
    steps = {s["key"] or s["name"]: s["id"] for s in opening["steps"]}
    applications = {}
    for i, candidate in enumerate(spec.candidates):
        fields = dict(candidate.application)
        if "step_overrides" in fields:  # written by step key in a scenario; the API wants step ids
            fields["step_overrides"] = {steps.get(k, k): v for k, v in fields["step_overrides"].items()}
        body = {**fields, "opening_id": opening["id"], "candidate": candidate.body()}
        application = api.post(f"{where}.candidates[{i}]", "/applications", body)
        applications[_name(candidate, i)] = {
            "application_id": application["id"],
            "candidate_id": application["candidate_id"],
            "invitation_code": application["invitation_code"],
        }
    return {
        "id": opening["id"],
        "kind": opening["kind"],
        "steps": steps,
        "programs": {p["name"]: p["id"] for p in opening["programs"]},
        "candidates": applications,
    }
