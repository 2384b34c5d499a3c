"""TestInvite test instances (docs/vendors/testinvite.md, decision 16): a test session in TestInvite's basic or detailed shape.

Also the body of a TestInvite ``callback``: the delivery worker is handed ``render_test_instance`` by the
composition root, so the callback a TestInvite client asked for arrives in TestInvite's own shape.
"""

from __future__ import annotations

from typing import Any

from candidly.dialects.fields import spelled
from candidly.dialects.testinvite import schemas as wire
from candidly.domain.applications import Application, ApplicationKind
from candidly.domain.attempts import Attempt

# The basic scoreboard has three numbers; the detailed one adds noOfQuestions, and the detailed result always
# carries its three lists (empty when the completion reported none), as the guide types them.
_BASIC_SCORES = ("pointsAchieved", "maxAchievablePoints", "achievementRatio")
_DETAILED_LISTS = ("sections", "dimensions", "effects")
# The result object has no response model (its scores are what the completion reported, under the same names):
# its other names, each written once.
_COMPLETED_AT, _SCOREBOARD, _QUESTIONS = "completedAt", "scoreboard", "noOfQuestions"


def _seconds(session: Attempt) -> int | None:
    return None if session.completed_at is None else int(session.completed_at.timestamp())


def _result(session: Attempt, detailed: bool) -> dict[str, Any] | bool:
    """``false`` until the session completes; then its completion time and scores."""
    if session.completed_at is None:
        return False
    scoreboard = dict(session.result.get(_SCOREBOARD) or {})
    result: dict[str, Any] = {_COMPLETED_AT: _seconds(session), _SCOREBOARD: scoreboard}
    if not detailed:
        result[_SCOREBOARD] = {k: v for k, v in scoreboard.items() if k in _BASIC_SCORES}
        return result
    questions = session.result.get(_QUESTIONS)  # a completion may report it beside the scoreboard
    if questions is not None:
        scoreboard.setdefault(_QUESTIONS, questions)
        result[_QUESTIONS] = questions  # where earlier answers put it: kept for the clients that read it there
    result.update({k: session.result.get(k) or [] for k in _DETAILED_LISTS})
    return result


def render_test_instance(session: Attempt, application: Application, mode: str) -> dict[str, Any]:
    """The test instance in ``mode`` ("basic", or "detailed" with the candidate and the full result)."""
    detailed = mode == "detailed"
    values = {
        "test_instance_id": session.id,
        "task_id": session.opening_id,
        "step_id": session.step_id,
        "ticket_id": application.id,
        "status": session.status,
        "ignored": False,
        "result": _result(session, detailed),
    }
    body = spelled(wire.BasicTestInstance, values)
    if not detailed:
        return body
    kind = "user" if application.kind == ApplicationKind.INTERNAL else "temp"
    more = {
        "organization_id": session.organization_id,
        "candidate": spelled(wire.TestInstanceCandidate, {"id": application.id, "kind": kind}),
        # Folders hold tasks, and Candidly files test instances in none: the guide's string, empty.
        "folder": "",
        "group": application.group,
        "labels": application.labels,
        "tags": application.tags,
    }
    return {**body, **spelled(wire.DetailedTestInstance, more)}
