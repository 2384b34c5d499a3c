"""Attempt commands through the bus: an application's attempts at a step, within the step's rules."""

from __future__ import annotations

from datetime import UTC, datetime

from candidly.domain import commands as c
from candidly.domain import events as ev
from candidly.domain.attempts import COMPLETE, STARTED
from candidly.domain.errors import Forbidden, InvalidField, NotAllowed, NotFound
from candidly.domain.principals import Scope
from tests.service.conftest import Service

SCORE = {"scoreboard": {"pointsAchieved": 8, "maxAchievablePoints": 10, "achievementRatio": 0.8}}


def test_an_attempt_starts_numbered_and_counted_on_its_application(service: Service) -> None:
    job = service.opening()
    application = service.application(job)
    s2 = job.steps[1].id
    first = service.run(c.StartAttempt(application.id, s2, settings={"language": "en"}))
    second = service.run(c.StartAttempt(application.id, s2))
    assert (first.status, first.attempt, second.attempt, first.settings) == (STARTED, 1, 2, {"language": "en"})
    with service.read() as uow:
        assert uow.attempts.get(service.org, first.id) == first
        stored = uow.applications.get(service.org, application.id)
        assert stored is not None and (stored.session_count, stored.version) == (2, 3)
    started = service.events(ev.EventType.SESSION_STARTED)
    assert [e.data["attempt"] for e in started] == [1, 2] and started[0].candidate_id == application.candidate_id


def test_an_attempt_is_refused_when_its_limit_is_used_or_the_step_is_shut(service: Service) -> None:
    job = service.opening()
    s1, s2 = job.steps[0].id, job.steps[1].id
    application = service.application(job)
    service.run(c.StartAttempt(application.id, s1))
    with service.refuses(NotAllowed, field="step_id", says="attempt"):  # one attempt allowed
        service.run(c.StartAttempt(application.id, s1))
    with service.refuses(NotFound, field="step_id"):
        service.run(c.StartAttempt(application.id, "nope"))
    fast_track = service.application(job, fields={"program_ids": [job.programs[0].id]})
    with service.refuses(NotAllowed, field="step_id", says="programs"):
        service.run(c.StartAttempt(fast_track.id, s2))
    shut = service.application(job, fields={"step_overrides": {s2: {"active": False}}})
    with service.refuses(NotAllowed, field="step_id"):
        service.run(c.StartAttempt(shut.id, s2))
    inactive = service.application(job, fields={"active": False})
    with service.refuses(NotAllowed, field="application_id", says="inactive"):
        service.run(c.StartAttempt(inactive.id, s2))
    with service.refuses(Forbidden, scope=Scope.READ_CANDIDATES):
        service.run(c.StartAttempt(application.id, s2), service.actor(Scope.WRITE_CANDIDATES))


def test_an_attempt_completes_once_with_a_scoreboard(service: Service) -> None:
    job = service.opening()
    attempt = service.run(c.StartAttempt(service.application(job).id, job.steps[1].id))
    with service.refuses(InvalidField, field="result.scoreboard"):
        service.run(c.CompleteAttempt(attempt.id, {"sections": []}))
    with service.refuses(InvalidField, field="result.scoreboard.achievementRatio"):
        service.run(c.CompleteAttempt(attempt.id, {"scoreboard": {**SCORE["scoreboard"], "achievementRatio": "x"}}))
    service.clock.advance(minutes=30)
    done = service.run(c.CompleteAttempt(attempt.id, SCORE))
    assert (done.status, done.result, done.completed_at) == (COMPLETE, SCORE, service.clock.now())
    [completed] = service.events(ev.EventType.SESSION_COMPLETED)
    assert completed.subject_id == attempt.id and completed.data["step_id"] == job.steps[1].id
    with service.refuses(NotAllowed):
        service.run(c.CompleteAttempt(attempt.id, SCORE))
    with service.refuses(NotFound):
        service.run(c.CompleteAttempt("missing", SCORE))


def test_a_deleted_attempt_is_hidden_but_still_counts_against_the_limit(service: Service) -> None:
    job = service.opening()
    application = service.application(job)
    attempt = service.run(c.StartAttempt(application.id, job.steps[0].id))
    with service.refuses(Forbidden, scope=Scope.DELETE_CANDIDATES):
        service.run(c.DeleteAttempt(attempt.id), service.actor(Scope.WRITE_CANDIDATES))
    service.run(c.DeleteAttempt(attempt.id))
    assert service.events()[-1].type == ev.EventType.SESSION_DELETED
    with service.refuses(NotFound):
        service.run(c.CompleteAttempt(attempt.id, SCORE))
    with service.refuses(NotAllowed, field="step_id"):
        service.run(c.StartAttempt(application.id, job.steps[0].id))


def test_an_overridden_attempt_limit_applies(service: Service) -> None:
    job = service.opening()
    s1 = job.steps[0].id
    application = service.application(job, fields={"step_overrides": {s1: {"attempt_limit": 2}}})
    assert [service.run(c.StartAttempt(application.id, s1)).attempt for _ in range(2)] == [1, 2]
    with service.refuses(NotAllowed, field="step_id", says="attempt"):
        service.run(c.StartAttempt(application.id, s1))


def test_a_step_opens_and_closes_with_its_window(service: Service) -> None:
    job = service.opening()
    s1, s2 = job.steps[0].id, job.steps[1].id
    application = service.application(
        job, fields={"step_overrides": {s2: {"active_after": datetime(2026, 2, 1, tzinfo=UTC)}}}
    )
    with service.refuses(NotAllowed, field="step_id", says="window"):
        service.run(c.StartAttempt(application.id, s2))
    service.clock.set(datetime(2030, 1, 1, tzinfo=UTC))  # s1 closes exactly now; s2 has opened
    with service.refuses(NotAllowed, field="step_id", says="window"):
        service.run(c.StartAttempt(application.id, s1))
    assert service.run(c.StartAttempt(application.id, s2)).attempt == 1


def test_a_candidate_past_their_login_window_cannot_start(service: Service) -> None:
    job = service.opening()
    closing = service.application(job, fields={"active_before": datetime(2026, 1, 16, tzinfo=UTC)})
    service.clock.advance(days=2)
    with service.refuses(NotAllowed, field="application_id", says="login window"):
        service.run(c.StartAttempt(closing.id, job.steps[0].id))
