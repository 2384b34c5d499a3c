"""Attempts: an application's tries at a step (test sessions, interviews), and the result each one ends with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from candidly.domain.errors import InvalidField, NotAllowed
from candidly.domain.values import json_object

STARTED = "STARTED"
COMPLETE = "COMPLETE"
SCOREBOARD_FIELDS = ("pointsAchieved", "maxAchievablePoints", "achievementRatio")
# What a starter may say about an attempt (questions, language, a time, metadata): bounded like any client JSON.
SETTINGS_LIMITS = {"max_bytes": 64 * 1024, "max_depth": 6, "max_keys": 500}


@dataclass(slots=True)
class Attempt:
    """One attempt of an application at one step (a TestInvite test instance)."""

    id: str
    organization_id: str
    application_id: str
    candidate_id: str
    opening_id: str
    step_id: str
    attempt: int
    started_at: datetime
    status: str = STARTED
    completed_at: datetime | None = None
    result: dict[str, Any] = field(default_factory=dict)
    # What the attempt was started with, when its starter said (an InstaView interview's questions, language, time).
    settings: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    deleted_at: datetime | None = None

    def complete(self, result: dict[str, Any], now: datetime) -> None:
        """End a started attempt with its result; an attempt completes once."""
        if self.status != STARTED:
            raise NotAllowed("the session is already complete")
        self.result = clean_result(result)
        self.status = COMPLETE
        self.completed_at = now

    def remove(self, now: datetime) -> None:
        self.deleted_at = now


def clean_attempt_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """What the starter said about the attempt, bounded."""
    return json_object(settings, "settings", **SETTINGS_LIMITS)


def clean_result(result: dict[str, Any]) -> dict[str, Any]:
    """Validate a session result: a scoreboard of numbers, plus optional sections, dimensions and effects."""
    json_object(result, "result", max_bytes=256 * 1024, max_depth=12, max_keys=10_000)
    scoreboard = result.get("scoreboard")
    if not isinstance(scoreboard, dict):
        raise InvalidField(
            "result.scoreboard", "is required: an object with pointsAchieved, maxAchievablePoints, achievementRatio"
        )
    for name in SCOREBOARD_FIELDS:
        value = scoreboard.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidField(f"result.scoreboard.{name}", "is required and must be a number")
    for name in ("sections", "dimensions", "effects"):
        if name in result and not isinstance(result[name], list):
            raise InvalidField(f"result.{name}", "must be a list")
    return dict(result)
