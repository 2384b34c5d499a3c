"""An opening's field rules (``Opening.apply``) and its steps, programs and email templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from candidly.domain.commands import ProgramSpec, StepSpec, TemplateSpec
from candidly.domain.errors import InvalidField
from candidly.domain.openings import MAX_ATTEMPTS, MAX_DETAILS, OPENING_FIELDS, clean_opening_field
from tests.domain.build import HOUR, NOW, opening, step

VALID = [
    ("name", "Backend assessment", "Backend assessment"),
    ("name", "x" * 200, "x" * 200),
    ("external_id", "REQ-1", "REQ-1"),
    ("external_id", None, None),
    ("language", "en", "en"),
    ("language", "pt-BR", "pt-BR"),
    ("default_group", "default", "default"),
    ("status", "closed", "closed"),
    ("settings", {"timer": 30}, {"timer": 30}),
    ("settings", None, {}),
    ("department", "R&D", "R&D"),
    ("department", None, None),
    ("experience_level", "senior", "senior"),
    ("employment_type", "full-time", "full-time"),
    ("lead_recruiter_id", "user-1", "user-1"),
    ("lead_recruiter_id", None, None),
    ("location", {"city": "Lisbon", "country": "PT"}, {"city": "Lisbon", "country": "PT"}),
    ("location", {"city": None, "name": "HQ"}, {"name": "HQ"}),
    ("location", {"city": None}, None),
    ("location", None, None),
    ("details", [{"name": "Perks", "value": "Lunch"}], [{"name": "Perks", "value": "Lunch"}]),
    ("details", [{"name": "Empty"}], [{"name": "Empty", "value": ""}]),
    ("details", None, []),
    ("details", [], []),
]


@pytest.mark.parametrize(("key", "value", "stored"), VALID)
def test_a_valid_value_is_stored(key: str, value: Any, stored: Any) -> None:
    task = opening()
    task.apply({key: value})
    assert getattr(task, key) == stored


INVALID = [
    ("name", "", "name", "must be at least 1 characters"),
    ("name", None, "name", "must not be null"),
    ("name", "x" * 201, "name", "must be at most 200 characters"),
    ("external_id", "x" * 256, "external_id", "must be at most 255 characters"),
    ("language", "e", "language", "must be at least 2 characters"),
    ("language", "x" * 11, "language", "must be at most 10 characters"),
    ("language", None, "language", "must not be null"),
    ("default_group", "", "default_group", "must be at least 1 characters"),
    ("default_group", None, "default_group", "must not be null"),
    ("status", "", "status", "must be at least 1 characters"),
    ("status", "x" * 41, "status", "must be at most 40 characters"),
    ("settings", {"a": "x" * 64 * 1024}, "settings", "must be at most 65536 bytes as JSON"),
    ("settings", {str(i): i for i in range(1001)}, "settings", "must have at most 1000 keys"),
    ("department", "x" * 201, "department", "must be at most 200 characters"),
    ("experience_level", "x" * 101, "experience_level", "must be at most 100 characters"),
    ("employment_type", "x" * 101, "employment_type", "must be at most 100 characters"),
    ("lead_recruiter_id", "", "lead_recruiter_id", "must be at least 1 characters"),
    ("lead_recruiter_id", "x" * 65, "lead_recruiter_id", "must be at most 64 characters"),
    ("location", "Lisbon", "location", "must be an object with name, city, state, country"),
    ("location", {"street": "Main"}, "location.street", "is not one of name, city, state, country"),
    ("location", {"city": "x" * 201}, "location.city", "must be at most 200 characters"),
    ("details", {"name": "x"}, "details", f"must be a list of at most {MAX_DETAILS} {{name, value}} objects"),
    ("details", [{"name": "n", "value": "v"}] * (MAX_DETAILS + 1), "details",
     f"must be a list of at most {MAX_DETAILS} {{name, value}} objects"),
    ("details", ["Perks"], "details[0]", "must be an object with name and value"),
    ("details", [{"name": "n", "kind": "x"}], "details[0]", "must be an object with name and value"),
    ("details", [{"value": "v"}], "details[0].name", "must be at least 1 characters"),
    ("details", [{"name": "n", "value": "x" * 20_001}], "details[0].value", "must be at most 20000 characters"),
    ("kind", "job", "kind", "cannot be changed"),
    ("application_count", 3, "application_count", "cannot be changed"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "field", "reason"), INVALID)
def test_an_invalid_value_is_refused_naming_the_field(key: str, value: Any, field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        opening().apply({key: value})
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_every_field_has_a_rule() -> None:
    assert set(OPENING_FIELDS) == {"name", "external_id", "language", "default_group", "settings", "status",
                                   "department", "location", "experience_level", "employment_type", "details",
                                   "lead_recruiter_id"}  # fmt: skip
    assert clean_opening_field("settings", None) == {}


@pytest.mark.parametrize(("status", "allowed"), [("open", True), ("closed", True), ("paused", False), ("Open", False)])
def test_a_position_is_open_or_closed(status: str, allowed: bool) -> None:
    position = opening(kind="position")
    if allowed:
        position.apply({"status": status})
        assert position.status == status
        return
    with pytest.raises(InvalidField) as caught:
        position.apply({"status": status})
    assert (caught.value.field, caught.value.reason) == ("status", "a position's status must be one of open, closed")


def test_a_task_may_hold_any_status() -> None:
    task = opening()
    task.apply({"status": "paused"})
    assert task.status == "paused"


def test_steps_are_numbered_in_order_and_keep_their_settings() -> None:
    task = opening()
    task.set_steps((StepSpec(name="Coding", key="c", attempt_limit=2, active_before=NOW), StepSpec(name="Talk")))
    assert [(s.position, s.name, s.key, s.attempt_limit) for s in task.steps] == [(0, "Coding", "c", 2),
                                                                                  (1, "Talk", None, -1)]  # fmt: skip
    assert task.steps[0].active_before == NOW
    assert len({s.id for s in task.steps}) == 2


@pytest.mark.parametrize(
    ("specs", "field", "reason"),
    [
        ((StepSpec(name="a", key="k"), StepSpec(name="b", key="k")), "steps[1].key", "duplicate step key 'k'"),
        ((StepSpec(name=""),), "steps[0].name", "must be at least 1 characters"),
        ((StepSpec(name="x" * 201),), "steps[0].name", "must be at most 200 characters"),
        ((StepSpec(name="a", active_after=NOW, active_before=NOW),), "steps[0].active_after",
         "must be before active_before"),
        ((StepSpec(name="a"), StepSpec(name="b", active_after=NOW + HOUR, active_before=NOW)),
         "steps[1].active_after", "must be before active_before"),
        *[((StepSpec(name="a", attempt_limit=bad),), "steps[0].attempt_limit",
           f"must be a number of attempts from 1 to {MAX_ATTEMPTS}, or -1 for unlimited")
          for bad in (0, -2, MAX_ATTEMPTS + 1)],
    ],
)  # fmt: skip
def test_an_invalid_step_is_refused(specs: tuple[StepSpec, ...], field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        opening().set_steps(specs)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_programs_name_their_steps_by_key() -> None:
    task = opening()
    task.set_steps((StepSpec(name="a", key="a"), StepSpec(name="b", key="b")))
    task.set_programs((ProgramSpec(name="Fast", step_keys=("b",)), ProgramSpec(name="All", step_keys=("a", "b"))))
    a, b = (s.id for s in task.steps)
    assert [(p.name, p.step_ids) for p in task.programs] == [("Fast", [b]), ("All", [a, b])]


@pytest.mark.parametrize(
    ("spec", "field", "reason"),
    [
        (ProgramSpec(name="P", step_keys=("a", "z")), "programs[0].step_keys[1]", "no step with key 'z'"),
        (ProgramSpec(name="", step_keys=("a",)), "programs[0].name", "must be at least 1 characters"),
        (ProgramSpec(name="x" * 201), "programs[0].name", "must be at most 200 characters"),
    ],
)
def test_an_invalid_program_is_refused(spec: ProgramSpec, field: str, reason: str) -> None:
    task = opening()
    task.set_steps((StepSpec(name="a", key="a"),))
    with pytest.raises(InvalidField) as caught:
        task.set_programs((spec,))
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_templates_are_kept_when_they_parse() -> None:
    task = opening()
    task.set_templates((TemplateSpec(name="invite", subject="Hi {{ candidate.fullname }}", body="{{ access_url }}"),))
    assert [(t.name, t.subject) for t in task.email_templates] == [("invite", "Hi {{ candidate.fullname }}")]


@pytest.mark.parametrize(
    ("specs", "field", "reason"),
    [
        ((TemplateSpec("a", "s", "b"), TemplateSpec("a", "s", "b")), "email_templates[1].name",
         "duplicate template name 'a'"),
        ((TemplateSpec("a", "{{ x", "b"),), "email_templates[0].subject", "template syntax error: "),
        ((TemplateSpec("a", "s", "{% if %}"),), "email_templates[0].body", "template syntax error: "),
        ((TemplateSpec("a", "s", "{% for x in y %}"),), "email_templates[0].body", "template syntax error: "),
        ((TemplateSpec("", "s", "b"),), "email_templates[0].name", "must be at least 1 characters"),
        ((TemplateSpec("a", "x" * 1001, "b"),), "email_templates[0].subject", "must be at most 1000 characters"),
        ((TemplateSpec("a", "s", "x" * 100_001),), "email_templates[0].body", "must be at most 100000 characters"),
    ],
)  # fmt: skip
def test_an_invalid_template_is_refused(specs: tuple[TemplateSpec, ...], field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        opening().set_templates(specs)
    assert caught.value.field == field
    assert caught.value.reason.startswith(reason)


def test_step_settings_change_in_place() -> None:
    task = opening(step("s1"))
    task.change_steps({"s1": {"name": "Renamed", "attempt_limit": 3, "active_before": NOW}})
    assert (task.steps[0].name, task.steps[0].attempt_limit, task.steps[0].active_before) == ("Renamed", 3, NOW)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"s9": {"name": "x"}}, "steps.s9", "no such step in this opening"),
        ({"s1": {"position": 4}}, "steps.s1.position", "cannot be changed"),
        ({"s1": {"id": "s2"}}, "steps.s1.id", "cannot be changed"),
        ({"s1": {"attempt_limit": 0}}, "steps.s1.attempt_limit",
         f"must be a number of attempts from 1 to {MAX_ATTEMPTS}, or -1 for unlimited"),
        ({"s1": {"active_after": NOW + HOUR}}, "steps.s1.active_after", "must be before active_before"),
    ],
)  # fmt: skip
def test_an_invalid_step_change_is_refused(changes: dict[str, dict[str, Any]], field: str, reason: str) -> None:
    task = opening(step("s1", active_before=NOW))
    with pytest.raises(InvalidField) as caught:
        task.change_steps(changes)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_a_step_window_can_move_as_a_whole() -> None:
    task = opening(step("s1", active_after=NOW - HOUR, active_before=NOW))
    later: dict[str, datetime] = {"active_after": NOW + HOUR, "active_before": NOW + 2 * HOUR}
    task.change_steps({"s1": later})
    assert (task.steps[0].active_after, task.steps[0].active_before) == (NOW + HOUR, NOW + 2 * HOUR)
