"""InstaView's job endpoints: a job is a Candidly opening of kind ``job`` with one interview step."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.instaview import ids, translate
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.deps import Who, refuse_foreign
from candidly.domain import commands as c
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.openings import Opening
from candidly.domain.principals import Scope
from candidly.domain.values import json_object
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["jobs"])
JOB_METADATA_LIMITS = {"max_bytes": 10 * 1024, "max_depth": 5, "max_keys": 50}
# Every job gets one step, the interview its candidates take (POST /interviews, or the access page).
INTERVIEW_STEP = c.StepSpec(name="Interview", key="interview")


def job_of(r: Reader, job_id: str, field: str | None = None) -> Opening:
    """A live job of the caller's company (the id in either form); 403 for another company's."""
    job_id = ids.core(job_id)
    try:
        return r.opening(job_id)
    except NotFound as missing:
        refuse_foreign(r, "opening", job_id, "job")
        if field is not None:  # a job named in a body is a bad request, not a missing resource
            raise NotFound("job", ids.wire(job_id), field=field) from missing
        raise


def _check_metadata(body: wire.JobFields) -> None:
    if body.metadata is not None:
        json_object(body.metadata, "metadata", **JOB_METADATA_LIMITS)


@router.post("/jobs", status_code=201, response_model=wire.Job)
async def create_job(body: wire.JobCreate, who: Who) -> Response:
    """Create a job with its skills, languages, location and salary."""
    _check_metadata(body)
    settings = translate.job_settings(body)
    create = c.CreateOpening(
        kind="job", name=body.title, settings=settings, steps=(INTERVIEW_STEP,), fields={"status": body.status}
    )
    return FastJSONResponse(translate.job(await who.execute(create)), status_code=201)


@router.get("/jobs/{job_id}", response_model=wire.Job)
async def get_job(job_id: str, who: Who) -> Response:
    """A job of the key's company."""
    return FastJSONResponse(translate.job(await who.read(lambda r: job_of(r, job_id))))


@router.patch("/jobs/{job_id}", response_model=wire.Job)
async def update_job(job_id: str, body: wire.JobUpdate, who: Who) -> Response:
    """Change only the fields sent; a skills list, the location or the salary sent replaces what was there."""
    who.principal.require(Scope.WRITE_OPENINGS)
    current = await who.read(lambda r: job_of(r, job_id))
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
    opening = await who.execute(c.UpdateOpening(current.id, changes, if_version=current.version))
    return FastJSONResponse(translate.job(opening))


@router.delete("/jobs/{job_id}", response_model=bool)
async def delete_job(job_id: str, who: Who) -> Response:
    """Delete a job no candidate is assigned to; answers true."""
    who.principal.require(Scope.WRITE_OPENINGS)
    current = await who.read(lambda r: job_of(r, job_id))
    await who.execute(c.DeleteOpening(current.id, if_version=current.version))
    return FastJSONResponse(True)


@router.get("/jobs", response_model=wire.Page[wire.Job])
async def list_jobs(
    who: Who, page: Annotated[int, Query(ge=1, le=10_000)] = 1, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Response:
    """The company's jobs, newest first."""
    request = PageRequest(limit=limit, offset=(page - 1) * limit, descending=True)

    def read(r: Reader) -> dict[str, Any]:
        found = r.openings(Filters(), request).items
        return translate.page([translate.job(o) for o in found], r.count_openings(Filters()), page, limit)

    return FastJSONResponse(await who.read(read))
