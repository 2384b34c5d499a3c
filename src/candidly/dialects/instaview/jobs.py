"""InstaView's job endpoints: a job is a Candidly opening of kind ``job`` with one interview step."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.instaview import ids, translate
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.routes import Caller, CompanyId, caller
from candidly.domain import commands as c
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.openings import Opening
from candidly.domain.principals import Scope
from candidly.domain.values import json_object
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["jobs"])
JOB_METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}
# Every job gets one step, the interview its candidates take (POST /interviews, or the access page).
INTERVIEW_STEP = c.StepSpec(name="Interview", key="interview")


def load_job(who: Caller, job_id: str, field: str | None = None) -> Opening:
    """A live job of the caller's company (the id in either form); 403 for another company's."""
    job_id = ids.core(job_id)
    try:
        return who.services.queries.opening(who.principal, who.organization_id, job_id)
    except NotFound as missing:
        who.refuse_foreign("opening", job_id, "job")
        if field is not None:  # a job named in a body is a bad request, not a missing resource
            raise NotFound("job", ids.wire(job_id), field=field) from missing
        raise


def _check_metadata(body: wire.JobFields) -> None:
    if body.metadata is not None:
        json_object(body.metadata, "metadata", **JOB_METADATA_LIMITS)


@router.post("/jobs", status_code=201, response_model=wire.Job)
def create_job(body: wire.JobCreate, request: Request, company_id: CompanyId = None) -> Response:
    """Create a job with its skills, languages, location and salary."""
    who = caller(request, company_id)
    _check_metadata(body)
    settings = translate.job_settings(body)
    create = c.CreateOpening(kind="job", name=body.title, settings=settings, steps=(INTERVIEW_STEP,),
                             fields={"status": body.status})  # fmt: skip
    opening = who.execute(create)
    return FastJSONResponse(translate.job(opening), status_code=201)


@router.get("/jobs/{job_id}", response_model=wire.Job)
def get_job(job_id: str, request: Request, company_id: CompanyId = None) -> Response:
    """A job of the key's company."""
    who = caller(request, company_id)
    return FastJSONResponse(translate.job(load_job(who, job_id)))


@router.patch("/jobs/{job_id}", response_model=wire.Job)
def update_job(job_id: str, body: wire.JobUpdate, request: Request, company_id: CompanyId = None) -> Response:
    """Change only the fields sent; a skills list, the location or the salary sent replaces what was there."""
    who = caller(request, company_id)
    who.principal.require(Scope.WRITE_OPENINGS)
    current = load_job(who, job_id)
    _check_metadata(body)
    changes: c.OpeningChanges = {"settings": translate.job_settings(body, current.settings)}
    sent = body.model_fields_set
    if "title" in sent:
        if body.title is None:
            raise InvalidField("title", "must not be null")
        changes["name"] = body.title
    if "status" in sent:
        changes["status"] = body.status
    # The settings are read here and written whole: If-Match makes a concurrent change a 409, never a lost update.
    opening = who.execute(c.UpdateOpening(current.id, changes, if_version=current.version))
    return FastJSONResponse(translate.job(opening))


@router.delete("/jobs/{job_id}", response_model=bool)
def delete_job(job_id: str, request: Request, company_id: CompanyId = None) -> Response:
    """Delete a job no candidate is assigned to; answers true."""
    who = caller(request, company_id)
    who.principal.require(Scope.WRITE_OPENINGS)
    current = load_job(who, job_id)
    who.execute(c.DeleteOpening(current.id, if_version=current.version))
    return FastJSONResponse(True)


@router.get("/jobs", response_model=wire.Page[wire.Job])
def list_jobs(
    request: Request, company_id: CompanyId = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1, limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:  # fmt: skip
    """The company's jobs, newest first."""
    who = caller(request, company_id)
    q = who.services.queries
    found = q.page(who.principal, Scope.READ_OPENINGS, "openings", who.organization_id, Filters(),
                   PageRequest(limit=limit, offset=(page - 1) * limit, descending=True))  # fmt: skip
    total = q.count(who.principal, Scope.READ_OPENINGS, "openings", who.organization_id, Filters())
    return FastJSONResponse(translate.page([translate.job(o) for o in found.items], total, page, limit))
