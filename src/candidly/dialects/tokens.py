"""Signed access tokens shared by the dialects whose vendors use them: HS256 JWTs naming their key in ``iss``.

A token is signed with its API key's own signing secret, so nothing is stored and any API node can verify
it. Expiry is judged by the service clock, not the wall clock, so tests steer it without sleeping.
"""

from __future__ import annotations

from datetime import timedelta

import jwt

from candidly.dialects.base import SurfaceServices, cached_or_read
from candidly.domain.errors import Unauthenticated
from candidly.domain.principals import Principal

ALGORITHM = "HS256"


def looks_like_jwt(token: str | None) -> bool:
    """A JWT has three dot-separated parts; a Candidly key has none."""
    return token is not None and token.count(".") == 2


def issue_token(services: SurfaceServices, principal: Principal) -> str:
    if principal.key_id is None or not principal.signing_secret:
        raise Unauthenticated("this credential cannot sign access tokens")
    now = services.clock.now()
    expires = now + timedelta(seconds=services.settings.access_token_ttl_seconds)
    claims = {"iss": principal.key_id, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
    return jwt.encode(claims, principal.signing_secret, algorithm=ALGORITHM)


async def principal_of_token(services: SurfaceServices, token: str, leeway_seconds: int = 0) -> Principal:
    """The principal of a well-signed token whose ``exp`` (plus ``leeway_seconds``) has not passed; a cached key
    never leaves the event loop."""
    return check_token(services, token, await principal_of_key_id(services, token_issuer(token)), leeway_seconds)


async def principal_of_key_id(services: SurfaceServices, key_id: str) -> Principal:
    """The principal of a key named by its id (a token's ``iss``, a signed link's key): a cached key is answered
    on the event loop, only a cache miss reads the database, on its executor."""
    return await cached_or_read(services, services.auth.known_key_id(key_id), lambda: services.auth.by_key_id(key_id))


def token_issuer(token: str) -> str:
    """The key a token names in ``iss``, read before its signature can be checked (the key holds the secret)."""
    try:
        key_id = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as exc:
        raise Unauthenticated("malformed access token") from exc
    if not isinstance(key_id, str):
        raise Unauthenticated("malformed access token: iss must name the API key")
    return key_id


def check_token(services: SurfaceServices, token: str, principal: Principal, leeway_seconds: int = 0) -> Principal:
    """``principal`` when ``token`` is signed with its secret and its ``exp`` (plus the leeway) has not passed."""
    try:
        claims = jwt.decode(
            token,
            principal.signing_secret or "",
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "require": ["exp", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid access token") from exc
    try:
        expires = float(claims["exp"])
    except (TypeError, ValueError) as exc:
        raise Unauthenticated("invalid access token: exp must be a number") from exc
    if services.clock.now().timestamp() >= expires + leeway_seconds:
        raise Unauthenticated("the access token has expired")
    return principal
