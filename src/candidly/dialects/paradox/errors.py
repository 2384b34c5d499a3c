"""Paradox errors: ``{"success": false, "message"}`` with 400, 401 or 404 only (section 6, Paradox 59)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from candidly.dialects.paradox.schemas import Failure
from candidly.domain import errors as e

RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Failure, "description": "Bad request (400), unauthorized (401) or not found (404)"}
}

# Core field -> Paradox field, where the names differ.
FIELD_NAMES = {"external_id": "ex_id", "language": "language_preference", "note": "note", "attachments": "resume"}


def wire_field(field: str) -> str:
    head, dot, rest = field.partition(".")
    return FIELD_NAMES.get(head, head) + dot + rest


def error(status: int, message: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = orjson.dumps({"success": False, "message": message})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    if isinstance(exc, e.Unauthenticated):
        return error(401, f"Unauthorized: {exc.message}")
    if isinstance(exc, e.Forbidden):  # Paradox has no 403: a key that may not do this is not authorized
        return error(401, f"Unauthorized: {exc.message}")
    if isinstance(exc, e.NotFound):
        if exc.field is not None:  # an unknown reference inside the body is a bad request
            return error(400, f"{wire_field(exc.field)}: {exc.kind} {exc.ident} does not exist")
        return error(404, f"{exc.kind.replace('_', ' ').capitalize()} not found")
    if isinstance(exc, e.InvalidField):
        return error(400, f"{wire_field(exc.field)}: {exc.reason}")
    return error(400, exc.message)


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    if not problems:
        return error(400, "body: invalid")
    first = problems[0]
    field = ".".join(str(p) for p in first["loc"][1:]) or str(first["loc"][0])
    return error(400, f"{field}: {first['msg']}")


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code if exc.status_code in (400, 401, 404) else (404 if exc.status_code == 405 else 400)
    return error(status, str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
