"""TestInvite's error envelope: ``{message, code}`` with only the status codes TestInvite lists (400/401/403/404)."""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from candidly.dialects.testinvite.schemas import Error
from candidly.domain import errors as e

RESPONSES: dict[int | str, dict[str, Any]] = {"4XX": {"model": Error, "description": "TestInvite's error"}}

# Core field names -> TestInvite's, so a message names the field the client actually sent.
FIELD_NAMES = {
    "first_name": "fullname", "last_name": "fullname", "program_ids": "programIds", "extra_emails": "extraEmails",
    "step_overrides": "customizedSteps", "external_id": "externalId", "external_data": "externalData",
    "language": "lang", "active_after": "activeAfter", "active_before": "activeBefore", "uniq_id": "tracking.uniqId",
    "uniq_scope": "tracking.scope", "invite": "inviteByEmail", "invite.template_name": "inviteByEmail.emailTemplateName",
    "user_id": "id", "opening_id": "taskId", "price_currency": "price.currency", "price_amount": "price.amount",
}  # fmt: skip


def wire_field(field: str | None) -> str | None:
    if field is None:
        return None
    if field in FIELD_NAMES:
        return FIELD_NAMES[field]
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return FIELD_NAMES.get(head, head) + field[len(head) :] if head in FIELD_NAMES else field


def error(status: int, code: str, message: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(
        orjson.dumps({"message": message, "code": code}),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _message(exc: e.DomainError) -> str:
    field = wire_field(getattr(exc, "field", None))
    if isinstance(exc, e.InvalidField):
        return f"{field}: {exc.reason}"
    return f"{field}: {exc.message}" if field else exc.message


def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.DomainError)
    if isinstance(exc, e.Unauthenticated):
        return error(401, "unauthorized", exc.message)
    if isinstance(exc, e.Forbidden | e.NotAllowed):
        return error(403, "forbidden", _message(exc))
    if isinstance(exc, e.NotFound):
        # An unknown id inside the body is a bad request naming it (section 6, TestInvite 12); an unknown
        # task or candidate in the path, or an unknown user for an internal candidate, is 404 (item 11).
        if exc.field is not None and exc.field not in ("user_id", "opening_id"):
            return error(400, "invalid_field", _message(exc))
        return error(404, "not_found", exc.message)
    if isinstance(exc, e.Conflict):
        return error(400, "duplicate", _message(exc))  # section 6, TestInvite 1: 400, not 409
    return error(400, "invalid_field", _message(exc))


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc:
        if part in ("temporary-candidate", "internal-candidate"):
            continue  # the discriminated union's branch name is not a field
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid", "type": ""}
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return error(400, "invalid_field", "kind: must be temporary-candidate or internal-candidate")
    return error(400, "invalid_field", f"{_path(tuple(first['loc']))}: {first['msg']}")


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code if exc.status_code in (400, 401, 403, 404) else 400
    return error(status, "not_found" if status == 404 else "bad_request", str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
