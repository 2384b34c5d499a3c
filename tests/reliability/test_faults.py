"""Database faults: a full disk or a stopped PostgreSQL answers 503 with Retry-After in each surface's own envelope.

The request writes nothing, the connection stays open, each kind of fault is logged once per interval (never a
traceback per request), ``/readyz`` fails while writes fail and recovers by itself, and an Idempotency-Key sent
during the fault stores nothing: its retry after the fault makes the change once.
"""

from __future__ import annotations

import http.client
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from sqlalchemy import event

from candidly.bootstrap import Services, build_services
from candidly.settings import Settings
from candidly.storage.engine import make_engine
from candidly.storage.uow import SqlDatabase
from candidly.web.app import create_app
from tests.helpers import ADMIN_TOKEN, FakeClock, Org, TestClient, make_opening, make_org, table_counts
from tests.reliability.surfaces import paradox_headers
from tests.support.serve import server, wait_until

Write = tuple[str, str, dict[str, Any]]  # method, path, httpx keyword arguments


def writes(client: TestClient, org: Org) -> dict[str, Write]:
    """One create per surface, ready to send (ids made beforehand, while the database takes writes)."""
    task = make_opening(client, org)
    position = make_opening(client, org, kind="position")
    h = org.headers
    person = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    ti = f"/testinvite/api/integration/rest/v1/tasks/{task['id']}/candidates"
    return {
        "native": ("POST", "/api/v1/candidates", {"json": person, "headers": h}),
        "testinvite": ("POST", ti, {"json": {"kind": "temporary-candidate", "fullname": "Ada L"}, "headers": h}),
        "instaview": ("POST", "/instaview/candidates", {"headers": h, "json": {
            "firstName": "Ada", "lastName": "L", "email": "ada@example.com", "gdprExpiryDate": "2031-01-01"}}),
        "comeet": ("POST", "/comeet/candidates", {"headers": h, "json": {
            "position_uid": position["id"], "partner_candidate_id": "p-1", "first_name": "Ada", "last_name": "L"}}),
        "paradox": ("POST", "/paradox/api/v1/public/candidates", {"headers": paradox_headers(client, org), "json": {
            "name": "Ada Lovelace", "email": "ada@example.com"}}),
    }  # fmt: skip


# What each surface's error envelope says of a 503, by surface (its own format, never another's).
ENVELOPES: dict[str, Callable[[Any], bool]] = {
    "native": lambda r: r.headers["content-type"] == "application/problem+json" and r.json()["status"] == 503,
    "testinvite": lambda r: set(r.json()) >= {"message", "code"},
    "instaview": lambda r: r.json()["statusCode"] == 503 and r.json()["code"] == "SERVICE_UNAVAILABLE",
    "comeet": lambda r: r.json()["status"] == 503 and r.json()["error"] == "service_unavailable",
    "paradox": lambda r: list(r.json()) == ["errors"] and "retry" in r.json()["errors"][0]["message"],
    "access": lambda r: r.headers["content-type"].startswith("text/html") and "try again" in r.text,
}


def assert_unavailable(surface: str, response: Any) -> None:
    assert response.status_code == 503, (surface, response.status_code, response.headers, response.text)
    assert int(response.headers["retry-after"]) > 0
    assert ENVELOPES[surface](response), (surface, response.text)


class FullDisk:
    """A SQLite database capped by ``PRAGMA max_page_count`` on every connection, then filled to its cap.

    The pragma holds per connection: the server's pool is emptied so each new connection gets it. Filling goes
    into a table of the test's own, outside the schema, so the schema's row counts still show what the server wrote.
    """

    HEADROOM_PAGES = 64

    def __init__(self, services: Services, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as conn:
            self.cap = conn.execute("PRAGMA page_count").fetchone()[0] + self.HEADROOM_PAGES
        event.listen(services.database.engine, "connect", self._cap)
        services.database.engine.dispose()

    def _cap(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={self.cap}")

    def fill(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        self._cap(conn, None)
        conn.execute("CREATE TABLE IF NOT EXISTS test_filler (b BLOB)")
        for size in (4000, 500, 50, 1):  # smaller and smaller, until not even the last page has room
            try:
                while True:
                    conn.execute("INSERT INTO test_filler VALUES (randomblob(?))", (size,))
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
        conn.close()

    def free(self) -> None:
        with sqlite3.connect(self.path) as conn:
            conn.execute("DELETE FROM test_filler")


@pytest.fixture
def sqlite_client(sqlite_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    settings = Settings(database_url=sqlite_url, admin_token=ADMIN_TOKEN, run_worker=False, access_log=False,
                        ready_min_free_bytes=0)  # fmt: skip
    services = build_services(settings, clock)
    with TestClient(create_app(settings, clock, services)) as client:
        yield client, services
    services.database.engine.dispose()


def test_a_full_disk_answers_503_everywhere_and_readyz_recovers(
    sqlite_client: tuple[TestClient, Services], clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client, services = sqlite_client
    org = make_org(client)
    requests = writes(client, org)
    # A first sign-in is a write (a second with the same code writes nothing): one code for each try below.
    codes = [client.request(*requests["testinvite"][:2], **requests["testinvite"][2]).json()["invitationCode"]
             for _ in range(40)]  # fmt: skip
    requests["access"] = ("POST", "/access/", {"data": {"code": codes.pop()}, "headers": {}})
    disk = FullDisk(services, tmp_path / "candidly.db")
    disk.fill()
    for surface, (method, path, kwargs) in requests.items():
        # Rows may still fit in the free room of pages already there: the same write is refused once they do not.
        for _ in range(500):
            if client.request(method, path, **kwargs).status_code == 503:
                break
            if surface == "access":  # signed in: the next try signs in with a code not used yet
                kwargs = {**kwargs, "data": {"code": codes.pop()}}
        before = table_counts(services)
        headers = {**kwargs["headers"], "Idempotency-Key": f"{surface}-in-the-fault"}
        assert_unavailable(surface, client.request(method, path, **{**kwargs, "headers": headers}))
        assert table_counts(services) == before  # the key too: a failed request stores nothing
    faults = [r for r in caplog.records if r.name == "candidly.faults"]
    assert len(faults) == 1 and "disk full" in faults[0].getMessage() and not any(r.exc_info for r in caplog.records)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "disk full" in str(ready.json()["problems"])

    disk.free()
    clock.advance(seconds=11)  # past the window in which a fault keeps /readyz failing
    assert client.get("/readyz").status_code == 200
    method, path, kwargs = requests["native"]
    headers = {**kwargs["headers"], "Idempotency-Key": "native-in-the-fault"}
    first = client.request(method, path, **{**kwargs, "headers": headers})
    again = client.request(method, path, **{**kwargs, "headers": headers})
    assert first.status_code == 201 and again.json() == first.json() and again.headers["idempotent-replayed"] == "true"


def test_readyz_fails_while_the_database_filesystem_is_nearly_full(sqlite_client: tuple[TestClient, Services]) -> None:
    client, services = sqlite_client
    assert client.get("/readyz").status_code == 200
    services.settings.ready_min_free_bytes = 1 << 62  # more than any disk: as if this one were nearly full
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "free space" in ready.json()["problems"][0]


@pytest.fixture
def own_pg_cluster() -> Iterator[Any]:
    """A cluster of this test's own: it is stopped and started again, which no other test may see."""
    from tests.support.pg import PostgresCluster, find_pg_bin

    if find_pg_bin() is None:
        pytest.skip("no PostgreSQL server binaries on this machine (install the postgresql package)")
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.mark.postgres
def test_a_connection_idle_while_postgresql_restarted_is_replaced_before_anyone_uses_it(own_pg_cluster: Any) -> None:
    """The engine pings a connection that sat idle (here: any idle time at all) instead of every checkout."""
    database = SqlDatabase(make_engine(own_pg_cluster.create_database("idle"), ping_after_idle=0.0))
    try:
        assert database.ping()  # a connection opened, used and back in the pool
        own_pg_cluster.halt()
        own_pg_cluster.resume()
        assert database.ping()  # not the dead connection: it was found out and replaced
    finally:
        database.engine.dispose()


class Connection:
    """One keep-alive HTTP/1.1 connection to the server: every request of the test goes over it."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self.conn.connect()
        self.socket = self.conn.sock

    def send(
        self, method: str, path: str, headers: dict[str, str], form: dict[str, Any] | None = None
    ) -> httpx.Response:
        """Send ``form`` as the request's body: JSON, or a form when it has ``data`` (the access page's)."""
        form = form or {}
        body, kind = (
            (urlencode(form["data"]).encode(), "application/x-www-form-urlencoded")
            if "data" in form
            else (orjson.dumps(form.get("json", {})), "application/json")
        )
        self.conn.request(method, path, body=body, headers={"Content-Type": kind, **headers})
        raw = self.conn.getresponse()
        content = raw.read()
        assert not raw.will_close and self.conn.sock is self.socket, f"{path}: the server closed the connection"
        return httpx.Response(raw.status, headers=raw.getheaders(), content=content)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_: object) -> None:
        self.conn.close()


@pytest.mark.postgres
def test_postgresql_stopped_then_started_answers_503_on_one_connection(own_pg_cluster: Any, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with server(own_pg_cluster.create_database("faults"), log) as (base, process):
        with httpx.Client(base_url=base) as setup:
            admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            created = setup.post("/api/v1/organizations", json={"name": "Acme"}, headers=admin).json()
            org = Org(created["id"], created["api_key"]["token"], created["api_key"]["id"],
                      created["api_key"]["signing_secret"])  # fmt: skip
            requests = writes(setup, org)  # type: ignore[arg-type]  # httpx.Client speaks TestClient's methods
            code = setup.request(*requests["testinvite"][:2], **requests["testinvite"][2]).json()["invitationCode"]
            requests["access"] = ("POST", "/access/", {"data": {"code": code}, "headers": {}})
        with Connection(base) as conn:
            own_pg_cluster.halt()
            refused = 0
            for surface, (method, path, kwargs) in requests.items():
                for key in (None, f"{surface}-in-the-fault"):
                    headers = {**kwargs["headers"], **({"Idempotency-Key": key} if key else {})}
                    assert_unavailable(surface, conn.send(method, path, headers, kwargs))
                    refused += 1
            # A token no cache knows: authenticating it needs the database.
            assert_unavailable("native", conn.send("GET", "/api/v1/candidates", {"Authorization": "Bearer cdly_x"}))
            assert conn.send("GET", "/readyz", {}).status_code == 503

            own_pg_cluster.resume()
            wait_until(
                lambda: conn.send("GET", "/readyz", {}).status_code == 200, process, log, "/readyz never recovered"
            )
            method, path, kwargs = requests["native"]
            headers = {**kwargs["headers"], "Idempotency-Key": "native-in-the-fault"}
            first = conn.send(method, path, headers, kwargs)
            again = conn.send(method, path, headers, kwargs)
            assert first.status_code == 201 and again.json() == first.json()
    text = log.read_text()
    lines = [line for line in text.splitlines() if "database unreachable" in line]
    assert "Traceback" not in text and 1 <= len(lines) < refused, text[-3000:]
