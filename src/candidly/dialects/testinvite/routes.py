"""TestInvite's candidate endpoints under a task: create, list, get, update, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.fields import spelled
from candidly.dialects.testinvite import schemas as wire
from candidly.dialects.testinvite import translate
from candidly.dialects.testinvite.deps import BEARER, BaseUrl, Who
from candidly.dialects.testinvite.errors import named_as
from candidly.dialects.testinvite.paging import Limit, Mode, PageNumber, mode_of, pagination
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.errors import NotFound
from candidly.domain.people import split_fullname
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["candidates"], dependencies=[BEARER])
BASE = "/api/integration/rest/v1/tasks/{task_id}/candidates"


def render(r: Reader, application: Application, base_url: str, mode: str) -> dict[str, Any]:
    """The candidate object: the application with its person, read in the request's unit of work."""
    return translate.render(application, r.candidate(application.candidate_id), base_url, mode)


@router.post(BASE, response_model=wire.BasicCandidate)
async def create_candidate(
    task_id: str, body: Annotated[wire.CreateCandidate, Body()], who: Who, base_url: BaseUrl
) -> Response:
    """Create a temporary or internal candidate under a task; answers the basic object."""
    command = translate.create_command(task_id, body)  # what it refuses is named as sent already
    with named_as(translate.create_names(body)):
        answer = await who.execute(command, answer=lambda r, created: render(r, created, base_url, "basic"))
    return FastJSONResponse(answer)


@router.get(BASE, response_model=wire.CandidateList)
async def list_candidates(
    task_id: str,
    who: Who,
    base_url: BaseUrl,
    mode: Mode = "basic",
    limit: Limit = 10,
    page: PageNumber = 1,
    fullname: Annotated[str | None, Query(max_length=400)] = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    code: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """List a task's candidates, a page at a time; next/previous keep the filters."""
    filters = {k: v for k, v in {"fullname": fullname, "email": email, "code": code}.items() if v is not None}

    def read(r: Reader) -> dict[str, Any]:
        opening = r.opening(task_id)
        equal: dict[str, Any] = {"opening_id": task_id}
        if code is not None:
            equal["invitation_code"] = code
        if fullname is not None or email is not None:
            equal["candidate_id"] = people(r, fullname, email)
        query = Filters(equal=equal)
        found = r.applications(query, PageRequest(limit=limit, offset=(page - 1) * limit))
        # The unfiltered total is a counter kept in the same transaction as every create and delete.
        total = opening.application_count if not filters else r.count_applications(query)
        return spelled(
            wire.CandidateList,
            {
                "candidates": [render(r, a, base_url, mode_of(mode)) for a in found.items],
                "pagination": pagination(total, page, limit, mode_of(mode), filters),
            },
        )

    return FastJSONResponse(await who.read(read))


def people(r: Reader, fullname: str | None, email: str | None) -> list[str]:
    """Ids of the people matching TestInvite's exact, case-sensitive name and email filters."""
    equal: dict[str, Any] = {}
    if fullname is not None:
        equal["first_name"], equal["last_name"] = split_fullname(fullname)
    if email is not None:
        equal["email"] = email
    return [p.id for p in r.candidates(Filters(equal=equal), PageRequest(limit=1000)).items]


@router.get(BASE + "/{candidate_id}", response_model=wire.DetailedCandidate | wire.BasicCandidate)
async def get_candidate(task_id: str, candidate_id: str, who: Who, base_url: BaseUrl, mode: Mode = "basic") -> Response:
    """One candidate of a task, basic or detailed."""
    return FastJSONResponse(
        await who.read(lambda r: render(r, _application(r, task_id, candidate_id), base_url, mode_of(mode)))
    )


def _application(r: Reader, task_id: str, candidate_id: str) -> Application:
    r.opening(task_id)
    application = r.application(candidate_id)
    if application.opening_id != task_id:
        raise NotFound("candidate", candidate_id)
    return application


@router.patch(BASE + "/{candidate_id}", response_model=wire.DetailedCandidate)
async def update_candidate(
    task_id: str, candidate_id: str, body: wire.UpdateCandidate, who: Who, base_url: BaseUrl
) -> Response:
    """Update a candidate's fields and per-step settings; answers the detailed object."""
    command = translate.update_command(task_id, candidate_id, body)  # what it refuses is named as sent already
    with named_as(translate.update_names):
        answer = await who.execute(command, answer=lambda r, updated: render(r, updated, base_url, "detailed"))
    return FastJSONResponse(answer)


@router.delete(BASE + "/{candidate_id}")
async def delete_candidate(task_id: str, candidate_id: str, who: Who) -> Response:
    """Delete a candidate who never logged in and has no test sessions (403 otherwise)."""
    await who.execute(c.DeleteApplication(candidate_id, opening_id=task_id, only_if_untouched=True))
    return FastJSONResponse({})
