"""Group commit on SQLite (service/group_commit.py): commands queued together share one transaction, each in its
own savepoint; every client gets its own answer or error, and a failing command leaves nothing behind.

A batch is made for certain, without timing: the test holds this process's write lock
(``database.connection(write=True)``) while its requests hand their commands to the group writer, which waits
for that lock and then takes everything queued. One ``BEGIN`` counted for the whole batch proves they shared it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import and_, func, select

from candidly.bootstrap import Services, build_services, build_worker
from candidly.domain import commands as c
from candidly.domain.deliveries import WebhookSubscription
from candidly.domain.errors import Conflict, Forbidden, InvalidField, NotFound
from candidly.domain.people import Candidate
from candidly.domain.principals import ALL_SCOPES, Actor, Principal, Scope
from candidly.service.bus import ShuttingDown
from candidly.service.caller import Caller
from candidly.service.group_commit import GroupWriter, WriterLost
from candidly.service.idempotency import CURRENT_CLAIM, IdempotencyClaim
from candidly.service.ports import UnitOfWork
from candidly.settings import Settings
from candidly.storage import tables as t
from candidly.storage.idempotency import SqlIdempotencyStore
from candidly.storage.uow import SqlUnitOfWork
from candidly.web.app import create_app
from tests.helpers import ADMIN_TOKEN, SECRET_KEY, FakeClock, Org, table_counts, transactions

OPERATOR = Actor(Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True))


def sqlite_settings(url: str, **overrides: Any) -> Settings:
    return Settings(database_url=url, admin_token=ADMIN_TOKEN, run_worker=False, access_log=False, **overrides)


@pytest.fixture
def group(sqlite_url: str, clock: FakeClock) -> Iterator[Services]:
    built = build_services(sqlite_settings(sqlite_url, secret_key=SECRET_KEY), clock)
    yield built
    writer(built).stop()
    built.database.engine.dispose()


@pytest.fixture
def acme(group: Services) -> Org:
    org, issued = group.bus.execute(c.CreateOrganization("Acme"), OPERATOR)
    return Org(org.id, issued.token, issued.key.id, "")


def writer(services: Services) -> GroupWriter:
    assert services.backend.writer is not None, "SQLite runs commands through the group writer"
    return services.backend.writer


def caller(services: Services, org: Org, *scopes: str) -> Caller:
    principal = Principal(org.key_id, (org.id,), frozenset(scopes) if scopes else ALL_SCOPES)
    return Caller(principal, org.id, Actor(principal, "native"), services.backend)


def in_one_batch(services: Services, requests: list[Callable[[], Coroutine[Any, Any, Any]]]) -> tuple[list[Any], int]:
    """Run ``requests`` concurrently so that their commands land in one batch; their outcomes (answers or errors)
    and how many transactions began."""

    async def run() -> list[Any]:
        with services.database.connection(write=True):  # the group writer waits for this lock...
            tasks = [asyncio.ensure_future(request()) for request in requests]
            await asyncio.sleep(0)  # ...while every request runs up to handing its command over
        return await asyncio.gather(*tasks, return_exceptions=True)

    with transactions(services) as begun:
        outcomes = asyncio.run(run())
    return outcomes, len(begun)


def create(
    who: Caller, first_name: str, claim: IdempotencyClaim | None = None
) -> Callable[[], Coroutine[Any, Any, Any]]:
    """A request creating a candidate, carrying ``claim`` as the edge would (in the request's own context)."""

    async def request() -> Any:
        if claim is not None:
            CURRENT_CLAIM.set(claim)
        return await who.execute(c.CreateCandidate({"first_name": first_name}), answer=lambda _r, p: p)

    return request


def invalid(who: Caller, claim: IdempotencyClaim | None = None) -> Callable[[], Coroutine[Any, Any, Any]]:
    async def request() -> Any:
        if claim is not None:
            CURRENT_CLAIM.set(claim)
        return await who.execute(c.CreateCandidate({"first_name": "Bad", "email": "not an address"}))

    return request


def claim(key: str) -> IdempotencyClaim:
    return IdempotencyClaim(scope="acme-key", key=key, request_hash="h", at=datetime(2026, 1, 15, tzinfo=UTC))


def rows(services: Services, table: Any, *where: Any) -> int:
    with services.database.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_failing_commands_roll_back_alone_and_the_others_commit(group: Services, acme: Org) -> None:
    who = caller(group, acme)
    claims = [claim("first"), claim("refused"), claim("unreadable"), claim("last")]

    async def answer_fails() -> Any:
        # The handler wrote the candidate and its events in this savepoint; reading the answer then fails.
        CURRENT_CLAIM.set(claims[2])
        return await who.execute(c.CreateCandidate({"first_name": "Lost"}), answer=_unreadable)

    requests = [create(who, "Ada", claims[0]), invalid(who, claims[1]), answer_fails, create(who, "Grace", claims[3])]
    outcomes, begun = in_one_batch(group, requests)
    assert begun == 1  # one transaction for the four
    ada, refused, unreadable, grace = outcomes
    assert isinstance(ada, Candidate) and ada.first_name == "Ada"
    assert isinstance(grace, Candidate) and grace.first_name == "Grace"
    assert isinstance(refused, InvalidField) and refused.field == "email"
    assert isinstance(unreadable, LookupError) and str(unreadable) == "'the answer could not be read'"
    assert rows(group, t.candidates) == 2
    assert rows(group, t.candidates, t.candidates.c.first_name == "Lost") == 0
    # Each committed command's events are there, and nothing of the failed ones.
    assert sorted(_event_subjects(group)) == sorted([ada.id, grace.id])
    # The claims of the committed commands are recorded and settled; the failed ones' neither.
    assert [c.settled for c in claims] == [True, False, False, True]
    store = SqlIdempotencyStore(group.database)
    found = [store.find("acme-key", c.key) is not None for c in claims]
    assert found == [True, False, False, True]


def _unreadable(_reader: Any, _person: Candidate) -> Candidate:
    raise KeyError("the answer could not be read")


def _event_subjects(services: Services) -> list[str]:
    with services.database.engine.connect() as conn:
        return list(conn.execute(select(t.events.c.subject_id).where(t.events.c.type == "candidate.created")).scalars())


def test_the_next_command_of_a_batch_does_not_see_a_row_a_failed_command_wrote(group: Services, acme: Org) -> None:
    # A command's answer is shown the rows it wrote without reading them back; once its savepoint is rolled back,
    # the next command of the batch must find nothing under that id.
    who = caller(group, acme)
    undone: list[str] = []

    def written_then_refused(_reader: Any, person: Candidate) -> Candidate:
        undone.append(person.id)
        raise KeyError("the answer could not be read")

    def look_for_the_undone(reader: Any, _person: Candidate) -> str:
        try:
            reader.candidate(undone[0])
        except NotFound:
            return "not found"
        return "found"

    async def undone_create() -> Any:
        return await who.execute(c.CreateCandidate({"first_name": "Undone"}), answer=written_then_refused)

    async def next_create() -> Any:
        return await who.execute(c.CreateCandidate({"first_name": "Next"}), answer=look_for_the_undone)

    outcomes, begun = in_one_batch(group, [undone_create, next_create])
    assert begun == 1
    assert isinstance(outcomes[0], KeyError)
    assert outcomes[1] == "not found"


def test_an_answer_scope_refusal_in_a_batch_changes_nothing_of_its_own(group: Services, acme: Org) -> None:
    may_not_read = caller(group, acme, Scope.WRITE_CANDIDATES)
    outcomes, begun = in_one_batch(group, [create(caller(group, acme), "Ada"), create(may_not_read, "Hidden")])
    assert begun == 1
    assert isinstance(outcomes[0], Candidate)
    assert isinstance(outcomes[1], Forbidden)
    assert rows(group, t.candidates) == 1
    assert rows(group, t.candidates, t.candidates.c.first_name == "Hidden") == 0


def test_the_same_idempotency_key_twice_in_one_batch_commits_once(group: Services, acme: Org) -> None:
    who = caller(group, acme)
    first, again = claim("once"), claim("once")
    outcomes, begun = in_one_batch(group, [create(who, "Ada", first), create(who, "Ada", again)])
    assert begun == 1
    assert isinstance(outcomes[0], Candidate)
    assert isinstance(outcomes[1], Conflict) and outcomes[1].field == "Idempotency-Key"
    assert (first.settled, again.settled) == (True, False)
    assert rows(group, t.candidates) == 1
    assert rows(group, t.events, t.events.c.type == "candidate.created") == 1


def test_a_failing_commit_fails_every_command_of_the_batch(group: Services, acme: Org) -> None:
    """SQLite checks deferred foreign keys at COMMIT: one command's answer leaves a note of no candidate behind
    (in its savepoint, which succeeds), so the batch's COMMIT itself fails, for real."""
    who = caller(group, acme)
    before = table_counts(group)
    claims = [claim("a"), claim("b")]

    def dangling_note(uow: UnitOfWork, person: Candidate) -> Candidate:
        conn = _sql(uow).conn
        conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        note = {"organization_id": acme.id, "id": "n1", "candidate_id": "nobody", "body": "x", "author": {}}
        conn.execute(t.notes.insert(), [{**note, "created_at": datetime(2026, 1, 15, tzinfo=UTC)}])
        return person

    async def breaks_the_commit() -> Any:
        return await writer(group).submit(
            c.CreateCandidate({"first_name": "Breaker"}), who.actor, acme.id, dangling_note
        )

    outcomes, begun = in_one_batch(
        group, [create(who, "Ada", claims[0]), breaks_the_commit, create(who, "Bo", claims[1])]
    )
    assert begun == 1
    assert all("FOREIGN KEY constraint failed" in str(outcome) for outcome in outcomes), outcomes
    assert [c.settled for c in claims] == [False, False]
    assert table_counts(group) == before
    # The writer goes on: the next command commits.
    assert asyncio.run(create(who, "After")()).first_name == "After"


def _sql(uow: UnitOfWork) -> SqlUnitOfWork:
    assert isinstance(uow, SqlUnitOfWork)
    return uow


def test_a_closed_bus_refuses_every_queued_command(group: Services, acme: Org) -> None:
    """What the group writer still runs after the app closed the bus (shutdown) writes nothing."""
    who = caller(group, acme)
    before = table_counts(group)
    group.bus.close()
    try:
        outcomes, _ = in_one_batch(group, [create(who, "Late"), create(who, "Later")])
    finally:
        group.bus.open()
    assert all(isinstance(outcome, ShuttingDown) for outcome in outcomes)
    assert table_counts(group) == before


class _Death(BaseException):
    """Not an Exception: what no handler catches, such as a thread being torn down."""


def test_a_dying_writer_answers_its_batch_and_the_next_command_is_served(group: Services, acme: Org) -> None:
    """When the writer's thread ends mid-batch, every client of that batch is answered that nothing was kept (the
    transaction was rolled back), and a new thread serves what comes next: no request waits forever."""
    who = caller(group, acme)
    before = table_counts(group)

    async def dies() -> Any:
        def answer(_reader: Any, _person: Candidate) -> Candidate:
            raise _Death

        return await who.execute(c.CreateCandidate({"first_name": "Doomed"}), answer=answer)

    outcomes, begun = in_one_batch(group, [create(who, "First"), dies, create(who, "Last")])
    assert begun == 1
    assert [type(outcome) for outcome in outcomes] == [WriterLost] * 3
    assert table_counts(group) == before
    assert asyncio.run(create(who, "After")()).first_name == "After"
    assert rows(group, t.candidates) == 1


def test_concurrent_creates_over_http_all_land_and_replay_by_key(group: Services, acme: Org) -> None:
    """Many creates at once through the whole app (its lifespan starts and stops the writer): each lands once,
    with its own id and its event, and a retry with its Idempotency-Key replays its answer."""
    app = create_app(group.settings, group.clock, group)
    count = 24

    async def run() -> tuple[list[httpx.Response], list[httpx.Response]]:
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://candidly.test", headers=acme.headers) as http,
        ):

            def send(i: int) -> Awaitable[httpx.Response]:
                body = {"first_name": f"Person {i}"}
                return http.post("/api/v1/candidates", json=body, headers={"Idempotency-Key": f"key-{i}"})

            first = await asyncio.gather(*(send(i) for i in range(count)))
            again = await asyncio.gather(*(send(i) for i in range(count)))
            return list(first), list(again)

    first, again = asyncio.run(run())
    assert [r.status_code for r in first] == [201] * count, [r.text for r in first if r.status_code != 201]
    ids = [r.json()["id"] for r in first]
    assert len(set(ids)) == count
    assert [r.json() for r in again] == [r.json() for r in first]
    assert rows(group, t.candidates) == count
    assert sorted(_event_subjects(group)) == sorted(ids)
    assert rows(group, t.idempotency_keys) == count


def test_group_commit_can_be_turned_off(sqlite_url: str, clock: FakeClock) -> None:
    off = build_services(sqlite_settings(sqlite_url, group_commit=False), clock)
    try:
        assert off.backend.writer is None
        org, issued = off.bus.execute(c.CreateOrganization("Acme"), OPERATOR)
        who = caller(off, Org(org.id, issued.token, issued.key.id, ""))
        assert asyncio.run(create(who, "Ada")()).first_name == "Ada"
    finally:
        off.database.engine.dispose()


def webhook(who: Caller, url: str, *, fails: bool = False) -> Coroutine[Any, Any, Any]:
    """A request subscribing ``url`` to candidate.created; with ``fails``, its answer fails after the handler wrote
    the subscription, so its savepoint is rolled back."""

    def answer(_reader: Any, subscription: WebhookSubscription) -> WebhookSubscription:
        if fails:
            raise KeyError("the answer could not be read")
        return subscription

    return who.execute(c.CreateWebhook(url, ("candidate.created",)), answer=answer)


def webhook_deliveries(services: Services) -> list[tuple[str | None, str]]:
    """(subscription, the event's subject) of every webhook delivery."""
    d, e = t.deliveries.c, t.events.c
    joined = t.deliveries.join(t.events, and_(e.organization_id == d.organization_id, e.id == d.event_id))
    with services.database.engine.connect() as conn:
        found = conn.execute(select(d.subscription_id, e.subject_id).select_from(joined).where(d.kind == "webhook"))
        return sorted((sub, subject) for sub, subject in found)


def test_a_command_rolled_back_in_its_batch_takes_its_deliveries_with_it(group: Services, acme: Org) -> None:
    """The second create with the same Idempotency-Key fails on the key, after its fan-out: nothing of it stays."""
    who = caller(group, acme)
    hook = asyncio.run(webhook(who, "https://hooks.example/created"))
    first, again = claim("once"), claim("once")
    outcomes, begun = in_one_batch(group, [create(who, "Ada", first), create(who, "Ada", again)])
    assert begun == 1
    ada, refused = outcomes
    assert isinstance(ada, Candidate) and isinstance(refused, Conflict)
    assert webhook_deliveries(group) == [(hook.id, ada.id)]
    assert rows(group, t.deliveries) == 1


def test_subscriptions_made_or_undone_within_a_batch_are_seen_by_the_commands_after_them(
    group: Services, acme: Org
) -> None:
    """The live subscriptions are read once per batch, and again after a command in it writes one (kept or not)."""
    who = caller(group, acme)
    outcomes, begun = in_one_batch(
        group,
        [
            create(who, "Ada"),  # no subscription yet
            lambda: webhook(who, "https://hooks.example/undone", fails=True),  # written, then rolled back
            create(who, "Bo"),  # sees none
            lambda: webhook(who, "https://hooks.example/kept"),
            create(who, "Cy"),  # sees the kept one
        ],
    )
    assert begun == 1
    ada, undone, bo, kept, cy = outcomes
    assert isinstance(undone, KeyError) and isinstance(kept, WebhookSubscription)
    assert all(isinstance(p, Candidate) for p in (ada, bo, cy))
    assert webhook_deliveries(group) == [(kept.id, cy.id)]
    assert build_worker(group).fan_out() == 0
