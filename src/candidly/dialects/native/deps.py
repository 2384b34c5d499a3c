"""Request dependencies of the native API: the caller (``Who``), the principal alone (admin routes), If-Match."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse, bearer_principal, bind_caller
from candidly.dialects.native.translate import etag, organization_for, parse_if_match
from candidly.domain.principals import Principal
from candidly.service.caller import Caller

PrincipalDep = Annotated[Principal, Depends(bearer_principal)]


async def caller(
    request: Request, who: PrincipalDep, x_organization_id: Annotated[str | None, Header(max_length=64)] = None
) -> Caller:
    """The caller in the organization its key acts in (a multi-organization key: the one X-Organization-Id names).

    The key stays a dependency of its own so that it is checked before the header is validated, as before."""
    return bind_caller(request, who, "native", organization_for(who, x_organization_id))


async def if_match(if_match: Annotated[str | None, Header(max_length=100)] = None) -> int | None:
    return parse_if_match(if_match)


Who = Annotated[Caller, Depends(caller)]
IfMatch = Annotated[int | None, Depends(if_match)]


def versioned(body: dict[str, Any], status_code: int = 200) -> Response:
    """A resource answer with its ETag, for If-Match on the next write."""
    return FastJSONResponse(body, status_code=status_code, headers={"ETag": etag(body["version"])})
