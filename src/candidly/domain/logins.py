"""What the access page lets a candidate do: sign in (window, credentials) and what each step allows now."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from candidly.domain.applications import Application, ApplicationKind, EffectiveStep, Refusal, window_refusal
from candidly.domain.openings import Opening

# ``Opening.settings[ACCESS_METHOD]`` says how candidates sign in, in TestInvite's words:
# "single-credential" asks for credential1 only, "double-credential" for both. Without a setting the
# second credential is asked for but optional: it must match whenever the candidate has one.
ACCESS_METHOD = "access_method"
SINGLE_CREDENTIAL = "single-credential"
DOUBLE_CREDENTIAL = "double-credential"


def asks_second_credential(opening: Opening) -> bool:
    return opening.settings.get(ACCESS_METHOD) != SINGLE_CREDENTIAL


def requires_second_credential(opening: Opening) -> bool:
    return opening.settings.get(ACCESS_METHOD) == DOUBLE_CREDENTIAL


def second_credential_matches(application: Application, opening: Opening, credential2: str | None) -> bool:
    """Whether ``credential2`` completes credential1 for this application (credential1 already matched).

    An internal candidate's credential1 is their username, which is no secret (colleagues know it, lists
    show it): they need a second credential that matches, whatever the opening asks, and without one they
    sign in with their invitation code only.
    """
    if application.kind == ApplicationKind.INTERNAL:
        return _same(application.credential2, credential2)
    if not asks_second_credential(opening):
        return True
    if application.credential2 is None:
        return not requires_second_credential(opening)
    return _same(application.credential2, credential2)


def _same(held: str | None, given: str | None) -> bool:
    return held is not None and given is not None and hmac.compare_digest(held.encode(), given.encode())


def login_refusal(application: Application, now: datetime) -> tuple[Refusal, datetime | None] | None:
    """Why the application's active flag or window keeps the candidate out at ``now`` (with the date), or None.

    The rule of ``within_login_window``, told as a reason the page can show.
    """
    return window_refusal(application.active, application.active_after, application.active_before, now)


class StepStatus(StrEnum):
    OPEN = "open"
    NOT_YET = "not_yet"
    CLOSED = "closed"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True, slots=True)
class StepState:
    """What one step allows an application now: its status, the date behind it, and the attempts left."""

    step: EffectiveStep
    status: StepStatus
    when: datetime | None  # when a NOT_YET step opens, or when a CLOSED step closed
    attempts_left: int | None  # None: unlimited


def step_state(step: EffectiveStep, used: int, now: datetime) -> StepState:
    """The step's flag, window and attempt limit (overrides applied) against the attempts ``used`` so far."""
    left = step.attempts_left(used)
    refusal = window_refusal(step.active, step.active_after, step.active_before, now)
    if refusal is None:
        return StepState(step, StepStatus.EXHAUSTED if left == 0 else StepStatus.OPEN, None, left)
    reason, when = refusal
    return StepState(step, StepStatus.NOT_YET if reason is Refusal.NOT_YET else StepStatus.CLOSED, when, left)
