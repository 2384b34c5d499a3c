"""Request dependencies of TestInvite's surface: the caller (``Who``), bound once per request, and the base URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer

from candidly.dialects.base import caller_dependency, surface_services
from candidly.service.caller import Caller

# Documents the credential on every operation; the check itself is ``Who``'s, in TestInvite's error body.
BEARER = Security(HTTPBearer(auto_error=False, scheme_name="bearerAuth", description="A Candidly API key"))


async def public_base_url(request: Request) -> str:
    """Where a candidate's access links point (rendered into every candidate object)."""
    return surface_services(request).settings.public_base_url


# A TestInvite key belongs to one organization: the one every call acts in.
Who = Annotated[Caller, Depends(caller_dependency("testinvite"))]
BaseUrl = Annotated[str, Depends(public_base_url)]
