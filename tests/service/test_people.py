"""User commands through the bus, bulk import, and status maps."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain import events as ev
from candidly.domain.errors import Conflict, Forbidden, InvalidField, NotFound, StaleVersion
from candidly.domain.principals import Scope
from tests.service.conftest import Service


def test_a_user_is_created_changed_and_deleted(service: Service) -> None:
    grace = service.run(c.CreateUser(username="grace", fullname="Grace Hopper", email="grace@example.com",
                                     tags={"team": "navy"}))  # fmt: skip
    changed = service.run(c.UpdateUser(grace.id, {"fullname": "Grace B. Hopper", "email": None}, if_version=1))
    assert (changed.version, changed.fullname, changed.email, changed.tags) == (
        2,
        "Grace B. Hopper",
        None,
        {"team": "navy"},
    )
    [update] = service.events(ev.EventType.USER_UPDATED)
    assert update.changes == {"fullname": ["Grace Hopper", "Grace B. Hopper"], "email": ["grace@example.com", None]}
    service.run(c.DeleteUser(grace.id))
    with service.read() as uow:
        assert uow.users.get(service.org, grace.id).deleted_at == service.clock.now()  # type: ignore[union-attr]
    assert [e.type for e in service.events()][-3:] == [
        ev.EventType.USER_CREATED,
        ev.EventType.USER_UPDATED,
        ev.EventType.USER_DELETED,
    ]


def test_usernames_stay_taken_and_bad_user_fields_are_refused(service: Service) -> None:
    grace = service.run(c.CreateUser(username="grace"))
    alan = service.run(c.CreateUser(username="alan"))
    with service.refuses(Conflict, field="username"):
        service.run(c.CreateUser(username="grace"))
    with service.refuses(Conflict, field="username"):
        service.run(c.UpdateUser(alan.id, {"username": "grace"}))
    with service.refuses(InvalidField, field="email"):
        service.run(c.CreateUser(username="ada", email="nope"))
    with service.refuses(InvalidField, field="password"):
        service.run(c.UpdateUser(grace.id, {"password": "x"}))  # type: ignore[typeddict-unknown-key]  # as a client may send
    with service.refuses(StaleVersion):
        service.run(c.UpdateUser(grace.id, {"fullname": "G"}, if_version=4))
    service.run(c.DeleteUser(grace.id))
    with service.refuses(Conflict, field="username"):  # a deleted user's name is not handed out again
        service.run(c.CreateUser(username="grace"))
    with service.refuses(NotFound):
        service.run(c.DeleteUser(grace.id))
    with service.refuses(Forbidden, scope=Scope.WRITE_USERS):
        service.run(c.CreateUser(username="ada"), service.actor(Scope.READ_USERS))
    with service.refuses(Forbidden, scope=Scope.READ_USERS):
        service.run(c.CreateUser(username="ada"), service.actor(Scope.WRITE_USERS))


def test_an_import_saves_the_valid_rows_numbered_and_reports_the_others(service: Service) -> None:
    job = service.opening()
    service.candidate()  # takes sequence number 1
    rows: tuple[tuple[int, c.CandidateChanges], ...] = (
        (2, {"first_name": "Ada"}),
        (3, {"email": "broken"}),
        (4, {"first_name": "Bob", "email": "bob@example.com"}),
    )
    result = service.run(c.ImportCandidates(rows, opening_id=job.id))
    assert [(r.row, r.field) for r in result.rejected] == [(3, "email")]
    with service.read() as uow:
        people = [uow.candidates.get(service.org, i) for i in result.created]
        assert [(p.first_name, p.seq) for p in people if p] == [("Ada", 2), ("Bob", 3)]
        assert len(uow.applications.find(service.org, opening_id=job.id)) == 2
        assert uow.openings.get(service.org, job.id).application_count == 2  # type: ignore[union-attr]
    assert [e.data for e in service.events(ev.EventType.CANDIDATE_CREATED)][1:] == [{"import": True}] * 2
    with service.refuses(NotFound, field="opening_id"):
        service.run(c.ImportCandidates(rows, opening_id="missing"))
    with service.refuses(Forbidden, scope=Scope.WRITE_CANDIDATES):
        service.run(c.ImportCandidates(rows), service.actor(Scope.READ_CANDIDATES))


def test_an_import_of_only_bad_rows_saves_nothing(service: Service) -> None:
    before = service.tables()
    result = service.run(c.ImportCandidates(((1, {"email": "broken"}),)))
    assert (result.created, len(result.rejected)) == ([], 1) and service.tables() == before


def test_a_status_map_is_created_then_replaced_by_name(service: Service) -> None:
    first = service.run(c.SetStatusMap("ats", {"10": "Screen: passed"}))
    second = service.run(c.SetStatusMap("ats", {"20": "Offer : made "}))
    assert (second.id, second.version, second.entries) == (first.id, 2, {"20": "Offer: made"})
    with service.read() as uow:
        assert uow.status_maps.find(service.org, name="ats") == [second]
    assert len(service.events(ev.EventType.STATUS_MAP_SET)) == 2
    with service.refuses(InvalidField, field="entries"):
        service.run(c.SetStatusMap("ats", {}))
    with service.refuses(InvalidField, field="entries.S-1"):
        service.run(c.SetStatusMap("ats", {"S-1": "no colon"}))
    with service.refuses(InvalidField, field="entries.S-1"):
        service.run(c.SetStatusMap("ats", {"S-1": ": Sent"}))
    with service.refuses(InvalidField, field="name"):
        service.run(c.SetStatusMap("", {"S-1": "A: B"}))
    with service.refuses(Forbidden, scope=Scope.READ_CANDIDATES):
        service.run(c.SetStatusMap("ats", {"30": "A: b"}), service.actor(Scope.WRITE_CANDIDATES))
