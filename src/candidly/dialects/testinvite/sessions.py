"""TestInvite test instances: list, search, get and expand a task's test sessions (docs/vendors/testinvite.md, decision 16)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.fields import alias_path, spelled
from candidly.dialects.testinvite import schemas as wire
from candidly.dialects.testinvite.deps import BEARER, Who
from candidly.dialects.testinvite.fields import CANDIDATE_ID, EXTERNAL_ID, LAST_DOC_ID, TICKET_ID
from candidly.dialects.testinvite.instances import render_test_instance
from candidly.dialects.testinvite.paging import Limit, Mode, PageNumber, link, mode_of, pagination
from candidly.dialects.testinvite.routes import people
from candidly.dialects.testinvite.tasks import task_of
from candidly.dialects.testinvite.translate import step_test
from candidly.domain.applications import Application
from candidly.domain.attempts import Attempt
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.openings import Opening
from candidly.domain.principals import Scope
from candidly.service.ports import Filters, Page, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["test instances"], dependencies=[BEARER])
BASE = "/api/integration/rest/v1/tasks/{task_id}/test-instances"
# The expand page writes its path without v1; a client copying it from there finds it too.
UNVERSIONED = "/api/integration/rest/tasks/{task_id}/test-instances"
# A search's window, as its body names it (``from`` and ``to``, in milliseconds).
_FROM, _TO = alias_path(wire.MetaSearch, "from_"), alias_path(wire.MetaSearch, "to")
# A search by group or label reads the ids of at most this many of the task's candidates.
MAX_CANDIDATES = 10_000


def _task(r: Reader, task_id: str) -> Opening:
    """The task ``task_id``, once the caller is known to hold ``read:candidates``."""
    r.principal.require(Scope.READ_CANDIDATES)
    return task_of(r, task_id)


def _page(
    r: Reader, filters: Filters, request: PageRequest, mode: str
) -> tuple[list[dict[str, Any]], Page[Attempt], int]:
    """A page of test instances rendered in ``mode``, the page itself (for its cursor) and the total matching."""
    found = r.sessions(filters, request)
    ids = sorted({s.application_id for s in found.items})
    # A session of a deleted candidate still names it: its application is read even if deleted.
    of = r.applications(Filters(equal={"id": ids}, include_deleted=True), PageRequest(limit=len(ids))) if ids else None
    applications = {a.id: a for a in (of.items if of is not None else [])}
    rendered = [render_test_instance(s, applications[s.application_id], mode_of(mode)) for s in found.items]
    return rendered, found, r.count_sessions(filters)


def _candidates(r: Reader, task_id: str, filters: Filters, field: str) -> list[str]:
    """Ids of the task's candidates matching ``filters`` (refused past MAX_CANDIDATES rather than cut short)."""
    equal = {"opening_id": task_id, **filters.equal}
    query = Filters(equal=equal, contains_label=filters.contains_label)
    found = r.applications(query, PageRequest(limit=MAX_CANDIDATES + 1))
    if len(found.items) > MAX_CANDIDATES:
        raise InvalidField(field, f"matches more than {MAX_CANDIDATES} candidates: add a narrower filter")
    return [a.id for a in found.items]


@router.get(BASE, response_model=wire.TestInstanceList)
async def list_test_instances(
    who: Who,
    task_id: str,
    mode: Mode = "basic",
    limit: Limit = 10,
    page: PageNumber = 1,
    ticket_id: Annotated[str | None, Query(alias=TICKET_ID, max_length=64)] = None,
    candidate_id: Annotated[str | None, Query(alias=CANDIDATE_ID, max_length=64)] = None,
    external_id: Annotated[str | None, Query(alias=EXTERNAL_ID, max_length=255)] = None,
) -> Response:
    """A task's test instances, a page at a time, optionally of one candidate (by id or externalId)."""
    candidate = candidate_id or ticket_id

    def read(r: Reader) -> tuple[list[dict[str, Any]], int]:
        _task(r, task_id)
        if candidate is not None and external_id is not None:
            raise InvalidField(EXTERNAL_ID, f"cannot be combined with {CANDIDATE_ID}")
        equal: dict[str, Any] = {"opening_id": task_id}
        if candidate is not None:
            equal["application_id"] = candidate
        if external_id is not None:
            of = Filters(equal={"external_id": external_id})
            equal["application_id"] = _candidates(r, task_id, of, EXTERNAL_ID)
        found, _, total = _page(r, Filters(equal=equal), PageRequest(limit=limit, offset=(page - 1) * limit), mode)
        return found, total

    found, total = await who.read(read)
    filters = {k: v for k, v in {CANDIDATE_ID: candidate, EXTERNAL_ID: external_id}.items() if v}
    answer = {"test_instances": found, "pagination": pagination(total, page, limit, mode_of(mode), filters)}
    return FastJSONResponse(spelled(wire.TestInstanceList, answer))


def _ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def _meta_filters(r: Reader, task_id: str, body: wire.MetaSearch) -> Filters:
    """Sessions of the task in a step and status, started within from..to, of candidates in a group or label."""
    equal: dict[str, Any] = {"opening_id": task_id}
    if body.step_id is not None:
        equal["step_id"] = body.step_id
    if body.status is not None:
        equal["status"] = body.status
    if body.group is not None or body.label is not None:
        of = Filters(equal={} if body.group is None else {"group": body.group}, contains_label=body.label)
        by = "group" if body.group is not None else "label"
        equal["application_id"] = _candidates(r, task_id, of, alias_path(wire.MetaSearch, by))
    if body.from_ is not None and body.to is not None and body.from_ > body.to:
        raise InvalidField(_FROM, f"must not be after {_TO}")
    return Filters(equal=equal, ranges={"started_at": (_ms(body.from_), _ms(body.to))})


def _info_filters(r: Reader, task_id: str, body: wire.InfoSearch) -> Filters:
    """Sessions of the task's candidates with this name, email, first credential, invitation code or uniqId."""
    given = {"credential1": body.credential1, "invitation_code": body.code, "uniq_id": body.uniq_id}
    equal: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if body.display_name is not None or body.email is not None:
        equal["candidate_id"] = people(r, body.display_name, body.email)
    if equal:
        equal = {"application_id": _candidates(r, task_id, Filters(equal=equal), "body")}
    return Filters(equal={"opening_id": task_id, **equal})


@router.post(BASE + "/filter", response_model=wire.TestInstanceSearchResult)
async def search_test_instances(
    who: Who,
    task_id: str,
    body: Annotated[wire.TestInstanceSearch, Body()],
    mode: Mode = "basic",
    limit: Limit = 10,
    last_doc_id: Annotated[str | None, Query(alias=LAST_DOC_ID, max_length=64)] = None,
) -> Response:
    """The task's test instances matching the body, oldest first, ``limit`` after ``lastDocId``."""

    def read(r: Reader) -> tuple[list[dict[str, Any]], Page[Attempt]]:
        _task(r, task_id)
        if last_doc_id is not None:
            _continues_from(r, task_id, last_doc_id)
        if isinstance(body, wire.MetaSearch):
            filters = _meta_filters(r, task_id, body)
        else:
            filters = _info_filters(r, task_id, body)
        found, page, _ = _page(r, filters, PageRequest(limit=limit, cursor=last_doc_id), mode)
        return found, page

    found, page = await who.read(read)
    last = page.next_cursor  # null when no test instance follows this page
    following = link(**{"limit": limit, LAST_DOC_ID: last, "mode": mode_of(mode)}) if last else None
    cursor = spelled(wire.CursorPagination, {"limit": limit, "last_doc_id": last, "next": following})
    return FastJSONResponse(spelled(wire.TestInstanceSearchResult, {"test_instances": found, "pagination": cursor}))


def _continues_from(r: Reader, task_id: str, last_doc_id: str) -> None:
    """A cursor must be one of the task's test instances: a mistyped one would read as "nothing more" otherwise."""
    try:
        _instance(r, task_id, last_doc_id)
    except NotFound:
        raise InvalidField(LAST_DOC_ID, f"{last_doc_id!r} is not a test instance of this task") from None


def _instance(r: Reader, task_id: str, instance_id: str) -> tuple[Attempt, Application]:
    session = r.session(instance_id)
    if session.opening_id != task_id:
        raise NotFound("test instance", instance_id)
    return session, r.application(session.application_id)


@router.get(BASE + "/{instance_id}", response_model=wire.DetailedTestInstance | wire.BasicTestInstance)
async def get_test_instance(who: Who, task_id: str, instance_id: str, mode: Mode = "basic") -> Response:
    """One test instance of the task."""

    def read(r: Reader) -> dict[str, Any]:
        _task(r, task_id)
        return render_test_instance(*_instance(r, task_id, instance_id), mode_of(mode))

    return FastJSONResponse(await who.read(read))


@router.post(UNVERSIONED + "/{instance_id}/expand", response_model=wire.ExpandedTestInstance)
@router.post(BASE + "/{instance_id}/expand", response_model=wire.ExpandedTestInstance)
async def expand_test_instance(
    who: Who, task_id: str, instance_id: str, body: Annotated[wire.Expand | None, Body()] = None
) -> Response:
    """One test instance, detailed (its scoreboard and per-section results), plus what ``expand`` asks for."""
    task, (session, application) = await who.read(lambda r: (_task(r, task_id), _instance(r, task_id, instance_id)))
    answer = render_test_instance(session, application, "detailed")
    step = task.step(session.step_id)
    # Each name ``expand`` takes is the wire name of the field it adds.
    extras = spelled(
        wire.ExpandedTestInstance,
        {
            "credit_cost": 0,  # Candidly charges no credits
            "uniq_id": application.uniq_id,
            "test": step_test(step) if step is not None else None,
            "room_form": {},  # Candidly asks candidates no entry form
            "identity_photo": spelled(wire.IdentityPhoto, {"url": None}),  # nor takes their photo
        },
    )
    for name in dict.fromkeys(body.expand if body is not None else []):
        if extras[name] is not None:  # a candidate without a uniqId, or a step since removed, shows nothing
            answer[name] = extras[name]
    return FastJSONResponse(answer)
