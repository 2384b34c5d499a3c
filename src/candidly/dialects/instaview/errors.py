"""InstaView errors: one body that satisfies both documented styles (docs/vendors/instaview.md, decision 3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from candidly.dialects.fields import renamed
from candidly.dialects.instaview import ids
from candidly.dialects.instaview.fields import WIRE_NAMES
from candidly.dialects.instaview.schemas import Error
from candidly.domain import errors as e

SCOPE_NAMES = {"read:openings": "read:jobs", "write:openings": "write:jobs"}
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
HTTP_CODES = {
    404: "RESOURCE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    429: "RATE_LIMIT_EXCEEDED",
    503: "SERVICE_UNAVAILABLE",
}
# Candidly's words for InstaView's things, as messages and resource types name them (a job, not an opening).
KINDS = {"opening": "job", "session": "interview", "organization": "company"}
_WORDS = (
    ("an opening", "a job"),
    ("openings", "jobs"),
    ("opening", "job"),
    ("with applications", "with candidates"),
    ("organizations", "companies"),
    ("organization", "company"),
)
RESPONSES: dict[int | str, dict[str, Any]] = {"4XX": {"model": Error, "description": "InstaView's error"}}


class ForeignCompany(e.Forbidden):
    """The resource exists but belongs to another company: InstaView answers 403, not 404."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def vendor_words(message: str) -> str:
    for candidly, instaview in _WORDS:
        message = message.replace(candidly, instaview)
    return message


def wire_field(field: str | None) -> str | None:
    if field is None:
        return None
    return renamed(field, WIRE_NAMES)


def error(
    status: int, code: str, message: str, details: dict[str, Any] | None = None, top: dict[str, Any] | None = None
) -> Response:
    """InstaView's error body; ``top`` adds fields beside the five (a 429's ``retryAfter``, ``limit``, ...)."""
    body = {
        "statusCode": status,
        "message": message,
        "error": REASONS.get(status, "Error"),
        "code": code,
        "details": details,
        **(top or {}),
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    field = wire_field(getattr(exc, "field", None))
    if isinstance(exc, e.Unauthenticated):
        return error(401, "INVALID_API_KEY", "Invalid or missing API key")
    if isinstance(exc, ForeignCompany):
        return error(403, "FORBIDDEN", exc.message, {"field": field} if field else None)
    if isinstance(exc, e.Forbidden):
        scope = SCOPE_NAMES.get(exc.scope or "", exc.scope)
        message = f"Insufficient permissions: Required scope {scope} not found" if scope else exc.message
        return error(403, "INSUFFICIENT_PERMISSIONS", vendor_words(message))
    if isinstance(exc, e.NotFound):
        ident = ids.wire(exc.ident)  # the id as the client wrote it: a UUID
        kind = KINDS.get(exc.kind, exc.kind)
        if exc.field is not None:  # an unknown job id in the body is a bad request (decision 7)
            return error(400, "VALIDATION_ERROR", f"{field}: {kind} {ident} does not exist", {"field": field})
        return error(
            404, "RESOURCE_NOT_FOUND", f"{kind.capitalize()} not found", {"resourceType": kind, "resourceId": ident}
        )
    if isinstance(exc, e.InvalidField):
        return error(400, "VALIDATION_ERROR", f"{field}: {exc.reason}", {"field": field})
    if isinstance(exc, e.Conflict | e.NotAllowed | e.StaleVersion):
        return error(409, "CONFLICT", vendor_words(exc.message))
    return error(400, "BAD_REQUEST", vendor_words(exc.message))


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [{"field": _path(err), "message": err["msg"]} for err in exc.errors()]
    first = problems[0] if problems else {"field": "body", "message": "invalid"}
    details = {"field": first["field"], "errors": problems}
    return error(400, "VALIDATION_ERROR", f"{first['field']}: {first['message']}", details)


def _path(err: Mapping[str, Any]) -> str:
    """A field's path as the other errors write it (``jobIds[0]``, ``salary.min``); ``body`` for unreadable JSON."""
    where, *path = err["loc"]
    if err["type"] == "json_invalid":
        return "body"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or str(where)


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "BAD_REQUEST")
    limited = _rate_limit(exc.headers) if exc.status_code == 429 else None
    # The rate-limit guide reads retryAfter, limit, remaining and reset at the top of the body; the error-handling
    # guide reads details: both are there (decision 3).
    return error(exc.status_code, code, str(exc.detail), limited, limited)


def _rate_limit(headers: Mapping[str, str] | None) -> dict[str, Any] | None:
    """What InstaView's 429 body adds (decision 3), read from the headers the rate limiter answers with."""
    if not headers or "Retry-After" not in headers:
        return None
    return {
        "retryAfter": int(headers["Retry-After"]),
        "limit": int(headers.get("X-RateLimit-Limit", 0)),
        "remaining": 0,
        "reset": int(headers.get("X-RateLimit-Reset", 0)),
    }


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
