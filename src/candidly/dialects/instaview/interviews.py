"""InstaView's interviews and analyses: an interview is a Candidly test session, its analysis the session's result.

The access page and TestInvite read the same sessions, so an interview a candidate takes through the access page
is listed here, and once its result is in, its analysis (score, per-criterion results) shows too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.instaview import ids, translate
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.deps import Who, refuse_foreign
from candidly.dialects.instaview.jobs import job_of
from candidly.dialects.instaview.routes import candidate_of
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.attempts import COMPLETE, STARTED, Attempt
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.principals import Scope
from candidly.domain.values import json_object
from candidly.service.caller import Caller
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["interviews"])
PageNumber = Annotated[int, Query(ge=1, le=10_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}
_STATUSES = {"IN_PROGRESS": STARTED, "COMPLETED": COMPLETE}
Render = Callable[[Attempt], Any]  # an interview, or its analysis


def _target(r: Reader, body: wire.InterviewCreate) -> tuple[Application, str]:
    """The assignment the interview is for and the job step it runs on, read together."""
    application = _application(r, body)
    return application, _step_id(r, application, body.agent_id)


def _application(r: Reader, body: wire.InterviewCreate) -> Application:
    """The candidate's assignment to the job the interview is for (the only one, when no jobId is sent)."""
    person = candidate_of(r, body.candidate_id)
    applications = r.applications_of(person.id)
    if body.job_id is None:
        if len(applications) != 1:
            count = "no job" if not applications else f"{len(applications)} jobs"
            raise InvalidField("jobId", f"is required: the candidate is assigned to {count}")
        return applications[0]
    job = job_of(r, body.job_id, field="jobId")
    found = next((a for a in applications if a.opening_id == job.id), None)
    if found is None:
        raise InvalidField("jobId", f"the candidate {ids.wire(person.id)} is not assigned to job {ids.wire(job.id)}")
    return found


def _step_id(r: Reader, application: Application, agent_id: str | None) -> str:
    """The job step the interview runs on: the agent (template) named, else the job's first step."""
    job = r.opening_of(application)
    if agent_id is not None:
        step = job.step(ids.core(agent_id))
        if step is None:
            raise InvalidField("agentId", f"agent {agent_id} is not an interview template of job {ids.wire(job.id)}")
        return step.id
    if not job.steps:
        raise InvalidField("jobId", f"job {ids.wire(job.id)} has no interview template (step)")
    return job.steps[0].id


@router.post("/interviews", status_code=201, response_model=wire.Interview)
async def create_interview(body: wire.InterviewCreate, who: Who) -> Response:
    """Start an interview of a candidate for a job, with its language and questions or a template (agentId)."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    settings = translate.interview_settings(body)
    if not settings["questions"] and body.agent_id is None:
        raise InvalidField("questions", "are required unless an agentId (an interview template) is given")
    json_object(settings["metadata"], "metadata", **METADATA_LIMITS)
    application, step_id = await who.read(lambda r: _target(r, body))
    session = await who.execute(c.StartAttempt(application.id, step_id, settings))
    return FastJSONResponse(translate.interview(session), status_code=201)


def _interview_of(r: Reader, interview_id: str) -> Attempt:
    """A live interview of the caller's company (the id in either form); 403 for another company's."""
    session_id = ids.core(interview_id)
    try:
        return r.session(session_id)
    except NotFound:
        refuse_foreign(r, "session", session_id, "interview")
        raise NotFound("interview", interview_id) from None


@router.get("/interviews/{interview_id}", response_model=wire.Interview)
async def get_interview(interview_id: str, who: Who) -> Response:
    """An interview with its analysis once it is complete."""
    return FastJSONResponse(translate.interview(await who.read(lambda r: _interview_of(r, interview_id))))


@router.delete("/interviews/{interview_id}", response_model=bool)
async def delete_interview(interview_id: str, who: Who) -> Response:
    """Withdraw an interview: hidden from then on (it still counts against the step's attempts); answers true."""
    session = await who.read(lambda r: _interview_of(r, interview_id))
    await who.execute(c.DeleteAttempt(session.id))
    return FastJSONResponse(True)


def _sessions_page(r: Reader, filters: Filters, number: int, limit: int, render: Render) -> dict[str, Any]:
    """A numbered page of the company's interviews matching ``filters``, newest first, each rendered."""
    request = PageRequest(limit=limit, offset=(number - 1) * limit, descending=True)
    found = r.sessions(filters, request).items
    return translate.page([render(s) for s in found], r.count_sessions(filters), number, limit)


@router.get("/interviews", response_model=wire.Page[wire.Interview])
async def list_interviews(
    who: Who,
    page: PageNumber = 1,
    limit: Limit = 20,
    candidate_id: Annotated[str | None, Query(alias="candidateId", max_length=64)] = None,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=64)] = None,
    status: Annotated[Literal["IN_PROGRESS", "COMPLETED"] | None, Query()] = None,
) -> Response:
    """The company's interviews, newest first, filtered by candidate, job or status."""
    equal = {"candidate_id": candidate_id, "opening_id": job_id}
    filters = {k: ids.core(v) for k, v in equal.items() if v is not None}
    if status is not None:
        filters["status"] = _STATUSES[status]
    return FastJSONResponse(
        await who.read(lambda r: _sessions_page(r, Filters(equal=filters), page, limit, translate.interview))
    )


async def _of_candidate(who: Caller, candidate_id: str, page: int, limit: int, complete_only: bool) -> Response:
    """A candidate's interviews (or the analyses of the completed ones), read with the candidate in one transaction."""

    def read(r: Reader) -> dict[str, Any]:
        person = candidate_of(r, candidate_id)
        equal = {"candidate_id": person.id, "status": COMPLETE} if complete_only else {"candidate_id": person.id}
        render = translate.analysis if complete_only else translate.interview
        return _sessions_page(r, Filters(equal=equal), page, limit, render)

    return FastJSONResponse(await who.read(read))


@router.get("/candidates/{candidate_id}/interviews", response_model=wire.Page[wire.Interview], tags=["candidates"])
async def candidate_interviews(candidate_id: str, who: Who, page: PageNumber = 1, limit: Limit = 20) -> Response:
    """A candidate's interviews, newest first (``links.interviews``)."""
    return await _of_candidate(who, candidate_id, page, limit, complete_only=False)


@router.get("/candidates/{candidate_id}/analyses", response_model=wire.Page[wire.Analysis], tags=["candidates"])
async def candidate_analyses(candidate_id: str, who: Who, page: PageNumber = 1, limit: Limit = 20) -> Response:
    """The analyses of a candidate's completed interviews, newest first (``links.analyses``)."""
    return await _of_candidate(who, candidate_id, page, limit, complete_only=True)
