"""The API key behind a request's credential, whatever form it takes: a plain key, an access token or HTTP Basic.

The idempotency store keys its entries by this, so a client that retries with a freshly minted access token (or
with Basic instead of its token) is still the caller who made the first request.
"""

from __future__ import annotations

import base64
import binascii

from candidly.dialects.base import SurfaceServices, client_principal, key_principal
from candidly.dialects.tokens import looks_like_jwt, principal_of_token
from candidly.domain.errors import DomainError
from candidly.domain.principals import Principal


async def _principal(services: SurfaceServices, scheme: str, value: str) -> Principal | None:
    if scheme == "basic":
        key_id, colon, secret = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        return await client_principal(services, key_id, secret) if colon else None
    if scheme != "bearer":
        return None
    return await (principal_of_token(services, value) if looks_like_jwt(value) else key_principal(services, value))


async def api_key_of(services: SurfaceServices, header: bytes | None) -> str | None:
    """The id of the valid API key an ``Authorization`` header stands for; None for anything else (the operator,
    a refused or unreadable credential), which the caller then tells apart by the header itself.

    A cached key is answered on the event loop; only a cache miss reads the database, on its executor.
    """
    if not header:
        return None
    scheme, _, value = header.decode("latin-1").partition(" ")
    try:
        principal = await _principal(services, scheme.lower(), value.strip())
    except (DomainError, binascii.Error, ValueError):
        return None
    return None if principal is None else principal.key_id
