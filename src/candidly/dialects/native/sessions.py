"""Native routes for test sessions: an application's attempts at a step, started and completed with a result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from candidly.dialects.base import FastJSONResponse, iso
from candidly.dialects.native.deps import Who, versioned
from candidly.dialects.native.schemas import In
from candidly.domain import commands as c
from candidly.domain.attempts import Attempt

router = APIRouter(tags=["sessions"])


class SessionStart(In):
    step_id: str = Field(min_length=1, max_length=64)


class SessionComplete(In):
    result: dict[str, Any] = Field(max_length=100)


class SessionOut(BaseModel):
    id: str
    application_id: str
    candidate_id: str
    opening_id: str
    step_id: str
    attempt: int
    status: str
    started_at: str
    completed_at: str | None
    result: dict[str, Any]
    version: int


def session_out(s: Attempt) -> dict[str, Any]:
    return {
        "id": s.id,
        "application_id": s.application_id,
        "candidate_id": s.candidate_id,
        "opening_id": s.opening_id,
        "step_id": s.step_id,
        "attempt": s.attempt,
        "status": s.status,
        "started_at": iso(s.started_at),
        "completed_at": iso(s.completed_at),
        "result": s.result,
        "version": s.version,
    }


@router.post("/applications/{application_id}/sessions", status_code=201, response_model=SessionOut)
async def start_session(application_id: str, body: SessionStart, who: Who) -> Response:
    """Start the application's next attempt at a step (refused outside its window or attempt limit)."""
    return versioned(session_out(await who.execute(c.StartAttempt(application_id, body.step_id))), 201)


@router.get("/applications/{application_id}/sessions", response_model=list[SessionOut])
async def list_sessions(application_id: str, who: Who) -> Response:
    """Every attempt of an application, oldest first."""
    sessions = await who.read(lambda r: r.sessions_of(application_id))
    return FastJSONResponse([session_out(s) for s in sessions])


@router.get("/sessions/{session_id}", response_model=SessionOut)
async def get_session(session_id: str, who: Who) -> Response:
    """Fetch one session with its result."""
    return versioned(session_out(await who.read(lambda r: r.session(session_id))))


@router.post("/sessions/{session_id}/complete", response_model=SessionOut)
async def complete_session(session_id: str, body: SessionComplete, who: Who) -> Response:
    """Complete a started session with its result: a scoreboard, and optionally sections, dimensions, effects."""
    return versioned(session_out(await who.execute(c.CompleteAttempt(session_id, body.result))))
