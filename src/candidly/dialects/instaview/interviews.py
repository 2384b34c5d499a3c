"""InstaView's interviews and analyses: an interview is a Candidly test session, its analysis the session's result.

The access page and TestInvite read the same sessions, so an interview a candidate takes through the access page
is listed here, and once its result is in, its analysis (score, per-criterion results) shows too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.instaview import ids, translate
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.jobs import load_job
from candidly.dialects.instaview.routes import Caller, CompanyId, caller, load_with_jobs
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.attempts import COMPLETE, STARTED, Attempt
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.principals import Scope
from candidly.domain.values import json_object
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["interviews"])
PageNumber = Annotated[int, Query(ge=1, le=10_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}
_STATUSES = {"IN_PROGRESS": STARTED, "COMPLETED": COMPLETE}


def _application(who: Caller, body: wire.InterviewCreate) -> Application:
    """The candidate's assignment to the job the interview is for (the only one, when no jobId is sent)."""
    person, applications = load_with_jobs(who, body.candidate_id)
    if body.job_id is None:
        if len(applications) != 1:
            count = "no job" if not applications else f"{len(applications)} jobs"
            raise InvalidField("jobId", f"is required: the candidate is assigned to {count}")
        return applications[0]
    job = load_job(who, body.job_id, field="jobId")
    found = next((a for a in applications if a.opening_id == job.id), None)
    if found is None:
        raise InvalidField("jobId", f"the candidate {ids.wire(person.id)} is not assigned to job {ids.wire(job.id)}")
    return found


def _step_id(who: Caller, application: Application, agent_id: str | None) -> str:
    """The job step the interview runs on: the agent (template) named, else the job's first step."""
    job = who.services.queries.opening_of(who.principal, who.organization_id, application)
    if agent_id is not None:
        step = job.step(ids.core(agent_id))
        if step is None:
            raise InvalidField("agentId", f"agent {agent_id} is not an interview template of job {ids.wire(job.id)}")
        return step.id
    if not job.steps:
        raise InvalidField("jobId", f"job {ids.wire(job.id)} has no interview template (step)")
    return job.steps[0].id


@router.post("/interviews", status_code=201, response_model=wire.Interview)
def create_interview(body: wire.InterviewCreate, request: Request, company_id: CompanyId = None) -> Response:
    """Start an interview of a candidate for a job, with its language and questions or a template (agentId)."""
    who = caller(request, company_id)
    who.principal.require(Scope.WRITE_CANDIDATES)
    settings = translate.interview_settings(body)
    if not settings["questions"] and body.agent_id is None:
        raise InvalidField("questions", "are required unless an agentId (an interview template) is given")
    json_object(settings["metadata"], "metadata", **METADATA_LIMITS)
    application = _application(who, body)
    step_id = _step_id(who, application, body.agent_id)
    session = who.execute(c.StartAttempt(application.id, step_id, settings))
    return FastJSONResponse(translate.interview(session), status_code=201)


def _load(who: Caller, interview_id: str) -> Attempt:
    session_id = ids.core(interview_id)
    try:
        return who.services.queries.session(who.principal, who.organization_id, session_id)
    except NotFound:
        who.refuse_foreign("session", session_id, "interview")
        raise NotFound("interview", interview_id) from None


@router.get("/interviews/{interview_id}", response_model=wire.Interview)
def get_interview(interview_id: str, request: Request, company_id: CompanyId = None) -> Response:
    """An interview with its analysis once it is complete."""
    who = caller(request, company_id)
    return FastJSONResponse(translate.interview(_load(who, interview_id)))


@router.delete("/interviews/{interview_id}", response_model=bool)
def delete_interview(interview_id: str, request: Request, company_id: CompanyId = None) -> Response:
    """Withdraw an interview: hidden from then on (it still counts against the step's attempts); answers true."""
    who = caller(request, company_id)
    session = _load(who, interview_id)
    who.execute(c.DeleteAttempt(session.id))
    return FastJSONResponse(True)


def _sessions(who: Caller, filters: Filters, number: int, limit: int) -> tuple[list[Attempt], int]:
    request = PageRequest(limit=limit, offset=(number - 1) * limit, descending=True)
    found, total, _ = who.services.queries.sessions_page(who.principal, who.organization_id, filters, request)
    return found.items, total


@router.get("/interviews", response_model=wire.Page[wire.Interview])
def list_interviews(
    request: Request, company_id: CompanyId = None, page: PageNumber = 1, limit: Limit = 20,
    candidate_id: Annotated[str | None, Query(alias="candidateId", max_length=64)] = None,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=64)] = None,
    status: Annotated[Literal["IN_PROGRESS", "COMPLETED"] | None, Query()] = None,
) -> Response:  # fmt: skip
    """The company's interviews, newest first, filtered by candidate, job or status."""
    who = caller(request, company_id)
    equal = {"candidate_id": candidate_id, "opening_id": job_id}
    filters = {k: ids.core(v) for k, v in equal.items() if v is not None}
    if status is not None:
        filters["status"] = _STATUSES[status]
    found, total = _sessions(who, Filters(equal=filters), page, limit)
    return FastJSONResponse(translate.page([translate.interview(s) for s in found], total, page, limit))


def _of_candidate(request: Request, company_id: str | None, candidate_id: str, page: int, limit: int,
                  complete_only: bool) -> dict[str, Any]:  # fmt: skip
    who = caller(request, company_id)
    person, _ = load_with_jobs(who, candidate_id)
    equal = {"candidate_id": person.id, "status": COMPLETE} if complete_only else {"candidate_id": person.id}
    found, total = _sessions(who, Filters(equal=equal), page, limit)
    render = translate.analysis if complete_only else translate.interview
    return translate.page([render(s) for s in found], total, page, limit)


@router.get("/candidates/{candidate_id}/interviews", response_model=wire.Page[wire.Interview], tags=["candidates"])
def candidate_interviews(
    candidate_id: str, request: Request, company_id: CompanyId = None, page: PageNumber = 1, limit: Limit = 20
) -> Response:
    """A candidate's interviews, newest first (``links.interviews``)."""
    return FastJSONResponse(_of_candidate(request, company_id, candidate_id, page, limit, complete_only=False))


@router.get("/candidates/{candidate_id}/analyses", response_model=wire.Page[wire.Analysis], tags=["candidates"])
def candidate_analyses(
    candidate_id: str, request: Request, company_id: CompanyId = None, page: PageNumber = 1, limit: Limit = 20
) -> Response:
    """The analyses of a candidate's completed interviews, newest first (``links.analyses``)."""
    return FastJSONResponse(_of_candidate(request, company_id, candidate_id, page, limit, complete_only=True))
