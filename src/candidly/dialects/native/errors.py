"""RFC 9457 problem+json for every native error, validation errors included."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from candidly.dialects.native.schemas import Problem
from candidly.domain import errors as e

# Every error is problem+json; documented inline, as FastAPI's ``model`` would document it as application/json.
RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "description": "A problem (RFC 9457)",
        "content": {"application/problem+json": {"schema": Problem.model_json_schema()}},
    }
}

_STATUS: list[tuple[type[e.DomainError], int, str]] = [
    (e.InvalidField, 422, "invalid-field"),
    (e.NotFound, 404, "not-found"),
    (e.Conflict, 409, "conflict"),
    (e.NotAllowed, 409, "not-allowed"),
    (e.StaleVersion, 412, "precondition-failed"),
    (e.Unauthenticated, 401, "unauthenticated"),
    (e.Forbidden, 403, "forbidden"),
]


def problem(status: int, slug: str, detail: str, **extra: Any) -> Response:
    body = {
        "type": f"https://candidly.dev/problems/{slug}",
        "title": slug.replace("-", " "),
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/problem+json",
        headers=headers,
    )


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    if isinstance(exc, e.NotFound) and exc.field is not None:
        # An unknown id inside the body makes the request invalid; 404 is for the resource in the path.
        return problem(422, "invalid-field", exc.message, field=exc.field)
    for cls, status, slug in _STATUS:
        if isinstance(exc, cls):
            return problem(status, slug, exc.message, field=getattr(exc, "field", None))
    return problem(400, "bad-request", exc.message)


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "steps", 0, "name")`` -> ``steps[0].name``."""
    out = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or str(loc[0] if loc else "body")


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": field_path(err["loc"]), "reason": err["msg"]} for err in exc.errors()]
    first = errors[0] if errors else {"field": "body", "reason": "invalid"}
    return problem(
        422,
        "invalid-field",
        f"{first['field']}: {first['reason']}",
        field=first["field"],
        errors=errors,
    )


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, "http-error", str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
