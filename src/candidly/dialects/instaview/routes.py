"""InstaView's candidate endpoints; the reads and checks they share with the interview endpoints.

Each request is one unit of work: a get or a list reads the candidates with their jobs and interviews in one
read-only transaction (a page's jobs and interviews in one query each), and a create or an update answers from its
own write transaction. The checks InstaView makes before writing that need the database (another company's
candidate or job is 403, a candidate keeps an email or a phone) run inside the write; only a refused write looks
again, in a read-only transaction, so that it is told the same refusal first as when the checks ran before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.instaview import ids, translate
from candidly.dialects.instaview import schemas as wire
from candidly.dialects.instaview.deps import Who, base_path, is_foreign, refuse_foreign
from candidly.dialects.instaview.errors import ForeignCompany
from candidly.dialects.instaview.fields import NOT_NULL, wire_name
from candidly.domain import commands as c
from candidly.domain.anonymize import with_anonymized_cv
from candidly.domain.commands import Command
from candidly.domain.errors import DomainError, InvalidField, NotFound
from candidly.domain.people import Candidate
from candidly.domain.principals import Scope
from candidly.service.caller import Caller
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter()
T = TypeVar("T")
_NAMES = {"first_name", "last_name"}  # the name fields InstaView sets, against which a stored CV is anonymized


def candidate_of(r: Reader, candidate_id: str) -> Candidate:
    """A live candidate of the caller's company (the id in either form); 403 for another company's."""
    ident = ids.core(candidate_id)
    try:
        return r.candidate(ident)
    except NotFound:
        refuse_foreign(r, "candidate", ident, "candidate")
        raise


def rendered(r: Reader, people: list[Candidate], base: str) -> list[dict[str, Any]]:
    """``people`` as InstaView writes them, with their jobs and their interviews read in one query each."""
    if not people:
        return []
    if len(people) == 1:  # a get, or a write's answer: two lookups by a statement built once per process
        jobs, sessions = r.applications_of(people[0].id), r.attempts_of(people[0].id)
    else:
        ids = [p.id for p in people]
        jobs, sessions = r.applications_of_all(ids), r.attempts_of_all(ids)
    return [
        translate.candidate(
            p, [a for a in jobs if a.candidate_id == p.id], [s for s in sessions if s.candidate_id == p.id], base
        )
        for p in people
    ]


def _check_jobs(r: Reader, job_ids: list[str] | None) -> None:
    """Another company's job is 403; a job that does not exist is left to the core (400)."""
    for i, job_id in enumerate(job_ids or []):
        if is_foreign(r, "opening", job_id):
            path = f"{wire_name('job_ids')}[{i}]"
            raise ForeignCompany(f"{path}: job {ids.wire(job_id)} belongs to another company", field=path)


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


async def _written(
    who: Caller, command: Command[Any], answer: Callable[[Reader, Any], T], checks: Callable[[Reader], object]
) -> T:
    """``command`` answered from its own transaction. ``checks`` are what InstaView refuses before writing (the
    write refuses the same things itself, later in its own order): a refused write runs them, read-only, so that
    the refusal a client is told first stays the one it was when they ran first."""
    try:
        return await who.execute(command, answer=answer)
    except DomainError:
        await who.read(checks)
        raise


@router.post("/candidates", status_code=201, response_model=wire.Candidate, tags=["candidates"])
async def create_candidate(body: wire.CandidateCreate, who: Who, request: Request) -> Response:
    """Create a candidate, optionally assigned to jobs."""
    base = base_path(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    fields = translate.candidate_fields(body)
    _require_contact(fields)
    if body.gdpr_expiry_date is None:
        raise InvalidField("gdpr_expiry_date", "is required")
    fields.setdefault("status", "APPLIED")
    jobs = ids.core_all(translate.job_ids_of(body))
    command = c.CreateCandidate(with_anonymized_cv(fields), tuple(jobs or ()))
    answer = await _written(
        who, command, lambda r, person: rendered(r, [person], base)[0], lambda r: _check_jobs(r, jobs)
    )
    return FastJSONResponse(answer, status_code=201)


@router.get("/candidates/{candidate_id}", response_model=wire.Candidate, tags=["candidates"])
async def get_candidate(candidate_id: str, who: Who, request: Request) -> Response:
    """A candidate of the key's company."""
    base = base_path(request)
    return FastJSONResponse(await who.read(lambda r: rendered(r, [candidate_of(r, candidate_id)], base)[0]))


@router.get("/candidates", response_model=wire.Page[wire.Candidate], tags=["candidates"])
async def list_candidates(
    who: Who,
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=64)] = None,
    status: Annotated[wire.Status | None, Query()] = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The company's candidates, newest first, filtered by job, status or a name/email search."""
    base = base_path(request)
    if job_id is not None:
        who.principal.require(Scope.READ_OPENINGS)
    filters = Filters(
        equal={"status": status} if status else {},
        search=search,
        in_opening=None if job_id is None else ids.core(job_id),
    )
    window = PageRequest(limit=limit, offset=(page - 1) * limit, descending=True)

    def read(r: Reader) -> dict[str, Any]:
        found = r.candidates(filters, window).items
        return translate.page(rendered(r, found, base), r.count_candidates(filters), page, limit)

    return FastJSONResponse(await who.read(read))


class _StoredCv(Exception):
    """A renamed candidate has a CV, to anonymize against the new name before the write (never under its lock)."""


@dataclass(frozen=True, slots=True)
class _Update:
    """A PATCH of a candidate: the fields and jobs sent, the checks InstaView makes, the answer it gives."""

    ident: str
    fields: c.CandidateChanges
    jobs: list[str] | None
    base: str

    def command(self, changes: c.CandidateChanges) -> c.UpdateCandidate:
        return c.UpdateCandidate(self.ident, changes, None, None if self.jobs is None else tuple(self.jobs))

    def checks(self, r: Reader) -> Candidate:
        """What InstaView refuses before an update, in its order: the candidate, its contact, the jobs named."""
        current = candidate_of(r, self.ident)
        if "email" in self.fields or "phone" in self.fields:
            _require_contact(self.fields, current)
        _check_jobs(r, self.jobs)
        return current

    def answer(self, anonymized: bool) -> Callable[[Reader, Candidate], dict[str, Any]]:
        """The updated candidate, once the checks that need it hold (inside the write: a refusal rolls it back)."""

        def render(r: Reader, person: Candidate) -> dict[str, Any]:
            if not anonymized and person.cv and _NAMES & self.fields.keys():
                raise _StoredCv
            if "email" in self.fields or "phone" in self.fields:
                _require_contact(self.fields, person)  # what was not sent is as stored: the check made before
            return rendered(r, [person], self.base)[0]

        return render


@router.patch("/candidates/{candidate_id}", response_model=wire.Candidate, tags=["candidates"])
async def update_candidate(candidate_id: str, body: wire.CandidateUpdate, who: Who, request: Request) -> Response:
    """Change only the fields sent; jobIds and metadata replace what was there."""
    who.principal.require(Scope.WRITE_CANDIDATES)  # before any work on the body (a CV to anonymize)
    _refuse_nulls(body)
    edit = _Update(
        ids.core(candidate_id), translate.candidate_fields(body), ids.core_all(body.job_ids), base_path(request)
    )
    if "cv" not in edit.fields:  # no CV sent: one write transaction, unless the candidate turns out to have one
        try:
            return FastJSONResponse(
                await _written(who, edit.command(edit.fields), edit.answer(anonymized=False), edit.checks)
            )
        except _StoredCv:
            pass  # rolled back: the stored CV is anonymized against the new name below, outside the write
    # A CV is anonymized against the names the candidate will have: read them (and the stored CV) first.
    changes = with_anonymized_cv(edit.fields, await who.read(edit.checks))
    return FastJSONResponse(await _written(who, edit.command(changes), edit.answer(anonymized=True), edit.checks))


@router.delete("/candidates/{candidate_id}", response_model=bool, tags=["candidates"])
async def delete_candidate(candidate_id: str, who: Who) -> Response:
    """Soft-delete a candidate: hidden from get and list afterwards; answers true."""
    person = await who.read(lambda r: candidate_of(r, candidate_id))
    await who.execute(c.DeleteCandidate(person.id))
    return FastJSONResponse(True)
