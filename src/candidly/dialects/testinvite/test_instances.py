"""TestInvite test instances (reference section 1.10): a test session in TestInvite's basic or detailed shape.

Also the body of a TestInvite ``callback``: the delivery worker is handed ``render_test_instance`` by the
composition root, so the callback a TestInvite client asked for arrives in TestInvite's own shape.
"""

from __future__ import annotations

from typing import Any

from candidly.domain.applications import Application, ApplicationKind
from candidly.domain.sessions import TestSession

_DETAILED_RESULT = ("noOfQuestions", "sections", "dimensions", "effects")


def _seconds(session: TestSession) -> int | None:
    return None if session.completed_at is None else int(session.completed_at.timestamp())


def _result(session: TestSession, detailed: bool) -> dict[str, Any] | bool:
    """``false`` until the session completes; then its completion time and scores."""
    if session.completed_at is None:
        return False
    result: dict[str, Any] = {"completedAt": _seconds(session), "scoreboard": session.result.get("scoreboard")}
    if detailed:
        result.update({k: session.result[k] for k in _DETAILED_RESULT if k in session.result})
    return result


def render_test_instance(session: TestSession, application: Application, mode: str) -> dict[str, Any]:
    """The test instance in ``mode`` ("basic", or "detailed" with the candidate and the full result)."""
    detailed = mode == "detailed"
    body: dict[str, Any] = {
        "testInstanceId": session.id, "taskId": session.opening_id, "stepId": session.step_id,
        "ticketId": application.id, "status": session.status, "ignored": False,
        "result": _result(session, detailed),
    }  # fmt: skip
    if detailed:
        body.update({
            "organizationId": session.organization_id,
            "candidate": {"id": application.id, "kind": "user" if application.kind == ApplicationKind.INTERNAL else "temp"},
            "folder": None, "group": application.group, "labels": application.labels, "tags": application.tags,
        })  # fmt: skip
    return body
