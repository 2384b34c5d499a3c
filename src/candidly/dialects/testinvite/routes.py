"""TestInvite's candidate endpoints under a task: create, list, get, update, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPBearer

from candidly.dialects.base import DialectCaller, FastJSONResponse, SurfaceServices, bearer_token
from candidly.dialects.testinvite import schemas as wire
from candidly.dialects.testinvite import translate
from candidly.dialects.testinvite.errors import named_as
from candidly.dialects.testinvite.paging import Limit, Mode, PageNumber, mode_of, pagination
from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.errors import NotFound
from candidly.domain.people import Candidate, split_fullname
from candidly.domain.principals import Scope
from candidly.service.ports import Filters, PageRequest

# Documents the credential on every operation; the check itself is ``caller``'s, in TestInvite's error body.
BEARER = Security(HTTPBearer(auto_error=False, scheme_name="bearerAuth", description="A Candidly API key"))
router = APIRouter(tags=["candidates"], dependencies=[BEARER])
BASE = "/api/integration/rest/v1/tasks/{task_id}/candidates"


class Caller(DialectCaller):
    surface = "testinvite"

    def person(self, application: Application) -> Candidate:
        return self.services.queries.candidate(self.principal, self.organization_id, application.candidate_id)

    def render(self, application: Application, mode: str) -> dict[str, Any]:
        base = self.services.settings.public_base_url
        return translate.render(application, self.person(application), base, mode)


def caller(request: Request) -> Caller:
    services: SurfaceServices = request.app.state.services
    principal = services.auth.authenticate(bearer_token(request))
    return Caller(services, principal, principal.organization())


@router.post(BASE, response_model=wire.BasicCandidate)
def create_candidate(task_id: str, body: Annotated[wire.CreateCandidate, Body()], request: Request) -> Response:
    """Create a temporary or internal candidate under a task; answers the basic object."""
    who = caller(request)
    command = translate.create_command(task_id, body)  # what it refuses is named as sent already
    with named_as(translate.create_names(body)):
        application = who.execute(command)
    return FastJSONResponse(who.render(application, "basic"))


@router.get(BASE, response_model=wire.CandidateList)
def list_candidates(
    task_id: str, request: Request, mode: Mode = "basic",
    limit: Limit = 10, page: PageNumber = 1,
    fullname: Annotated[str | None, Query(max_length=400)] = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    code: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:  # fmt: skip
    """List a task's candidates, a page at a time; next/previous keep the filters."""
    who = caller(request)
    opening = who.services.queries.opening(who.principal, who.organization_id, task_id)
    filters = {k: v for k, v in {"fullname": fullname, "email": email, "code": code}.items() if v is not None}
    equal: dict[str, Any] = {"opening_id": task_id}
    if code is not None:
        equal["invitation_code"] = code
    if fullname is not None or email is not None:
        equal["candidate_id"] = people(who, fullname, email)
    query = Filters(equal=equal)
    request_page = PageRequest(limit=limit, offset=(page - 1) * limit)
    found = who.services.queries.page(
        who.principal, Scope.READ_CANDIDATES, "applications", who.organization_id, query, request_page
    )
    # The unfiltered total is a counter kept in the same transaction as every create and delete.
    total = opening.application_count if not filters else who.services.queries.count(
        who.principal, Scope.READ_CANDIDATES, "applications", who.organization_id, query
    )  # fmt: skip
    body = {
        "candidates": [who.render(a, mode_of(mode)) for a in found.items],
        "pagination": pagination(total, page, limit, mode_of(mode), filters),
    }
    return FastJSONResponse(body)


def people(who: Caller, fullname: str | None, email: str | None) -> list[str]:
    """Ids of the people matching TestInvite's exact, case-sensitive name and email filters."""
    equal: dict[str, Any] = {}
    if fullname is not None:
        equal["first_name"], equal["last_name"] = split_fullname(fullname)
    if email is not None:
        equal["email"] = email
    found = who.services.queries.page(
        who.principal,
        Scope.READ_CANDIDATES,
        "candidates",
        who.organization_id,
        Filters(equal=equal),
        PageRequest(limit=1000),
    )
    return [p.id for p in found.items]


@router.get(BASE + "/{candidate_id}", response_model=wire.DetailedCandidate | wire.BasicCandidate)
def get_candidate(task_id: str, candidate_id: str, request: Request, mode: Mode = "basic") -> Response:
    """One candidate of a task, basic or detailed."""
    who = caller(request)
    application = _application(who, task_id, candidate_id)
    return FastJSONResponse(who.render(application, mode_of(mode)))


def _application(who: Caller, task_id: str, candidate_id: str) -> Application:
    who.services.queries.opening(who.principal, who.organization_id, task_id)
    application = who.services.queries.application(who.principal, who.organization_id, candidate_id)
    if application.opening_id != task_id:
        raise NotFound("candidate", candidate_id)
    return application


@router.patch(BASE + "/{candidate_id}", response_model=wire.DetailedCandidate)
def update_candidate(task_id: str, candidate_id: str, body: wire.UpdateCandidate, request: Request) -> Response:
    """Update a candidate's fields and per-step settings; answers the detailed object."""
    who = caller(request)
    command = translate.update_command(task_id, candidate_id, body)  # what it refuses is named as sent already
    with named_as(translate.update_names):
        application = who.execute(command)
    return FastJSONResponse(who.render(application, "detailed"))


@router.delete(BASE + "/{candidate_id}")
def delete_candidate(task_id: str, candidate_id: str, request: Request) -> Response:
    """Delete a candidate who never logged in and has no test sessions (403 otherwise)."""
    who = caller(request)
    who.execute(c.DeleteApplication(candidate_id, opening_id=task_id, only_if_untouched=True))
    return FastJSONResponse({})
