"""InstaView's caller (key, company, base path) and its candidate endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, SurfaceServices, actor, bearer_token
from candidly.dialects.instaview import ids, translate
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.errors import ForeignCompany
from candidly.dialects.instaview.fields import NOT_NULL, wire_name
from candidly.domain import commands as c
from candidly.domain.anonymize import with_anonymized_cv
from candidly.domain.applications import Application
from candidly.domain.commands import Command, R
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.people import Candidate
from candidly.domain.principals import Principal, Scope
from candidly.service.ports import Filters, PageRequest

router = APIRouter()
CompanyId = Annotated[str | None, Query(alias="companyId", max_length=64)]


@dataclass(frozen=True, slots=True)
class Caller:
    services: SurfaceServices
    principal: Principal
    organization_id: str
    prefix: str

    def execute(self, command: Command[R]) -> R:
        return self.services.bus.execute(command, actor(self.principal, "instaview"), self.organization_id)

    def render(self, person: Candidate, applications: list[Application] | None = None) -> dict[str, Any]:
        q = self.services.queries
        if applications is None:
            applications = q.applications_of(self.principal, self.organization_id, person.id)
        sessions = q.attempts_by_candidate(self.principal, self.organization_id, [person.id])[person.id]
        return translate.candidate(person, applications, sessions, self.prefix)

    def foreign(self, kind: str, ident: str) -> bool:
        owner = self.services.queries.owner(kind, ident)
        return owner is not None and owner != self.organization_id

    def refuse_foreign(self, kind: str, ident: str, wire_kind: str) -> None:
        """Another company's resource is 403 (InstaView's rule), a missing one is left to answer 404."""
        if self.foreign(kind, ident):
            raise ForeignCompany(f"the {wire_kind} belongs to another company")


def caller(request: Request, company_id: str | None) -> Caller:
    services: SurfaceServices = request.app.state.services
    principal = services.auth.authenticate(bearer_token(request))
    if principal.is_multi_organization or principal.can_create_organizations:
        # ATS keys name the company they act for; a company they do not manage is 403 (decision 6).
        if company_id is None:
            raise InvalidField("companyId", "is required for ATS API keys")
        org = ids.core(company_id)
        if org not in principal.organization_ids:
            raise ForeignCompany("this API key does not manage that company", field="companyId")
    else:
        org = principal.organization()
    return Caller(services, principal, org, request.scope.get("root_path", ""))


def _check_jobs(who: Caller, job_ids: list[str] | None) -> None:
    """Another company's job is 403; a job that does not exist is left to the core (400)."""
    for i, job_id in enumerate(job_ids or []):
        if who.foreign("opening", job_id):
            path = f"{wire_name('job_ids')}[{i}]"
            raise ForeignCompany(f"{path}: job {ids.wire(job_id)} belongs to another company", field=path)


def _load(who: Caller, candidate_id: str) -> Candidate:
    return load_with_jobs(who, candidate_id)[0]


def load_with_jobs(who: Caller, candidate_id: str) -> tuple[Candidate, list[Application]]:
    """A live candidate of the caller's company and its jobs (the id in either form); 403 for another company's."""
    candidate_id = ids.core(candidate_id)
    try:
        return who.services.queries.candidate_with_applications(who.principal, who.organization_id, candidate_id)
    except NotFound:
        who.refuse_foreign("candidate", candidate_id, "candidate")
        raise


def _require_contact(fields: c.CandidateChanges, current: Candidate | None = None) -> None:
    email = fields.get("email", current.email if current else None)
    phone = fields.get("phone", current.phone if current else None)
    if not email and not phone:
        raise InvalidField("email", "an email or a phone number is required")


def _refuse_nulls(body: wire.CandidateUpdate) -> None:
    sent = body.model_dump(exclude_unset=True)
    for name in NOT_NULL:
        if name in sent and sent[name] is None:
            raise InvalidField(wire_name(name), "must not be null")


@router.post("/candidates", status_code=201, response_model=wire.Candidate, tags=["candidates"])
def create_candidate(body: wire.CandidateCreate, request: Request, company_id: CompanyId = None) -> Response:
    """Create a candidate, optionally assigned to jobs."""
    who = caller(request, company_id)
    who.principal.require(Scope.WRITE_CANDIDATES)
    fields = translate.candidate_fields(body)
    _require_contact(fields)
    if body.gdpr_expiry_date is None:
        raise InvalidField("gdpr_expiry_date", "is required")
    fields.setdefault("status", "APPLIED")
    jobs = ids.core_all(translate.job_ids_of(body))
    _check_jobs(who, jobs)
    person = who.execute(c.CreateCandidate(with_anonymized_cv(fields), tuple(jobs or ())))
    return FastJSONResponse(who.render(person), status_code=201)


@router.get("/candidates/{candidate_id}", response_model=wire.Candidate, tags=["candidates"])
def get_candidate(candidate_id: str, request: Request, company_id: CompanyId = None) -> Response:
    """A candidate of the key's company."""
    who = caller(request, company_id)
    person, applications = load_with_jobs(who, candidate_id)
    return FastJSONResponse(who.render(person, applications))


@router.get("/candidates", response_model=wire.Page[wire.Candidate], tags=["candidates"])
def list_candidates(
    request: Request, company_id: CompanyId = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1, limit: Annotated[int, Query(ge=1, le=100)] = 20,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=64)] = None,
    status: Annotated[wire.Status | None, Query()] = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:  # fmt: skip
    """The company's candidates, newest first, filtered by job, status or a name/email search."""
    who = caller(request, company_id)
    if job_id is not None:
        who.principal.require(Scope.READ_OPENINGS)
    filters = Filters(equal={"status": status} if status else {}, search=search,
                      in_opening=None if job_id is None else ids.core(job_id))  # fmt: skip
    q = who.services.queries
    found = q.page(who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters,
                   PageRequest(limit=limit, offset=(page - 1) * limit, descending=True))  # fmt: skip
    total = q.count(who.principal, Scope.READ_CANDIDATES, "candidates", who.organization_id, filters)
    people = [p.id for p in found.items]
    jobs = q.applications_by_candidate(who.principal, who.organization_id, people)
    sessions = q.attempts_by_candidate(who.principal, who.organization_id, people)
    rendered = [translate.candidate(p, jobs[p.id], sessions[p.id], who.prefix) for p in found.items]
    return FastJSONResponse(translate.page(rendered, total, page, limit))


@router.patch("/candidates/{candidate_id}", response_model=wire.Candidate, tags=["candidates"])
def update_candidate(
    candidate_id: str, body: wire.CandidateUpdate, request: Request, company_id: CompanyId = None
) -> Response:
    """Change only the fields sent; jobIds and metadata replace what was there."""
    who = caller(request, company_id)
    who.principal.require(Scope.WRITE_CANDIDATES)  # before any work on the body (a CV to anonymize)
    _refuse_nulls(body)
    current = _load(who, candidate_id)
    fields = translate.candidate_fields(body)
    if "email" in fields or "phone" in fields:
        _require_contact(fields, current)
    jobs = ids.core_all(body.job_ids)
    _check_jobs(who, jobs)
    changes = with_anonymized_cv(fields, current)
    person = who.execute(c.UpdateCandidate(current.id, changes, None, None if jobs is None else tuple(jobs)))
    return FastJSONResponse(who.render(person))


@router.delete("/candidates/{candidate_id}", response_model=bool, tags=["candidates"])
def delete_candidate(candidate_id: str, request: Request, company_id: CompanyId = None) -> Response:
    """Soft-delete a candidate: hidden from get and list afterwards; answers true."""
    who = caller(request, company_id)
    person = _load(who, candidate_id)
    who.execute(c.DeleteCandidate(person.id))
    return FastJSONResponse(True)
