"""Paradox errors: ``{"errors": [{"code", "message", "field"}]}`` on every 4xx and 5xx, ``/auth/token`` included.

The envelope and the numeric, application-level codes follow Paradox's own reference (readme.paradox.ai; its token
page documents ``{"errors": [{"code": 1015, "message": "Invalid request.", "field": ""}]}``). The HTTP status stays
within what the reference lists (400, 401, 404, 500), except where a transport limit (413, 429) speaks.
The table of codes is ``CODES`` below and ``docs/vendors/paradox.md``, decision 5.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from candidly.dialects.paradox.fields import PATH_ID, WIRE_NAMES
from candidly.dialects.paradox.schemas import Failure
from candidly.domain import errors as e


class Code(IntEnum):
    """Paradox-style application error codes; each names one reason, whatever the HTTP status."""

    UNAUTHORIZED = 1001  # 401: no credentials, or unknown, revoked or badly signed ones
    TOKEN_EXPIRED = 1002  # 401: the access token's time is up
    NOT_PERMITTED = 1003  # 401: the key lacks the scope the call needs (Paradox has no 403)
    NOT_FOUND = 1004  # 404: no such candidate (or route) in the caller's company
    INVALID_FIELD = 1010  # 400: a value is not acceptable
    MISSING_FIELD = 1011  # 400: a required value is absent
    UNKNOWN_FIELD = 1012  # 400: a body field Paradox does not define
    UNKNOWN_PARAMETER = 1013  # 400: a query parameter Paradox does not define
    CONFLICT = 1014  # 400: the request clashes with what is stored
    INVALID_REQUEST = 1015  # 400: the request as a whole is malformed (the token endpoint's documented code)
    TOO_LARGE = 1016  # 413: the body is over the size limit
    RATE_LIMITED = 1017  # 429: too many requests; retry after the Retry-After header
    SERVER_ERROR = 1500  # 500: something failed on Candidly's side


CODES: dict[Code, str] = {
    Code.UNAUTHORIZED: "No credentials, or unknown, revoked or badly signed ones (401)",
    Code.TOKEN_EXPIRED: "The access token has expired: request a new one from /auth/token (401)",
    Code.NOT_PERMITTED: "The credentials may not make this call (401)",
    Code.NOT_FOUND: "No such candidate or route (404)",
    Code.INVALID_FIELD: "A field's value is not acceptable (400)",
    Code.MISSING_FIELD: "A required field is missing (400)",
    Code.UNKNOWN_FIELD: "The body has a field Paradox does not define (400)",
    Code.UNKNOWN_PARAMETER: "The query has a parameter Paradox does not define (400)",
    Code.CONFLICT: "The request clashes with stored data (400)",
    Code.INVALID_REQUEST: "The request is malformed (400)",
    Code.TOO_LARGE: "The body is too large (413)",
    Code.RATE_LIMITED: "Too many requests (429)",
    Code.SERVER_ERROR: "Internal error (500)",
}


class UnknownParameter(e.InvalidField):
    """A query parameter the call does not define (Paradox answers 400 rather than ignoring it)."""


class MissingField(e.InvalidField):
    """A field required by the other fields sent (or by a create) is absent: code 1011, as a missing body field."""


def code_table() -> str:
    """The codes as a Markdown table, for the dialect's OpenAPI description."""
    rows = "\n".join(f"| {int(code)} | {meaning} |" for code, meaning in CODES.items())
    return 'Errors: `{"errors": [{"code", "message", "field"}]}`.\n\n| code | meaning |\n|---|---|\n' + rows


RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Failure, "description": "Bad request (400), unauthorized (401) or not found (404)"},
    "5XX": {"model": Failure, "description": "Internal error"},
}


def wire_field(field: str) -> str:
    """The field an error names, by Paradox's name (a core field's by the Paradox field it came from).

    Only a dotted path is split: Paradox's bodies take no lists (one resume, one offer letter; a second is refused
    by its field's name), so no name a Paradox client is shown has an ``[i]`` to rename around."""
    head, dot, rest = field.partition(".")
    return WIRE_NAMES.get(head, head) + dot + rest


def error(status: int, code: Code, message: str, field: str = "") -> Response:
    headers = {"WWW-Authenticate": 'Bearer, Basic realm="paradox"'} if status == 401 else None
    body = orjson.dumps({"errors": [{"code": int(code), "message": message, "field": field}]})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _on_token_endpoint(request: Request) -> bool:
    return request.url.path.endswith("/auth/token")


_FIELD_CODES: dict[type[e.InvalidField], Code] = {
    UnknownParameter: Code.UNKNOWN_PARAMETER,
    MissingField: Code.MISSING_FIELD,
}


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    if isinstance(exc, e.Unauthenticated):
        code = Code.TOKEN_EXPIRED if "expired" in exc.message else Code.UNAUTHORIZED
        return error(401, code, f"Unauthorized: {exc.message}", "Authorization")
    if isinstance(exc, e.Forbidden):  # Paradox has no 403: a key that may not do this is not authorized
        return error(401, Code.NOT_PERMITTED, f"Unauthorized: {exc.message}", "Authorization")
    if isinstance(exc, e.NotFound):
        if exc.field is not None:  # an unknown reference inside the body is a bad request
            field = wire_field(exc.field)
            return error(400, Code.INVALID_FIELD, f"{field}: {exc.kind} {exc.ident} does not exist", field)
        return error(404, Code.NOT_FOUND, f"{exc.kind.replace('_', ' ').capitalize()} not found", PATH_ID)
    if isinstance(exc, e.InvalidField):
        field = wire_field(exc.field)
        code = _FIELD_CODES.get(type(exc), Code.INVALID_FIELD)
        if _on_token_endpoint(request):
            code = Code.INVALID_REQUEST  # the token endpoint's documented code for any malformed request
        return error(400, code, f"{field}: {exc.reason}", field)
    field = wire_field(getattr(exc, "field", None) or "")
    return error(400, Code.CONFLICT if isinstance(exc, e.Conflict) else Code.INVALID_REQUEST, exc.message, field)


# Pydantic's error types that mean "absent" or "not ours", told apart from a bad value.
_VALIDATION_CODES = {"missing": Code.MISSING_FIELD, "extra_forbidden": Code.UNKNOWN_FIELD}


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    if not problems:
        return error(400, Code.INVALID_REQUEST, "Invalid request.")
    first = problems[0]
    if first.get("type") == "json_invalid":  # its location is a character offset, not a field
        return error(400, Code.INVALID_REQUEST, "body: is not valid JSON", "body")
    field = ".".join(str(p) for p in first["loc"][1:]) or str(first["loc"][0])
    code = _VALIDATION_CODES.get(str(first.get("type")), Code.INVALID_FIELD)
    if _on_token_endpoint(request):
        code = Code.INVALID_REQUEST
    return error(400, code, f"{field}: {first['msg']}", field)


# The transport's own refusals, by status: (the status Paradox shows, its code).
_HTTP = {
    401: (401, Code.UNAUTHORIZED),
    404: (404, Code.NOT_FOUND),
    405: (404, Code.NOT_FOUND),
    413: (413, Code.TOO_LARGE),
    429: (429, Code.RATE_LIMITED),
}


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status, code = _HTTP.get(exc.status_code, (400, Code.INVALID_REQUEST))
    if exc.status_code >= 500:
        status, code = 500, Code.SERVER_ERROR
    return error(status, code, str(exc.detail))


def _unexpected(_request: Request, _exc: Exception) -> Response:
    """An unexpected failure still answers in the envelope (the server logs the exception itself)."""
    return error(500, Code.SERVER_ERROR, "Internal error: the request was not completed")


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
