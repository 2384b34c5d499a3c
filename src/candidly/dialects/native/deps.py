"""Request dependencies of the native API: the caller (``Who``), the principal alone (admin routes), If-Match."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, bearer_principal, caller_dependency
from candidly.dialects.native.translate import etag, organization_for, parse_if_match
from candidly.domain.principals import Principal
from candidly.service.caller import Caller

PrincipalDep = Annotated[Principal, Depends(bearer_principal)]


async def organization(
    who: PrincipalDep, x_organization_id: Annotated[str | None, Header(max_length=64)] = None
) -> str:
    return organization_for(who, x_organization_id)


async def if_match(if_match: Annotated[str | None, Header(max_length=100)] = None) -> int | None:
    return parse_if_match(if_match)


Who = Annotated[Caller, Depends(caller_dependency("native", organization))]
IfMatch = Annotated[int | None, Depends(if_match)]


def versioned(body: dict[str, Any], status_code: int = 200) -> Response:
    """A resource answer with its ETag, for If-Match on the next write."""
    return FastJSONResponse(body, status_code=status_code, headers={"ETag": etag(body["version"])})
