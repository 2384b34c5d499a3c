"""Opening commands through the bus: an opening with its steps, programs and templates, changed and deleted."""

from __future__ import annotations

from datetime import UTC, datetime

from candidly.domain import commands as c
from candidly.domain import events as ev
from candidly.domain.errors import Forbidden, InvalidField, NotAllowed, NotFound, StaleVersion
from candidly.domain.principals import Scope
from tests.service.conftest import Service


def test_an_opening_is_saved_with_its_steps_programs_and_templates(service: Service) -> None:
    job = service.opening(external_id="REQ-1")
    with service.read() as uow:
        assert uow.openings.get(service.org, job.id) == job
    assert [s.key for s in job.steps] == ["s1", "s2"] and [s.position for s in job.steps] == [0, 1]
    assert job.programs[0].step_ids == [job.steps[0].id] and job.email_templates[0].name == "invite"
    [created] = service.events(ev.EventType.OPENING_CREATED)
    assert (created.subject_id, created.data) == (job.id, {"name": "Backend assessment"})


def test_a_position_has_an_open_or_closed_status_and_a_live_lead_recruiter(service: Service) -> None:
    user = service.run(c.CreateUser(username="grace"))
    position = service.opening(kind="position", fields={"status": "closed", "department": "R&D",
                                                        "lead_recruiter_id": user.id})  # fmt: skip
    assert (position.status, position.department, position.lead_recruiter_id) == ("closed", "R&D", user.id)
    with service.refuses(InvalidField, field="status"):
        service.opening(kind="position", fields={"status": "paused"})
    with service.refuses(NotFound, field="lead_recruiter_id"):
        service.opening(kind="position", fields={"lead_recruiter_id": "nobody"})


def test_a_malformed_opening_is_refused_by_the_field_at_fault(service: Service) -> None:
    with service.refuses(InvalidField, field="kind"):
        service.opening(kind="party")
    with service.refuses(InvalidField, field="name"):
        service.opening(name="")
    with service.refuses(InvalidField, field="steps[1].key"):
        service.opening(steps=(c.StepSpec(name="A", key="k"), c.StepSpec(name="B", key="k")))
    with service.refuses(InvalidField, field="steps[0].attempt_limit"):
        service.opening(steps=(c.StepSpec(name="A", attempt_limit=0),))
    late, early = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    with service.refuses(InvalidField, field="steps[0].active_after"):
        service.opening(steps=(c.StepSpec(name="A", active_after=late, active_before=early),))
    with service.refuses(InvalidField, field="programs[0].step_keys[0]"):
        service.opening(programs=(c.ProgramSpec(name="P", step_keys=("nope",)),))
    with service.refuses(InvalidField, field="email_templates[0].body"):
        service.opening(email_templates=(c.TemplateSpec(name="t", subject="Hi", body="{% if %}"),))
    with service.refuses(InvalidField, field="email_templates[0].subject"):
        service.opening(email_templates=(c.TemplateSpec(name="t", subject="{{ oops", body=""),))


def test_openings_need_the_openings_scopes(service: Service) -> None:
    with service.refuses(Forbidden, scope=Scope.WRITE_OPENINGS):
        service.run(c.CreateOpening(kind="task", name="T"), service.actor(Scope.READ_OPENINGS))
    with service.refuses(Forbidden, scope=Scope.READ_OPENINGS):
        service.run(c.CreateOpening(kind="task", name="T"), service.actor(Scope.WRITE_OPENINGS))


def test_an_update_changes_fields_and_steps_and_logs_the_fields(service: Service) -> None:
    job = service.opening()
    s1 = job.steps[0].id
    updated = service.run(c.UpdateOpening(job.id, {"name": "Renamed", "steps": {s1: {"attempt_limit": 3}},
                                                   "email_templates": None}, if_version=1))  # fmt: skip
    assert (updated.version, updated.name, updated.email_templates) == (2, "Renamed", [])
    with service.read() as uow:
        stored = uow.openings.get(service.org, job.id)
    assert stored is not None and stored.step(s1).attempt_limit == 3  # type: ignore[union-attr]
    [change] = service.events(ev.EventType.OPENING_UPDATED)
    assert change.changes == {"name": ["Backend assessment", "Renamed"]}


def test_an_update_is_refused_on_a_stale_version_or_a_field_it_cannot_change(service: Service) -> None:
    job = service.opening()
    with service.refuses(StaleVersion, current=1):
        service.run(c.UpdateOpening(job.id, {"name": "X"}, if_version=2))
    with service.refuses(InvalidField, field="kind"):
        service.run(c.UpdateOpening(job.id, {"kind": "job"}))  # type: ignore[typeddict-unknown-key]  # as a client may send
    with service.refuses(InvalidField, field="steps.nope"):
        service.run(c.UpdateOpening(job.id, {"steps": {"nope": {"name": "X"}}}))
    with service.refuses(InvalidField, field=f"steps.{job.steps[0].id}.position"):
        service.run(c.UpdateOpening(job.id, {"steps": {job.steps[0].id: {"position": 4}}}))
    with service.refuses(NotFound):
        service.run(c.UpdateOpening("missing", {"name": "X"}))


def test_an_opening_without_applications_is_deleted(service: Service) -> None:
    empty, busy = service.opening(), service.opening(name="Busy")
    service.application(busy)
    service.run(c.DeleteOpening(empty.id))
    with service.read() as uow:
        assert uow.openings.get(service.org, empty.id).deleted_at == service.clock.now()  # type: ignore[union-attr]
    assert service.events()[-1].type == ev.EventType.OPENING_DELETED
    with service.refuses(NotAllowed, field="opening_id"):
        service.run(c.DeleteOpening(busy.id))
    with service.refuses(NotFound):
        service.run(c.DeleteOpening(empty.id))
    third = service.opening(name="Third")
    with service.refuses(StaleVersion):
        service.run(c.DeleteOpening(third.id, if_version=3))
