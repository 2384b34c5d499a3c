"""Replays of what real Comeet clients do, pointed at Candidly by base URL and credentials alone.

``ComeetCoreLike`` behaves as the public Python client ``yoniportnoy-ta/comeet-core`` does (read from its
``client.py``, ``auth.py`` and ``QUIRKS.md``; written here from that behaviour, not copied): an HS256 token
``{iss: key, exp: now + 600}`` minted again a minute before it runs out; every request joins a path starting with
``/`` to the base URL and uses anything else as a full URL; ``next_page`` is followed until it is empty; a 401
mints a new token and retries; a 404 on a get is "no such thing"; a 400 from find_duplicates is "none".
The Node flow replays a public referral notifier: a fixed token whose ``exp`` is a numeric string decades ahead,
``response.data.candidates`` filtered on ``deleted`` and ``source.type``, steps keyed by ``position_step_uid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt
import pytest

from tests.api.comeet.conftest import create, make_position, new_candidate
from tests.api.comeet.test_positions import PROFILE, make_user
from tests.helpers import FakeClock, Org, TestClient

BASE_URL = "https://candidly.test/comeet"  # what a deployment would give the client instead of api.comeet.co
STEP_KEYS = {"position_step_uid", "name", "type", "time_scheduled", "time_completed"}


@dataclass
class ComeetCoreLike:
    """A client that calls and pages the way comeet-core does; ``calls`` records (method, url, status)."""

    http: TestClient
    api_key: str
    api_secret: str
    clock: FakeClock
    token: str = ""
    token_expires_at: float = 0.0
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    def mint_if_needed(self) -> None:
        now = self.clock.now().timestamp()
        if not self.token or now > self.token_expires_at - 60:
            claims = {"iss": self.api_key, "exp": int(now) + 600}
            self.token = jwt.encode(claims, self.api_secret, algorithm="HS256")
            self.token_expires_at = now + 600

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None, retries: int = 5) -> Any:
        for _ in range(retries):
            self.mint_if_needed()
            url = f"{BASE_URL}{path}" if path.startswith("/") else path
            headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
            response = self.http.request(method, url, params=params, json=json, headers=headers)
            self.calls.append((method, url, response.status_code))
            if response.status_code == 401:  # the token may have run out: a new one, and again
                self.token = ""
                continue
            return response
        raise AssertionError(f"{method} {path}: still 401 after {retries} tries")

    def walk(self, first: str, key: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        url: str | None = first
        while url:
            response = self.request("GET", url)
            assert response.status_code == 200, response.text
            data = response.json()
            out.extend(item for item in data.get(key, []) if item)
            url = data.get("next_page") or None
        return out

    def list_positions(self, status: str | None = None) -> list[dict[str, Any]]:
        return [p for p in self.walk("/positions?limit=500" + (f"&status={status}" if status else ""), "positions")
                if p.get("uid")]  # fmt: skip

    def get_position(self, uid: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/positions/{uid}")
        return None if response.status_code == 404 else response.json()

    def get_candidate(self, uid: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/candidates/{uid}")
        return None if response.status_code == 404 else response.json()

    def list_candidates_for_position(self, uid: str) -> list[dict[str, Any]]:
        return self.walk(f"/positions/{uid}/candidates?limit=1000", "candidates")

    def post_candidate_note(self, uid: str, payload: dict[str, Any]) -> Any:
        return self.request("POST", f"/candidates/{uid}/notes", json=payload)

    def find_duplicates(self, **given: str) -> list[dict[str, Any]]:
        params = [(k, v.strip()) for k, v in given.items() if v and v.strip()]
        if not params:
            return []
        response = self.request("GET", "/sourcing/candidates/find_duplicates", params=params)
        if response.status_code == 400:
            return []
        data = response.json()
        return data if isinstance(data, list) else []


@pytest.fixture
def core(client: TestClient, org: Org, clock: FakeClock) -> ComeetCoreLike:
    return ComeetCoreLike(client, org.key_id, org.signing_secret, clock)


def _hiring_history(client: TestClient, org: Org, count: int) -> list[dict[str, Any]]:
    """``count`` positions, every third one closed, each led by a recruiter, with the details comeet-core reads."""
    lead = make_user(client, org)
    return [make_position(client, org, name=f"Position {i}", status="closed" if i % 3 == 2 else "open",
                          lead_recruiter_id=lead, **PROFILE) for i in range(count)]  # fmt: skip


def test_comeet_core_walks_every_position_page(client: TestClient, org: Org, core: ComeetCoreLike) -> None:
    made = _hiring_history(client, org, 7)
    # Pages of two, so the walk follows next_page as the client joins it (full URLs, used as they come).
    walked = core.walk("/positions?limit=2", "positions")
    assert [p["uid"] for p in walked] == [p["id"] for p in made]
    assert [url for _, url, _ in core.calls][1:] == [
        f"{BASE_URL}/positions?limit=2&cursor={made[i]['id']}" for i in (1, 3, 5)
    ]
    every = core.list_positions()
    assert [p["uid"] for p in every] == [p["id"] for p in made]
    assert [p["uid"] for p in core.list_positions("open")] == [p["id"] for p in made if p["status"] == "open"]
    for position in every:  # what comeet-core's callers read of a position
        assert (position["name"], position["department"], position["experience_level"]) == (
            position["name"], "R&D", "Senior")  # fmt: skip
        assert set(position["location"]) == {"name", "city", "state", "country"}
        assert position["employment_type"] == "Full-time"
        assert all(set(d) == {"name", "value"} for d in position["details"])
        assert position["users"]["lead_recruiter"]["first_name"] == "Kelly"
        assert position["users"]["lead_recruiter"]["last_name"] == "Lee"


def test_comeet_core_reads_a_positions_candidates_and_one_of_them(
    client: TestClient, org: Org, core: ComeetCoreLike
) -> None:
    [position] = _hiring_history(client, org, 1)
    made = [create(client, org, new_candidate(position, partner_candidate_id=f"p-{i}", email=f"c{i}@example.com"))
            for i in range(3)]  # fmt: skip

    assert core.get_position(position["id"])["name"] == "Position 0"  # type: ignore[index]
    assert core.get_position("00.NONE") is None
    listed = core.list_candidates_for_position(position["id"])
    assert [c["uid"] for c in listed] == [c["uid"] for c in made]
    one = core.get_candidate(made[1]["uid"])
    assert one == listed[1]  # the list has the detail call's shape: one request per position, not N+1
    assert core.get_candidate("60235428") is None  # a numeric UI id is not an API uid
    for step in one["current_steps"] + one["future_steps"]:
        assert set(step) == STEP_KEYS


def test_comeet_core_posts_a_note(client: TestClient, org: Org, core: ComeetCoreLike) -> None:
    [position] = _hiring_history(client, org, 1)
    uid = create(client, org, new_candidate(position))["uid"]
    payload = {"time_created": "2026-01-15T09:00:00Z",
               "created_by": {"type": "user", "first_name": "Yoni", "last_name": "P", "email": "yoni@example.com"},
               "text": "<b>Pros</b>\n• Strong closer"}  # fmt: skip
    response = core.post_candidate_note(uid, payload)
    assert response.status_code == 201 and response.json()["text"] == payload["text"]
    assert core.request("GET", f"/candidates/{uid}/notes").status_code == 405  # POST-only, as Comeet's


def test_comeet_core_finds_a_duplicate(client: TestClient, org: Org, core: ComeetCoreLike) -> None:
    [position] = _hiring_history(client, org, 1)
    past = create(client, org, new_candidate(position, linkedin_url="https://www.linkedin.com/in/ada"))
    found = core.find_duplicates(email=" ada@example.com ", first_name="", phone_number="")
    assert [c["uid"] for c in found] == [past["uid"]]
    assert [c["uid"] for c in core.find_duplicates(linkedin_url="https://www.linkedin.com/in/ada")] == [past["uid"]]
    assert core.find_duplicates(first_name="Ada") == []  # a 400 to the client: "no duplicates"
    assert core.find_duplicates() == []


def test_comeet_core_refreshes_its_token_after_a_401(
    client: TestClient, org: Org, core: ComeetCoreLike, clock: FakeClock
) -> None:
    [position] = _hiring_history(client, org, 1)
    # The client believes its token good for ten minutes, but it ran out already (it raced out in transit).
    stale = {"iss": org.key_id, "exp": int((clock.now() - timedelta(minutes=5)).timestamp())}
    core.token = jwt.encode(stale, org.signing_secret, algorithm="HS256")
    core.token_expires_at = clock.now().timestamp() + 600

    assert core.get_position(position["id"]) is not None
    assert [status for _, _, status in core.calls] == [401, 200]
    fresh = jwt.decode(core.token, org.signing_secret, algorithms=["HS256"], options={"verify_exp": False})
    assert fresh["exp"] == int(clock.now().timestamp()) + 600


def test_the_node_referral_notifier(client: TestClient, org: Org, clock: FakeClock) -> None:
    [position] = _hiring_history(client, org, 1)
    referred = create(client, org, new_candidate(position, source={"name": "Michael Rosen",
                                                                   "type": "Referrer: Compensated"}))  # fmt: skip
    create(client, org, new_candidate(position, partner_candidate_id="p-2", email="b@example.com",
                                      source={"name": "Indeed", "type": "Job Board"}))  # fmt: skip
    gone = create(client, org, new_candidate(position, partner_candidate_id="p-3", email="c@example.com",
                                             source={"name": "Jo", "type": "Referrer: Compensated"}))  # fmt: skip
    client.delete(f"/api/v1/applications/{gone['uid']}", headers=org.headers)
    started = client.post(f"/api/v1/applications/{referred['uid']}/sessions",
                          json={"step_id": position["steps"][0]["id"]}, headers=org.headers)  # fmt: skip
    assert started.status_code == 201
    token = jwt.encode({"iss": org.key_id, "exp": "3001948879"}, org.signing_secret, algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}

    data = client.get(f"{BASE_URL}/candidates", headers=headers).json()
    referrals = [c for c in data["candidates"] if not c["deleted"] and (c.get("source") or {}).get("type")
                 == "Referrer: Compensated"]  # fmt: skip
    assert [c["uid"] for c in referrals] == [referred["uid"]]
    to_notify = [c for c in referrals if c.get("current_steps") and c["current_steps"][0]["time_scheduled"]]
    assert to_notify[0]["current_steps"][0]["position_step_uid"] == position["steps"][0]["id"]
    assert to_notify[0]["source"]["name"] == "Michael Rosen"

    # Its other job: give every live candidate without custom fields a portal URL.
    for candidate in data["candidates"]:
        if candidate["deleted"] is False and not candidate["custom_fields"]:
            body = {"updated_by": {"type": "app", "name": "WSC-combine"},
                    "custom_fields": {"Preferred shift": f"http://localhost:3000/{candidate['uid']}"}}  # fmt: skip
            assert client.patch(f"{BASE_URL}/candidates/{candidate['uid']}", json=body, headers=headers).status_code \
                == 200  # fmt: skip

    detail = client.get(f"{BASE_URL}/candidates/{referred['uid']}", headers=headers).json()
    assert detail["custom_fields"] == {"Preferred shift": f"http://localhost:3000/{referred['uid']}"}
    steps = detail["completed_steps"] + detail["current_steps"] + detail["future_steps"]
    assert len({s["position_step_uid"] for s in steps}) == len(position["steps"])
    assert client.get(f"{BASE_URL}/positions/{detail['position_uid']}", headers=headers).json()["name"] == "Position 0"
