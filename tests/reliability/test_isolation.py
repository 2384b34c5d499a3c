"""Tenant isolation as a property: random requests on every surface, with each organization's keys, never see the other.

Two organizations are filled through every surface. Each probe picks an organization, a credential of it, a route
from any surface's OpenAPI document, and fills path, query, header and body with ids, emails and names of both
organizations (or junk). No answer may contain a string that identifies the other organization's data, other than
what the request itself sent (an error may echo the id asked for) or what the caller stored itself earlier; and a
path naming another organization's resource by id is never a success. ``CANDIDLY_ISOLATION_PROBES`` sets the count.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.helpers import Org, TestClient
from tests.reliability.surfaces import identifiers_in, paradox_headers, populate, served_documents

PROBES = int(os.environ.get("CANDIDLY_ISOLATION_PROBES", "500"))
JUNK = ["", "x", "0", "-1", "null"]
KNOWN = ("opening_id", "task_id", "job_id", "user_id", "candidate_id", "application_id", "session_id",
         "instance_id", "webhook_id", "name", "uid")  # fmt: skip


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    parameters: tuple[tuple[str, str, dict[str, Any]], ...]  # (where, name, schema)
    media: str | None
    properties: tuple[tuple[str, dict[str, Any]], ...]  # of the body: (name, schema), every variant merged


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a reference, with the alternatives of a union resolved too."""
    if "$ref" in schema:
        return _resolve(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in schema:
        return {**schema, "anyOf": [_resolve(spec, option) for option in schema["anyOf"]]}
    return schema


def _properties(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    schema = _resolve(spec, schema)
    found = {k: _resolve(spec, v) for k, v in schema.get("properties", {}).items()}
    for variant in schema.get("oneOf", []) + schema.get("anyOf", []):
        found |= _properties(spec, variant)
    return found


def routes(client: TestClient) -> list[Route]:
    """Every operation of every served surface, with the absolute path template."""
    found = []
    for spec in served_documents(client).values():
        base = spec.get("servers", [{"url": ""}])[0]["url"]
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                params = tuple(
                    (p["in"], p["name"], _resolve(spec, p.get("schema", {}))) for p in operation.get("parameters", [])
                )
                content = operation.get("requestBody", {}).get("content", {})
                media = next(iter(content), None)
                props = tuple(_properties(spec, content[media]["schema"]).items()) if media else ()
                found.append(Route(method.upper(), base + path, params, media, props))
    return found


def _value(draw: Any, schema: dict[str, Any], pool: list[str]) -> Any:
    """A value for a field: a string from the pool, a list of one, or a constant the schema names."""
    options = schema.get("anyOf") or [schema]
    typed: dict[str, Any] = next((s for s in options if s.get("type") in ("string", "array", "boolean", "integer")), {})
    if "enum" in typed or "const" in typed:
        return draw(st.sampled_from(typed.get("enum", [typed.get("const")])))
    kind = typed.get("type")
    if kind == "array":
        return [draw(st.sampled_from(pool))]
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "integer":
        return draw(st.integers(-1, 3))
    return draw(st.sampled_from(pool))


@dataclass
class Probe:
    """One request and every string it carried."""

    method: str
    url: str
    query: dict[str, Any]
    headers: dict[str, str]
    body: dict[str, Any] | None
    form: bool
    sent: set[str]


def _probe(draw: Any, route: Route, credentials: list[dict[str, str]], pools: Any) -> Probe:
    url, query, headers, sent = route.template, {}, dict(draw(st.sampled_from(credentials))), set()
    for where, name, schema in route.parameters:
        if where != "path" and not draw(st.booleans()):
            continue
        value = _value(draw, schema, pools(name, where))
        sent.add(str(value))
        if where == "path":
            url = url.replace("{" + name + "}", str(value) or "x")
        elif where == "query":
            query[name] = value
        elif where == "header":
            headers[name] = str(value)
    body = None
    if route.media is not None:
        chosen = [p for p in route.properties if draw(st.booleans())]
        body = {name: _value(draw, schema, pools(name, "body")) for name, schema in chosen}
        sent |= {str(v) for value in body.values() for v in (value if isinstance(value, list) else [value])}
    return Probe(route.method, url, query, headers, body, route.media == "application/x-www-form-urlencoded", sent)


def test_no_answer_ever_holds_another_organizations_data(client: TestClient, org: Org, other_org: Org) -> None:
    both = [populate(client, org, "Alfa"), populate(client, other_org, "Bravo")]
    tokens = [paradox_headers(client, d.org) for d in both]  # Paradox's own credential, next to the key
    written: list[set[str]] = [set(), set()]
    table = routes(client)
    # Reads are where a leak would show: half the probes are reads.
    pick_route = st.one_of(st.sampled_from([r for r in table if r.method == "GET"]), st.sampled_from(table))
    answers: Counter[int] = Counter()

    # Drawn from what the organizations held at the start: the draws must not depend on what the probes changed.
    secrets = {d.org.token for d in both}
    everything = sorted({*(s for d in both for s in d.identifiers if s not in secrets), *JUNK})
    ids = sorted({i for d in both for found in d.ids.values() for i in found})
    # A path names a resource: mostly the ids of that name (either organization's), else any id at all.
    by_name = {name: sorted({i for d in both for i in d.ids.get(name, [])}) or ids for name in KNOWN}

    def pools(name: str, where: str) -> list[str]:
        return by_name.get(name, ids) if where == "path" else everything

    # No shrinking: the database has moved on, so a failing request cannot be replayed on the state it met.
    @given(st.data())
    @settings(max_examples=PROBES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.generate], report_multiple_bugs=False)  # fmt: skip
    def probe(data: st.DataObject) -> None:
        i = data.draw(st.integers(0, 1))
        mine, theirs = both[i], both[1 - i]
        route = data.draw(pick_route)
        credentials = [mine.org.headers, tokens[i]] if route.template.startswith("/paradox") else [mine.org.headers]
        p = _probe(data.draw, route, credentials, pools)
        sent_body = {"data": p.body} if p.form else {"json": p.body}
        response = client.request(p.method, p.url, params=p.query, headers=p.headers, **sent_body)
        answers[response.status_code] += 1
        assert response.status_code < 500, response.text
        leaked = {s for s in theirs.identifiers if s in response.text} - p.sent - written[i]
        assert not leaked, f"{p.method} {p.url} as {mine.tag} shows {theirs.tag}'s {leaked}: {response.text[:500]}"
        # An id is made by the server, so one of theirs in the path names their resource (a name could be ours too).
        if any(s in p.url for s in theirs.identifiers & p.sent if identifiers_in(s)):
            assert response.status_code >= 400, f"{p.method} {p.url} as {mine.tag} reached {theirs.tag}'s resource"
        if response.is_success:
            written[i] |= p.sent if p.method != "GET" else set()
            mine.identifiers |= identifiers_in(response.text) - theirs.identifiers

    probe()
    print(
        f"\nisolation: {answers.total()} probes over {len(table)} routes, answers by status: {sorted(answers.items())}"
    )
