"""Comeet errors: ``{status, error, message}`` with the codes of Comeet's error table (section 3.7)."""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from candidly.domain import errors as e


class ErrorOut(BaseModel):
    """Comeet's error body; a 409 adds the conflicting ``candidate_uid``."""

    status: int
    error: str
    message: str
    candidate_uid: str | None = None


RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": "Comeet's error codes (section 3.7): 400, 401, 403, 404, 409, 429"}
}

# Wire field (its first segment) -> the code Comeet gives a bad value of it.
FIELD_CODES = {
    "email": "invalid_email", "linkedin_url": "invalid_linkedin_url", "links": "invalid_url",
    "address.country": "incorrect_country_code", "custom_fields": "invalid_custom_candidate_field",
}  # fmt: skip
# Core field -> Comeet field, where the names differ.
FIELD_NAMES = {"external_id": "partner_candidate_id", "opening_id": "position_uid"}
# Pydantic error type -> Comeet code, for bodies that do not fit the schema.
VALIDATION_CODES = {
    "missing": "required_field", "string_too_long": "string_size_limit", "too_long": "string_size_limit",
    "datetime_parsing": "invalid_datetime", "datetime_from_date_parsing": "invalid_datetime",
    "datetime_type": "invalid_datetime",
}  # fmt: skip


class ComeetError(Exception):
    """An answer only Comeet's rules give (a file's size, a conflicting partner id): status, code and message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error(status: int, code: str, message: str, **extra: Any) -> Response:
    body = {"status": status, "error": code, "message": message, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def wire_field(field: str) -> str:
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return FIELD_NAMES.get(head, head) + field[len(head) :]


def code_for(field: str, reason: str) -> str:
    """The code of a bad value: by its field where Comeet has one, by its reason otherwise."""
    if "at most" in reason and "characters" in reason:
        return "string_size_limit"
    if reason.startswith("is required"):
        return "required_field"
    for prefix, code in FIELD_CODES.items():
        if field == prefix or field.startswith((f"{prefix}.", f"{prefix}[")) or field.endswith(f".{prefix}"):
            return code
    return "invalid_value"


def _not_found(exc: e.NotFound) -> Response:
    if exc.kind == "opening" or exc.field == "opening_id":
        return error(404, "position_not_found", "Position not found")
    if exc.kind in ("application", "candidate"):
        return error(404, "candidate_not_found", "Candidate not found")
    return error(404, "not_found", f"{exc.kind.replace('_', ' ').capitalize()} not found")


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    if isinstance(exc, e.Unauthenticated):
        return error(401, "unauthorized", exc.message)
    if isinstance(exc, e.Forbidden | e.NotAllowed):
        return error(403, "no_permission", exc.message)
    if isinstance(exc, e.NotFound):
        return _not_found(exc)
    if isinstance(exc, e.InvalidField):
        field = wire_field(exc.field)
        return error(400, code_for(field, exc.reason), f"{field}: {exc.reason}")
    if isinstance(exc, e.Conflict | e.StaleVersion):
        return error(409, "conflict", exc.message)
    return error(400, "invalid_value", exc.message)


def _comeet_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ComeetError)
    return error(exc.status, exc.code, exc.message, **exc.extra)


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    if not problems:
        return error(400, "invalid_value", "body: invalid")
    first = problems[0]
    field = ".".join(str(p) for p in first["loc"][1:]) or str(first["loc"][0])
    if first["type"] == "missing" or (first["type"].endswith("_type") and first.get("input", "") is None):
        return error(400, "required_field", f"{field}: is required")
    code = VALIDATION_CODES.get(first["type"]) or code_for(field, "")
    return error(400, code, f"{field}: {first['msg']}")


# Errors raised outside the routes (an unknown path, a body over the size cap, a rate limit).
HTTP_CODES = {404: "not_found", 405: "not_found", 413: "file_size_limit", 429: "too_many_requests",
              503: "service_unavailable"}  # fmt: skip


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "invalid_value")
    return error(exc.status_code, code, "Not found" if code == "not_found" else str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(ComeetError, _comeet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
