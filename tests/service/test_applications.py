"""Application commands through the bus: a candidate put into an opening, changed, and taken out of it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from candidly.domain import commands as c
from candidly.domain import events as ev
from candidly.domain.applications import DEFAULT, ApplicationKind
from candidly.domain.errors import Conflict, Forbidden, InvalidField, NotAllowed, NotFound, StaleVersion
from candidly.domain.principals import Scope
from tests.service.conftest import Service

LATER = datetime(2026, 3, 1, tzinfo=UTC)
EARLIER = datetime(2026, 2, 1, tzinfo=UTC)


def test_an_application_of_a_new_person_is_saved_counted_and_logged(service: Service) -> None:
    job = service.opening()
    application = service.application(job, fields={"group": "night", "labels": ["vip", "vip"]})
    with service.read() as uow:
        assert uow.applications.get(service.org, application.id) == application
        person = uow.candidates.get(service.org, application.candidate_id)
        assert person is not None and person.email == "ada@example.com"
        assert uow.openings.get(service.org, job.id).application_count == 1  # type: ignore[union-attr]
    assert (application.group, application.labels, application.invitation_code is not None) == ("night", ["vip"], True)
    [created] = service.events(ev.EventType.APPLICATION_CREATED)
    assert created.data == {"opening_id": job.id} and created.changes["group"] == [None, "night"]
    assert [e.type for e in service.events()][-2:] == [ev.EventType.CANDIDATE_CREATED, ev.EventType.APPLICATION_CREATED]


def test_an_application_takes_an_existing_person_a_user_or_the_person_with_that_email(service: Service) -> None:
    job = service.opening()
    ada = service.candidate()
    existing = service.run(c.CreateApplication(opening_id=job.id, candidate_id=ada.id))
    reused = service.run(c.CreateApplication(opening_id=service.opening(name="Two").id, reuse_person_by_email=True,
                                             candidate={"email": "ada@example.com"}))  # fmt: skip
    assert existing.candidate_id == reused.candidate_id == ada.id
    user = service.run(c.CreateUser(username="grace", fullname="Grace Brewster Hopper", email="grace@example.com"))
    internal = service.run(c.CreateApplication(opening_id=job.id, user_id=user.id))
    assert (internal.kind, internal.uniq_id, internal.credential1) == (ApplicationKind.INTERNAL, "grace", "grace")
    with service.read() as uow:
        person = uow.candidates.get(service.org, internal.candidate_id)
    assert person is not None and (person.first_name, person.last_name) == ("Grace Brewster", "Hopper")
    with service.refuses(Conflict, field="uniq_id"):  # a user joins a task once
        service.run(c.CreateApplication(opening_id=job.id, user_id=user.id))


def test_an_application_refuses_what_its_opening_does_not_hold(service: Service) -> None:
    job = service.opening()
    with service.refuses(NotFound, field="opening_id"):
        service.application(dataclasses.replace(job, id="missing"))
    with service.refuses(InvalidField, field="program_ids[0]"):
        service.application(job, fields={"program_ids": ["nope"]})
    with service.refuses(InvalidField, field="step_overrides.nope"):
        service.application(job, fields={"step_overrides": {"nope": {"active": False}}})
    with service.refuses(InvalidField, field="active_after"):
        service.application(job, fields={"active_after": LATER, "active_before": EARLIER})
    with service.refuses(NotFound, field="candidate_id"):
        service.run(c.CreateApplication(opening_id=job.id, candidate_id="missing"))


def test_a_uniq_id_is_unique_within_its_scope(service: Service) -> None:
    job = service.opening()
    first = service.application(job, fields={"group": "a", "uniq_id": "U1"}, uniq_scope="group")
    service.application(job, fields={"group": "b", "uniq_id": "U1"}, uniq_scope="group")  # another group: fine
    with service.refuses(Conflict, field="uniq_id", existing_id=first.id):
        service.application(job, fields={"group": "a", "uniq_id": "U1"}, uniq_scope="group")
    with service.refuses(InvalidField, field="uniq_scope"):
        service.application(job, fields={"uniq_id": "U2"}, uniq_scope="galaxy")


def test_an_invitation_is_logged_for_the_outbox_when_the_template_and_address_exist(service: Service) -> None:
    job = service.opening()
    application = service.application(job, invite={"template_name": "invite", "send_at": LATER})
    [invited] = service.events("invitation.requested")
    assert (invited.subject_id, invited.data["template_name"], invited.data["send_at"]) == (
        application.id, "invite", LATER.isoformat(),
    )  # fmt: skip
    with service.refuses(InvalidField, field="invite.template_name"):
        service.application(job, invite={"template_name": "missing"})
    with service.refuses(InvalidField, field="invite"):
        service.application(job, candidate={"first_name": "Bob"}, invite={"template_name": "invite"})


def test_salary_expectations_need_their_own_scope(service: Service) -> None:
    job = service.opening()
    others = [s for s in Scope if s != Scope.READ_SALARY]
    with service.refuses(Forbidden, scope=Scope.READ_SALARY):
        service.run(c.CreateApplication(opening_id=job.id, candidate={"first_name": "Ada"},
                                        fields={"salary_expectations": "100k"}), service.actor(*others))  # fmt: skip
    application = service.application(job, fields={"salary_expectations": "100k"})
    [created] = service.events(ev.EventType.APPLICATION_CREATED)
    assert application.salary_expectations == "100k"
    assert created.changes["salary_expectations"] == ["[redacted]", "[redacted]"]  # the log never holds it


def test_an_update_changes_the_application_its_steps_and_its_person_together(service: Service) -> None:
    job = service.opening()
    application = service.application(job, fields={"labels": ["a"]})
    s2 = job.steps[1].id
    service.clock.advance(hours=1)
    updated = service.run(c.UpdateApplication(
        application.id, changes={"status": "hired", "labels_add": ["b"]}, candidate_changes={"last_name": "Lovelace"},
        step_changes={s2: {"attempt_limit": 3}}, if_version=1,
    ))  # fmt: skip
    assert (updated.version, updated.status, updated.labels) == (2, "hired", ["a", "b"])
    assert updated.status_changed_at == service.clock.now() and updated.step_overrides == {s2: {"attempt_limit": 3}}
    [change] = service.events(ev.EventType.APPLICATION_UPDATED)
    assert change.changes["status"] == [None, "hired"] and change.changes["labels"] == [["a"], ["a", "b"]]
    [person_change] = service.events(ev.EventType.CANDIDATE_UPDATED)
    assert person_change.changes == {"last_name": [None, "Lovelace"]}
    reverted = service.run(c.UpdateApplication(application.id, step_changes={s2: {"attempt_limit": DEFAULT}}))
    assert reverted.step_overrides == {}


def test_an_update_is_refused_on_a_stale_version_a_bad_field_or_another_opening(service: Service) -> None:
    job, other = service.opening(), service.opening(name="Other")
    application = service.application(job)
    with service.refuses(StaleVersion, current=1):
        service.run(c.UpdateApplication(application.id, changes={"status": "x"}, if_version=9))
    with service.refuses(InvalidField, field="rating"):
        service.run(c.UpdateApplication(application.id, changes={"rating": 9}))
    with service.refuses(InvalidField, field="steps.nope"):
        service.run(c.UpdateApplication(application.id, step_changes={"nope": {"active": False}}))
    with service.refuses(InvalidField, field="step_overrides.nope"):
        service.run(c.UpdateApplication(application.id, changes={"step_overrides": {"nope": {"active": False}}}))
    with service.refuses(InvalidField, field="active_after"):
        service.run(c.UpdateApplication(application.id, changes={"active_after": LATER, "active_before": EARLIER}))
    with service.refuses(NotFound):
        service.run(c.UpdateApplication(application.id, changes={"status": "x"}, opening_id=other.id))
    with service.refuses(InvalidField, field="email"):
        service.run(c.UpdateApplication(application.id, candidate_changes={"email": "nope"}))


def test_deleting_an_application_frees_its_uniq_id_and_code(service: Service) -> None:
    job = service.opening()
    application = service.application(job, fields={"uniq_id": "U1"})
    with service.refuses(StaleVersion):
        service.run(c.DeleteApplication(application.id, if_version=5))
    service.run(c.DeleteApplication(application.id, only_if_untouched=True))
    with service.read() as uow:
        gone = uow.applications.get(service.org, application.id)
        assert gone is not None and (gone.uniq_key, gone.invitation_code) == (None, None)
        assert uow.openings.get(service.org, job.id).application_count == 0  # type: ignore[union-attr]
    assert service.events()[-1].type == ev.EventType.APPLICATION_DELETED
    service.application(job, fields={"uniq_id": "U1"})  # free again
    with service.refuses(NotFound):
        service.run(c.DeleteApplication(application.id))


def test_a_candidate_who_logged_in_is_not_deleted_when_only_untouched_ones_may_be(service: Service) -> None:
    application = service.application(service.opening())
    service.run(c.RecordLogin(application.id, "invitation_code"))
    with service.refuses(NotAllowed):
        service.run(c.DeleteApplication(application.id, only_if_untouched=True))
    with service.refuses(Forbidden, scope=Scope.DELETE_CANDIDATES):
        service.run(c.DeleteApplication(application.id), service.actor(Scope.WRITE_CANDIDATES))


def test_a_login_marks_the_application_once_inside_its_window(service: Service) -> None:
    job = service.opening()
    application = service.application(job)
    assert service.run(c.RecordLogin(application.id, "credentials")).logged_in is True
    service.run(c.RecordLogin(application.id, "credentials"))  # coming back changes nothing
    [login] = service.events(ev.EventType.APPLICATION_UPDATED)
    assert (login.changes, login.data) == ({"logged_in": [False, True]}, {"login": "credentials"})
    closed = service.application(job, fields={"active_before": service.clock.now()})
    with service.refuses(NotAllowed, field="application_id"):
        service.run(c.RecordLogin(closed.id, "invitation_code"))
