"""Comeet errors: ``{status, error, message}`` with the codes of docs/vendors/comeet.md (its Errors table)."""

from __future__ import annotations

from typing import Any, Literal, get_args

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from candidly.dialects.base import allowed_methods
from candidly.dialects.comeet.fields import WIRE_NAMES, answer_name, answered, path, wire_name
from candidly.dialects.fields import renamed
from candidly.domain import errors as e


class ErrorOut(BaseModel):
    """Comeet's error body; a 409 adds the conflicting ``candidate_uid``."""

    model_config = ConfigDict(alias_generator=answer_name)

    status: int
    error: str
    message: str
    candidate_uid: str | None = None


# Comeet's published error table and the seed's candidate_not_found are the only codes answered (a client may
# switch on them), but for service_unavailable on a 503, an outage the table has no row for. Where the table has
# no exact row, the nearest one is used and the message says precisely what is wrong (docs/vendors/comeet.md,
# decisions 2 and 3).
Code = Literal[
    "required_field",
    "string_size_limit",
    "invalid_email",
    "invalid_linkedin_url",
    "invalid_url",
    "source_contact_conflict",
    "incorrect_country_code",
    "invalid_custom_candidate_field",
    "invalid_datetime",
    "duplicate_candidate",
    "file_size_limit",
    "malicious_file",
    "no_permission",
    "position_not_found",
    "not_found",
    "candidate_not_found",
    "candidate_post_conflict",
    "too_many_requests",
    "service_unavailable",
]
CODES: tuple[str, ...] = get_args(Code)
# A value of the wrong kind (an enum value Comeet does not list, a number for a string, a bad limit): the table's
# nearest row is required_field ("include this field as described"); the message names the field and the reason.
BAD_VALUE: Code = "required_field"
# A body field or query parameter the call does not take: the table's code for a field Comeet does not know.
UNKNOWN: Code = "invalid_custom_candidate_field"

RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": f"Comeet's error codes (docs/vendors/comeet.md): {', '.join(CODES)}"}
}

# Wire field (its first segment) -> the code Comeet gives a bad value of it.
FIELD_CODES: dict[str, Code] = {
    wire_name("email"): "invalid_email",
    wire_name("linkedin_url"): "invalid_linkedin_url",
    wire_name("links"): "invalid_url",
    path("address", "country"): "incorrect_country_code",
    wire_name("custom_fields"): "invalid_custom_candidate_field",
}
# Pydantic error type -> Comeet code, for bodies that do not fit the schema.
VALIDATION_CODES: dict[str, Code] = {
    "missing": "required_field",
    "string_too_long": "string_size_limit",
    "too_long": "string_size_limit",
    "datetime_parsing": "invalid_datetime",
    "datetime_from_date_parsing": "invalid_datetime",
    "datetime_type": "invalid_datetime",
    "extra_forbidden": UNKNOWN,
    "string_too_short": "required_field",  # an empty string where the field must have a value: not given
}


class ComeetError(Exception):
    """An answer only Comeet's rules give (a file's size, a conflicting partner id): status, code and message."""

    def __init__(self, status: int, code: Code, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error(status: int, code: Code, message: str, **extra: Any) -> Response:
    body = answered({"status": status, "error": code, "message": message, **extra})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def wire_field(field: str) -> str:
    """Comeet's name for a core field (``external_id`` is ``partner_candidate_id``)."""
    return renamed(field, WIRE_NAMES)


def code_for(field: str, reason: str) -> Code:
    """The code of a bad value: by its field where Comeet has one, by its reason otherwise."""
    if "at most" in reason and "characters" in reason:
        return "string_size_limit"
    if reason.startswith("is required"):
        return "required_field"
    for prefix, code in FIELD_CODES.items():
        if field == prefix or field.startswith((f"{prefix}.", f"{prefix}[")) or field.endswith(f".{prefix}"):
            return code
    return BAD_VALUE


def _not_found(exc: e.NotFound) -> Response:
    if exc.kind == "opening" or exc.field == "opening_id":
        return error(404, "position_not_found", "Position not found")
    if exc.kind in ("application", "candidate"):
        return error(404, "candidate_not_found", "Candidate not found")
    return error(404, "not_found", f"{exc.kind.replace('_', ' ').capitalize()} not found")


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    if isinstance(exc, e.Unauthenticated):
        # Not no_permission (403, a permission the account has not granted): comeet-core mints a new token on a
        # 401, and a client reading the code must not take an expired token for a missing permission.
        return error(401, "no_permission", exc.message)
    if isinstance(exc, e.Forbidden | e.NotAllowed):
        return error(403, "no_permission", exc.message)
    if isinstance(exc, e.NotFound):
        return _not_found(exc)
    if isinstance(exc, e.InvalidField):
        field = wire_field(exc.field)
        return error(400, code_for(field, exc.reason), f"{field}: {exc.reason}")
    if isinstance(exc, e.Conflict | e.StaleVersion):
        # Not candidate_post_conflict: a client handling that one reads the candidate_uid only it carries.
        return error(409, "candidate_post_conflict", exc.message)
    return error(400, BAD_VALUE, exc.message)


def _comeet_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ComeetError)
    return error(exc.status, exc.code, exc.message, **exc.extra)


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    if not problems:
        return error(400, BAD_VALUE, "body: invalid")
    first = problems[0]
    field = ".".join(str(p) for p in first["loc"][1:]) or str(first["loc"][0])
    if first["type"] == "missing" or (first["type"].endswith("_type") and first.get("input", "") is None):
        return error(400, "required_field", f"{field}: is required")
    code = VALIDATION_CODES.get(first["type"]) or code_for(field, "")
    return error(400, code, f"{field}: {first['msg']}")


# Errors raised outside the routes (an unknown path, a method a path does not take, a body over the size cap, a
# rate limit).
HTTP_CODES: dict[int, Code] = {
    401: "no_permission",
    403: "no_permission",
    404: "not_found",
    405: "no_permission",
    409: "candidate_post_conflict",
    413: "file_size_limit",
    429: "too_many_requests",
    503: "service_unavailable",
}


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, BAD_VALUE)
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on this path"
    else:
        message = "Not found" if code == "not_found" else str(exc.detail)
    response = error(exc.status_code, code, message)
    response.headers.update(exc.headers or {})  # a 429's Retry-After
    if exc.status_code == 405:
        response.headers["Allow"] = allowed_methods(request) or response.headers.get("Allow", "")
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(ComeetError, _comeet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
