"""Pure translation between InstaView's wire format and Candidly's commands and entities."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, cast

from candidly.dialects.base import iso
from candidly.dialects.instaview import fields
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.ids import wire as wire_id
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.attempts import COMPLETE, Attempt
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate

STATUSES = ("UNDEFINED", "APPLIED", "IN_PROCESS", "REJECTED", "ACCEPTED")
# A status another surface set, read as one of InstaView's (docs/vendors/instaview.md, decision 10): the first rule whose word the
# status contains wins; a status no rule names is IN_PROCESS (the candidate is somewhere in the pipeline).
_STATUS_WORDS = (
    (("reject", "declin", "withdr", "disqualif", "not selected", "archiv", "spam", "unsuccessful"), "REJECTED"),
    (("hired", "accept", "offer accepted", "onboard", "approved"), "ACCEPTED"),
    (("applied", "new", "lead", "pending", "draft", "sourced"), "APPLIED"),
)


def candidate_fields(body: wire.CandidateCreate | wire.CandidateUpdate) -> c.CandidateChanges:
    """The fields the client sent (null included: it clears), as Candidate attributes."""
    given = body.model_fields_set
    return cast(
        c.CandidateChanges, {core: getattr(body, attr) for core, attr in fields.CANDIDATE.items() if attr in given}
    )


def job_ids_of(body: wire.CandidateCreate | wire.CandidateUpdate) -> list[str] | None:
    """``jobIds`` wins over the deprecated ``jobId`` (docs/vendors/instaview.md, decision 8)."""
    if body.job_ids is not None:
        return body.job_ids
    job_id = getattr(body, "job_id", None)
    return [job_id] if job_id else None


def status(value: str | None) -> str:
    """One of InstaView's five statuses, whatever surface set the candidate's (never null, never foreign)."""
    if value is None:
        return "UNDEFINED"
    if value in STATUSES:
        return value
    lowered = value.lower()
    for words, mapped in _STATUS_WORDS:
        if any(word in lowered for word in words):
            return mapped
    return "IN_PROCESS"


def page(items: list[Any], total: int, number: int, limit: int) -> dict[str, Any]:
    return {"data": items, "total": total, "page": number, "limit": limit, "totalPages": math.ceil(total / limit)}


def candidate(
    person: Candidate, applications: list[Application], sessions: list[Attempt], prefix: str
) -> dict[str, Any]:
    """The candidate; counts and rating follow from its live interviews (``sessions``)."""
    jobs = [wire_id(a.opening_id) for a in sorted(applications, key=lambda a: a.id)]
    ident = wire_id(person.id)
    links = f"{prefix}/candidates/{ident}"
    analysed = [s for s in sessions if s.status == COMPLETE]
    latest = max(analysed, key=lambda s: (s.completed_at or s.started_at, s.id), default=None)
    return {
        "id": ident,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "status": status(person.status),
        "createdAt": iso(person.created_at),
        "updatedAt": iso(person.updated_at),
        "jobId": jobs[0] if jobs else None,
        "jobIds": jobs,
        "email": person.email,
        "phoneNumber": person.phone,
        "gdprExpiryDate": person.gdpr_expiry_date.isoformat() if person.gdpr_expiry_date else None,
        "overallRating": None if latest is None else rating(latest.result.get("scoreboard")),
        "metadata": person.metadata,
        "analysisCount": len(analysed),
        "interviewCount": len(sessions),
        "links": {"analyses": f"{links}/analyses", "interviews": f"{links}/interviews"},
        # Null unless set explicitly (the seed); detection from the name only serves addressing.
        "gender": person.gender,
        "cv": person.cv,
    }


def job_settings(body: wire.JobFields, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The opening's settings with the job fields the client sent, under their wire names (null clears one)."""
    sent = body.model_dump(by_alias=True, exclude_unset=True, exclude={"title", "status"})
    return {**(current or {}), **sent}


def job(opening: Opening) -> dict[str, Any]:
    s = opening.settings
    return {
        "id": wire_id(opening.id),
        "companyId": wire_id(opening.organization_id),
        "title": opening.name,
        "description": s.get("description"),
        "status": opening.status,
        "jobUrl": s.get("jobUrl"),
        "benefits": s.get("benefits"),
        "requiredSkills": s.get("requiredSkills") or [],
        "niceToHaveSkills": s.get("niceToHaveSkills") or [],
        "languageRequirements": s.get("languageRequirements") or [],
        "location": s.get("location"),
        "salary": s.get("salary"),
        "metadata": s.get("metadata") or {},
        "createdAt": iso(opening.created_at),
        "updatedAt": iso(opening.updated_at),
    }


def interview_settings(body: wire.InterviewCreate) -> dict[str, Any]:
    """What an interview is started with, kept on the core session: language, questions, time, metadata."""
    agent = body.agent or wire.AgentSpec()
    scheduled = body.scheduled_at or body.schedule_time
    return {
        "language": (body.language or agent.language or "").upper() or None,
        "questions": body.questions or agent.questions or [],
        "scheduledAt": iso(scheduled) if scheduled else None,
        "metadata": body.metadata or {},
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def rating(scoreboard: Any) -> int | None:
    """A scoreboard as a 0-100 rating: points over the maximum, else the achievement ratio (a fraction or a percent)."""
    if not isinstance(scoreboard, dict):
        return None
    points, most = _number(scoreboard.get("pointsAchieved")), _number(scoreboard.get("maxAchievablePoints"))
    ratio = _number(scoreboard.get("achievementRatio"))
    if points is not None and most:
        ratio = points / most
    elif ratio is not None and ratio > 1:
        ratio /= 100
    return None if ratio is None else max(0, min(100, round(ratio * 100)))


def _criteria(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each scored section and dimension of the session's result, as one criterion."""
    found = []
    for part in ("sections", "dimensions"):
        for item in result.get(part) or []:
            if not isinstance(item, dict):
                continue
            scored = item.get("scoreboard")
            board: dict[str, Any] = scored if isinstance(scored, dict) else {}
            name = next((item[k] for k in ("name", "title", "uuid", "id") if isinstance(item.get(k), str)), None)
            found.append(
                {
                    "name": name,
                    "rating": rating(board),
                    "pointsAchieved": _number(board.get("pointsAchieved")),
                    "maxAchievablePoints": _number(board.get("maxAchievablePoints")),
                }
            )
    return found


def analysis(session: Attempt) -> dict[str, Any] | None:
    """The analysis of a completed interview: its score and per-criterion results, from the session's scoreboard."""
    if session.status != COMPLETE:
        return None
    board = session.result.get("scoreboard") or {}
    done = iso(session.completed_at)
    criteria = _criteria(session.result)
    return {
        "id": wire_id(session.id),
        "interviewId": wire_id(session.id),
        "candidateId": wire_id(session.candidate_id),
        "jobId": wire_id(session.opening_id),
        "general": {
            "overallRating": rating(board),
            "pointsAchieved": _number(board.get("pointsAchieved")),
            "maxAchievablePoints": _number(board.get("maxAchievablePoints")),
            "achievementRatio": _number(board.get("achievementRatio")),
            "companyFitRating": None,
            "strongPoints": [],
            "weakPoints": [],
            "evaluation": [],
            "createdAt": done,
            "updatedAt": done,
        },
        "specific": {"criteria": criteria} if criteria else None,
        "createdAt": done,
        "updatedAt": done,
    }


def _minutes(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, round((end - start).total_seconds() / 60))


def interview(session: Attempt) -> dict[str, Any]:
    s = session.settings
    return {
        "id": wire_id(session.id),
        "candidateId": wire_id(session.candidate_id),
        "jobId": wire_id(session.opening_id),
        "agentId": wire_id(session.step_id),
        "status": "COMPLETED" if session.status == COMPLETE else "IN_PROGRESS",
        "language": s.get("language"),
        "questions": s.get("questions") or [],
        "scheduledAt": s.get("scheduledAt"),
        "finishedDate": iso(session.completed_at),
        "durationMinutes": _minutes(session.started_at, session.completed_at),
        "metadata": s.get("metadata") or {},
        "callAttempts": [],
        "analysis": analysis(session),
        "createdAt": iso(session.started_at),
        "updatedAt": iso(session.completed_at or session.started_at),
    }


def company(org: Organization) -> dict[str, Any]:
    return {
        "id": wire_id(org.id),
        "name": org.name,
        "description": org.description,
        "metadata": org.metadata,
        "createdAt": iso(org.created_at),
        "updatedAt": iso(org.created_at),
    }
