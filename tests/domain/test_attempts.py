"""Attempts: when an application may start one at a step, how many, and how one completes with its result."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.domain.attempts import COMPLETE, STARTED, Attempt, clean_result
from candidly.domain.errors import InvalidField, NotAllowed, NotFound
from tests.domain.build import HOUR, NOW, application, opening, step

OPENING = opening(
    step("s1", attempt_limit=2),
    step("closed", 1, active_before=NOW),
    step("later", 2, active_after=NOW + HOUR),
    step("off", 3, active=False),
    step("other", 4),
    programs={"main": ["s1", "closed", "later", "off"]},
)
SCOREBOARD = {"pointsAchieved": 8, "maxAchievablePoints": 10, "achievementRatio": 0.8}


def _start(step_id: str = "s1", used: int = 0, settings: dict[str, Any] | None = None, **fields: Any) -> Attempt:
    return application(program_ids=["main"], **fields).start_attempt(OPENING, step_id, used, NOW, settings or {})


def test_an_attempt_starts_numbered_after_the_ones_used() -> None:
    app = application(session_count=4)
    attempt = app.start_attempt(OPENING, "s1", 1, NOW, {"language": "en"})
    assert (attempt.attempt, attempt.status, attempt.started_at, attempt.step_id) == (2, STARTED, NOW, "s1")
    assert (attempt.application_id, attempt.candidate_id, attempt.opening_id) == ("app-1", "cand-1", "op-1")
    assert attempt.settings == {"language": "en"}
    assert app.session_count == 5


@pytest.mark.parametrize(
    ("step_id", "fields", "error", "message"),
    [
        ("s1", {"active": False}, NotAllowed, "the candidate is inactive or outside their login window"),
        ("s1", {"active_before": NOW}, NotAllowed, "the candidate is inactive or outside their login window"),
        ("s1", {"active_after": NOW + HOUR}, NotAllowed, "the candidate is inactive or outside their login window"),
        ("s9", {}, NotFound, "step 's9' not found"),
        ("other", {}, NotAllowed, "the step is not in the candidate's programs"),
        ("closed", {}, NotAllowed, "the step is not active or outside its window"),
        ("later", {}, NotAllowed, "the step is not active or outside its window"),
        ("off", {}, NotAllowed, "the step is not active or outside its window"),
        ("off", {"step_overrides": {"s1": {}}}, NotAllowed, "the step is not active or outside its window"),
    ],
)
def test_an_attempt_needs_the_candidate_and_the_step_open(
    step_id: str, fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    app = application(program_ids=["main"], **fields)
    with pytest.raises(error) as caught:
        app.start_attempt(OPENING, step_id, 0, NOW, {})
    assert str(caught.value) == message
    assert app.session_count == 0


@pytest.mark.parametrize(
    "override",
    [{"active": True}, {"active_before": None}, {"active_before": NOW + HOUR}],
)
def test_an_override_can_open_a_shut_step(override: dict[str, Any]) -> None:
    shut = "off" if "active" in override else "closed"
    assert _start(shut, step_overrides={shut: override}).step_id == shut


@pytest.mark.parametrize(("used", "allowed"), [(0, True), (1, True), (2, False), (7, False)])
def test_a_step_allows_its_attempt_limit(used: int, allowed: bool) -> None:
    if allowed:
        assert _start(used=used).attempt == used + 1
        return
    with pytest.raises(NotAllowed) as caught:
        _start(used=used)
    assert (caught.value.field, caught.value.message) == ("step_id", "the step allows 2 attempt(s) and all are used")


@pytest.mark.parametrize(("limit", "used"), [(-1, 50), (5, 4), (1, 0)])
def test_an_application_override_sets_its_own_limit(limit: int, used: int) -> None:
    assert _start(used=used, step_overrides={"s1": {"attempt_limit": limit}}).attempt == used + 1


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"q": "x" * 64 * 1024}, "must be at most 65536 bytes as JSON"),
        ({"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}}, "must be nested at most 6 levels deep"),
        ({str(i): i for i in range(501)}, "must have at most 500 keys"),
    ],
)
def test_what_a_starter_says_of_an_attempt_is_bounded(settings: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        _start(settings=settings)
    assert (caught.value.field, caught.value.reason) == ("settings", reason)


def test_an_attempt_completes_once_with_its_result() -> None:
    attempt = _start()
    attempt.complete({"scoreboard": SCOREBOARD, "sections": []}, NOW + HOUR)
    assert (attempt.status, attempt.completed_at, attempt.result["scoreboard"]) == (COMPLETE, NOW + HOUR, SCOREBOARD)
    with pytest.raises(NotAllowed) as caught:
        attempt.complete({"scoreboard": SCOREBOARD}, NOW + 2 * HOUR)
    assert caught.value.message == "the session is already complete"
    assert attempt.completed_at == NOW + HOUR


@pytest.mark.parametrize(
    ("result", "field", "reason"),
    [
        ({}, "result.scoreboard", "is required: an object with pointsAchieved, maxAchievablePoints, achievementRatio"),
        ({"scoreboard": [1, 2, 3]}, "result.scoreboard",
         "is required: an object with pointsAchieved, maxAchievablePoints, achievementRatio"),
        *[({"scoreboard": {**SCOREBOARD, name: bad}}, f"result.scoreboard.{name}", "is required and must be a number")
          for name in SCOREBOARD for bad in (None, "8", True)],
        *[({"scoreboard": {k: v for k, v in SCOREBOARD.items() if k != name}}, f"result.scoreboard.{name}",
           "is required and must be a number") for name in SCOREBOARD],
        *[({"scoreboard": SCOREBOARD, name: {}}, f"result.{name}", "must be a list")
          for name in ("sections", "dimensions", "effects")],
        ({"scoreboard": SCOREBOARD, "x": "y" * 256 * 1024}, "result", "must be at most 262144 bytes as JSON"),
    ],
)  # fmt: skip
def test_an_invalid_result_is_refused_and_the_attempt_stays_started(
    result: dict[str, Any], field: str, reason: str
) -> None:
    attempt = _start()
    with pytest.raises(InvalidField) as caught:
        attempt.complete(result, NOW)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert attempt.status == STARTED


@pytest.mark.parametrize(
    "scoreboard",
    [SCOREBOARD, {"pointsAchieved": 0, "maxAchievablePoints": 0, "achievementRatio": 0},
     {"pointsAchieved": -1.5, "maxAchievablePoints": 1e9, "achievementRatio": 1}],
)  # fmt: skip
def test_a_numeric_scoreboard_is_kept(scoreboard: dict[str, float]) -> None:
    assert clean_result({"scoreboard": scoreboard})["scoreboard"] == scoreboard
