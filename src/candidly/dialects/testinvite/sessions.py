"""TestInvite test instances: list and get a task's test sessions (reference section 1.10)."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, SurfaceServices
from candidly.dialects.testinvite.routes import Mode, caller
from candidly.dialects.testinvite.test_instances import render_test_instance
from candidly.domain.access import Principal, Scope
from candidly.domain.errors import InvalidField, NotFound
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["test instances"])
BASE = "/api/integration/rest/v1/tasks/{task_id}/test-instances"


def _caller(request: Request) -> tuple[SurfaceServices, Principal, str]:
    who = caller(request)
    who.principal.require(Scope.READ_CANDIDATES)
    return who.services, who.principal, who.organization_id


def _mode(mode: str) -> str:
    """``default`` is read as ``basic`` (the reference's table offers it; section 6, TestInvite 8)."""
    return "detailed" if mode == "detailed" else "basic"


def _application_ids(
    services: SurfaceServices, principal: Principal, org: str, task_id: str, external_id: str
) -> list[str]:
    found = services.queries.page(
        principal, Scope.READ_CANDIDATES, "applications", org,
        Filters(equal={"opening_id": task_id, "external_id": external_id}), PageRequest(limit=100),
    )  # fmt: skip
    return [a.id for a in found.items]


def _link(limit: int, page: int, mode: str, filters: dict[str, str]) -> str:
    return "?" + urlencode({"limit": limit, "page": page, "mode": mode, **filters})


@router.get(BASE)
def list_test_instances(
    request: Request,
    task_id: str,
    mode: Mode = "basic",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    ticket_id: Annotated[str | None, Query(alias="ticketId", max_length=64)] = None,
    candidate_id: Annotated[str | None, Query(alias="candidateId", max_length=64)] = None,
    external_id: Annotated[str | None, Query(alias="externalId", max_length=255)] = None,
) -> Response:
    """A task's test instances, a page at a time, optionally of one candidate (by id or externalId)."""
    services, principal, org = _caller(request)
    services.queries.opening(principal, org, task_id)
    candidate = candidate_id or ticket_id
    if candidate is not None and external_id is not None:
        raise InvalidField("externalId", "cannot be combined with candidateId")
    equal: dict[str, Any] = {"opening_id": task_id}
    if candidate is not None:
        equal["application_id"] = candidate
    if external_id is not None:
        equal["application_id"] = _application_ids(services, principal, org, task_id, external_id)
    found, total, applications = services.queries.sessions_page(
        principal, org, Filters(equal=equal), PageRequest(limit=limit, offset=(page - 1) * limit)
    )
    pages = math.ceil(total / limit)
    filters = {k: v for k, v in {"candidateId": candidate, "externalId": external_id}.items() if v}
    return FastJSONResponse({
        "testInstances": [render_test_instance(s, applications[s.application_id], _mode(mode)) for s in found.items],
        "pagination": {
            "totalItems": total, "totalPages": pages, "currentPage": page, "limit": limit,
            "next": _link(limit, page + 1, mode, filters) if page < pages else None,
            "previous": _link(limit, page - 1, mode, filters) if page > 1 else None,
        },
    })  # fmt: skip


@router.get(BASE + "/{instance_id}")
def get_test_instance(request: Request, task_id: str, instance_id: str, mode: Mode = "basic") -> Response:
    """One test instance of the task."""
    services, principal, org = _caller(request)
    services.queries.opening(principal, org, task_id)
    session = services.queries.session(principal, org, instance_id)
    if session.opening_id != task_id:
        raise NotFound("test instance", instance_id)
    application = services.queries.application(principal, org, session.application_id)
    return FastJSONResponse(render_test_instance(session, application, _mode(mode)))
