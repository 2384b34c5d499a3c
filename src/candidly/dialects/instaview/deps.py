"""InstaView's request dependencies (the caller ``Who``; the base path links name) and its 403 for another company's.

A regular key acts for its own company; an ATS key names the company it acts for in ``companyId`` (decision 6).
The key is checked before the body, as InstaView documents: key, scope, company, then the request itself.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from candidly.dialects.base import bearer_principal, bind_caller
from candidly.dialects.instaview import ids
from candidly.dialects.instaview.errors import ForeignCompany
from candidly.domain.errors import InvalidField
from candidly.domain.principals import Principal
from candidly.service.caller import Caller
from candidly.service.reader import Reader

PrincipalDep = Annotated[Principal, Depends(bearer_principal)]
CompanyId = Annotated[str | None, Query(alias="companyId", max_length=64)]


def company(principal: Principal, company_id: str | None) -> str:
    """The organization the request acts in: the key's own, or the ``companyId`` an ATS key names."""
    if not (principal.is_multi_organization or principal.can_create_organizations):
        return principal.organization()
    # ATS keys name the company they act for; a company they do not manage is 403 (decision 6).
    if company_id is None:
        raise InvalidField("companyId", "is required for ATS API keys")
    org = ids.core(company_id)
    if org not in principal.organization_ids:
        raise ForeignCompany("this API key does not manage that company", field="companyId")
    return org


# The caller in one dependency over the principal's, not one for the organization beside it (as
# ``caller_dependency`` binds it): FastAPI's solving of each dependency costs about as much as the database
# read of a get. The order is kept: the key first, then ``companyId``'s validation, then the company.


async def in_company(request: Request, principal: PrincipalDep, company_id: CompanyId = None) -> Caller:
    """The caller, acting in its company (an ATS key: the ``companyId`` it names)."""
    return bind_caller(request, principal, "instaview", company(principal, company_id))


async def as_key(request: Request, principal: PrincipalDep) -> Caller:
    """The caller acting as the key itself, in no company (creating one, listing those it spans)."""
    return bind_caller(request, principal, "instaview", "")


def base_path(request: Request) -> str:
    """The base path the request came in under (/instaview, /instaview/v1 or /instaview/v1/public): links use it.

    A plain call in the routes, not a dependency: FastAPI's solving of one costs more than reading it."""
    return str(request.scope.get("root_path", ""))


Who = Annotated[Caller, Depends(in_company)]
Key = Annotated[Caller, Depends(as_key)]


def refuse_foreign(r: Reader, kind: Literal["candidate", "opening", "session"], ident: str, wire_kind: str) -> None:
    """Another company's resource is 403 (InstaView's rule); a missing one is left to answer 404."""
    if is_foreign(r, kind, ident):
        raise ForeignCompany(f"the {wire_kind} belongs to another company")


def is_foreign(r: Reader, kind: Literal["candidate", "opening", "session"], ident: str) -> bool:
    owner = r.owner(kind, ident)
    return owner is not None and owner != r.organization_id
