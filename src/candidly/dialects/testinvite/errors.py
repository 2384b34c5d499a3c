"""TestInvite's error envelope: ``{message, code}`` with the status codes TestInvite lists (400/401/403/404), 405 for
a method a path does not take, and the transport's own refusals (docs/vendors/testinvite.md, error codes). Messages
speak TestInvite's words (a task, a candidate, a test instance) and name fields as the client's body spells them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from candidly.dialects.fields import renamed
from candidly.dialects.testinvite.fields import CREATE_NAMES
from candidly.dialects.testinvite.schemas import Error
from candidly.domain import errors as e

RESPONSES: dict[int | str, dict[str, Any]] = {"4XX": {"model": Error, "description": "TestInvite's error"}}

# Candidly's names for what TestInvite calls otherwise, as whole words outside quoted values ("test session"
# already is TestInvite's word) and outside names such as the scope read:openings, which must stay as they are.
WORDS = {
    "opening": "task",
    "openings": "tasks",
    "application": "candidate",
    "applications": "candidates",
    "session": "test instance",
    "sessions": "test instances",
}
_WORD = re.compile(r"'[^']*'|\"[^\"]*\"|(?<!test )(?<![:/_])\b(" + "|".join(WORDS) + r")\b(?![:/_])")


def in_testinvite_words(message: str) -> str:
    """``message`` with Candidly's nouns replaced by TestInvite's; quoted values (a name, an id) are left alone."""
    return _WORD.sub(lambda m: WORDS[m.group(1)] if m.group(1) else m.group(0), message)


def wire_field(field: str | None) -> str | None:
    """A core field as a TestInvite body spells it (``program_ids[0]`` -> ``programIds[0]``)."""
    return None if field is None else renamed(field, CREATE_NAMES)


# A core field path -> the path of the same value in the body of one operation (create and update spell the same
# field differently: ``dates.after`` in one, ``fields.activeAfter`` in the other).
Rename = Callable[[str], str]
# Core field names a reason may mention (``must be before active_before``): renamed like the field itself.
_REASON_FIELDS = re.compile(r"\b(active_after|active_before)\b")


def _sibling(path: str, name: str) -> str:
    return f"{path.rsplit('.', 1)[0]}.{name}" if "." in path else name


@contextmanager
def named_as(rename: Rename) -> Iterator[None]:
    """Refusals raised inside name their field as this operation's body spells it (see ``translate.*_names``)."""
    try:
        yield
    except e.InvalidField as invalid:
        field = invalid.field
        reason = _REASON_FIELDS.sub(lambda m: rename(_sibling(field, m.group(1))), invalid.reason)
        raise e.InvalidField(rename(field), reason) from invalid
    except e.Conflict as conflict:
        if conflict.field is None:
            raise
        raise e.Conflict(conflict.message, field=rename(conflict.field), existing_id=conflict.existing_id) from conflict


def error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Response:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return Response(
        orjson.dumps({"message": in_testinvite_words(message), "code": code}),
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
        # An unknown id inside the body is a bad request naming it; an unknown task or candidate in the path,
        # or an unknown user for an internal candidate, is 404 (docs/vendors/testinvite.md, decision 5).
        if exc.field is not None and exc.field not in ("user_id", "opening_id"):
            return error(400, "invalid_field", _message(exc))
        return error(404, "not_found", exc.message)
    if isinstance(exc, e.Conflict):
        return error(400, "duplicate", _message(exc))  # 400, not 409 (docs/vendors/testinvite.md, decision 4)
    return error(400, "invalid_field", _message(exc))


# The tags of the two discriminated unions (create's and the test-instance search's): branch names, not fields.
_UNION_TAGS = frozenset({"temporary-candidate", "internal-candidate", "meta", "info"})


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc:
        if part in _UNION_TAGS:
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _kinds(request: Request) -> str:
    """The values of ``kind`` the body of this path takes (its two discriminated unions)."""
    if request.url.path.endswith("/test-instances/filter"):
        return "meta or info"
    return "temporary-candidate or internal-candidate"


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid", "type": ""}
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return error(400, "invalid_field", f"kind: must be {_kinds(request)}")
    if first["type"] == "json_invalid":  # its location is a character offset, not a field
        return error(400, "invalid_field", f"body: is not valid JSON (at character {first['loc'][-1]})")
    if tuple(first["loc"]) == ("body",) and first["type"] in ("model_attributes_type", "dict_type"):
        # JSON sent without its Content-Type arrives as text: say what to send, not how the parser failed.
        return error(400, "invalid_field", "body: must be a JSON object (sent with Content-Type: application/json)")
    return error(400, "invalid_field", f"{_path(tuple(first['loc']))}: {first['msg']}")


# TestInvite lists 400, 401, 403, 404 and 5xx; what the transport refuses keeps its true status and gets a code of
# its own (docs/vendors/testinvite.md, error codes). Any other status is a 400.
HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "too_many_requests",
    503: "service_unavailable",
}


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code if exc.status_code in HTTP_CODES else 400
    # A 405 keeps its Allow header: the methods the path takes.
    return error(status, HTTP_CODES.get(status, "bad_request"), str(exc.detail), exc.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
