"""Windows: an application's and each step's active flag and [after, before) window, and who may come in when."""

from __future__ import annotations

from datetime import datetime

import pytest

from candidly.domain.applications import Refusal, effective_steps, window_refusal
from candidly.domain.errors import InvalidField, NotAllowed
from tests.domain.build import HOUR, NOW, application, opening, step

OPENING = opening(step("s1"), step("s2", 1, active_after=NOW - HOUR, active_before=NOW + HOUR))


@pytest.mark.parametrize(
    ("active", "after", "before", "at", "refusal"),
    [
        (True, None, None, NOW, None),
        (False, None, None, NOW, (Refusal.INACTIVE, None)),
        (False, NOW - HOUR, NOW + HOUR, NOW, (Refusal.INACTIVE, None)),
        (True, NOW, None, NOW, None),  # opens at ``after``
        (True, NOW + HOUR, None, NOW, (Refusal.NOT_YET, NOW + HOUR)),
        (True, None, NOW, NOW, (Refusal.CLOSED, NOW)),  # shut at ``before``
        (True, None, NOW + HOUR, NOW, None),
        (True, NOW - HOUR, NOW + HOUR, NOW - HOUR, None),
        (True, NOW - HOUR, NOW + HOUR, NOW + HOUR, (Refusal.CLOSED, NOW + HOUR)),
        (True, NOW - HOUR, NOW + HOUR, NOW - 2 * HOUR, (Refusal.NOT_YET, NOW - HOUR)),
    ],
)
def test_a_window_is_open_from_after_until_before(
    active: bool,
    after: datetime | None,
    before: datetime | None,
    at: datetime,
    refusal: tuple[Refusal, datetime | None] | None,
) -> None:
    assert window_refusal(active, after, before, at) == refusal


@pytest.mark.parametrize(
    ("fields", "enterable"),
    [
        ({}, True),
        ({"active": False}, False),
        ({"active_after": NOW + HOUR}, False),
        ({"active_before": NOW}, False),
        ({"active_after": NOW - HOUR, "active_before": NOW + HOUR}, True),
    ],
)
def test_the_candidate_comes_in_only_within_their_login_window(fields: dict[str, object], enterable: bool) -> None:
    app = application(**fields)
    if enterable:
        app.require_enterable(NOW)
        return
    with pytest.raises(NotAllowed) as caught:
        app.require_enterable(NOW)
    assert (caught.value.field, caught.value.message) == (
        "application_id",
        "the candidate is inactive or outside their login window",
    )


@pytest.mark.parametrize(
    ("after", "before"),
    [(NOW, NOW), (NOW + HOUR, NOW), (NOW + 2 * HOUR, NOW + HOUR)],
)
def test_an_application_window_that_closes_before_it_opens_is_refused(after: datetime, before: datetime) -> None:
    with pytest.raises(InvalidField) as caught:
        application().apply({"active_after": after, "active_before": before}, OPENING, NOW)
    assert (caught.value.field, caught.value.reason) == ("active_after", "must be before active_before")


def test_windows_are_judged_after_every_change_is_applied() -> None:
    app = application(active_after=NOW, active_before=NOW + HOUR)
    app.apply({"active_after": NOW + 2 * HOUR, "active_before": NOW + 3 * HOUR}, OPENING, NOW)
    assert (app.active_after, app.active_before) == (NOW + 2 * HOUR, NOW + 3 * HOUR)


@pytest.mark.parametrize(
    ("override", "inverted"),
    [
        ({"active_after": NOW + HOUR}, True),  # the step's own before is NOW + HOUR
        ({"active_before": NOW - HOUR}, True),  # the step's own after is NOW - HOUR
        ({"active_after": NOW + 2 * HOUR, "active_before": NOW + 3 * HOUR}, False),
        ({"active_after": None}, False),
        ({"active_before": None, "active_after": NOW + 5 * HOUR}, False),
    ],
)
def test_a_step_window_is_judged_as_overridden(override: dict[str, object], inverted: bool) -> None:
    app = application()
    if not inverted:
        app.apply({"step_overrides": {"s2": override}}, OPENING, NOW)
        return
    with pytest.raises(InvalidField) as caught:
        app.apply({"step_overrides": {"s2": override}}, OPENING, NOW)
    assert (caught.value.field, caught.value.reason) == (
        "step_overrides.s2.active_after",
        "must be before active_before",
    )


def test_effective_steps_take_the_override_over_the_step() -> None:
    app = application(step_overrides={"s2": {"active_before": None, "attempt_limit": 2}})
    first, second = effective_steps(app, OPENING)
    assert (first.step_id, first.overridden, first.attempt_limit) == ("s1", frozenset(), -1)
    assert (second.active_after, second.active_before, second.attempt_limit) == (NOW - HOUR, None, 2)
    assert second.overridden == frozenset({"active_before", "attempt_limit"})


def test_an_application_in_programs_sees_only_their_steps_in_order() -> None:
    shaped = opening(step("a", 2), step("b", 0), step("c", 1), programs={"p1": ["a"], "p2": ["c", "a"]})
    assert [s.step_id for s in effective_steps(application(program_ids=["p2"]), shaped)] == ["c", "a"]
    assert [s.step_id for s in effective_steps(application(program_ids=["p1"]), shaped)] == ["a"]
    assert [s.step_id for s in effective_steps(application(), shaped)] == ["b", "c", "a"]


@pytest.mark.parametrize(("limit", "used", "left"), [(-1, 0, None), (-1, 99, None), (3, 0, 3), (3, 2, 1), (3, 3, 0),
                                                      (1, 5, 0)])  # fmt: skip
def test_attempts_left_count_down_to_zero(limit: int, used: int, left: int | None) -> None:
    (only,) = effective_steps(application(), opening(step("s1", attempt_limit=limit)))
    assert only.attempts_left(used) == left
