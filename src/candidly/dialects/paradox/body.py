"""The candidate body of create and update, as JSON or as ``multipart/form-data`` with ``resume`` and
``offer_letter`` file parts (the official reference documents both); either way one validated ``CandidateIn``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from candidly.dialects.paradox import files
from candidly.dialects.paradox.fields import FILES, JSON_TEXT, wire_name
from candidly.dialects.paradox.schemas import FILE_B64_MAX, CandidateIn
from candidly.domain.errors import InvalidField

# A form's parts by Paradox's names: the file parts (-> their attribute) and the parts holding JSON text.
FILE_PARTS = {wire_name(attr): attr for attr in FILES}
JSON_PARTS = tuple(wire_name(attr) for attr in JSON_TEXT)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# Room for the most the object may hold (100 entries of a 255-character key and a 10,000-character value).
JSON_FIELD_MAX_CHARS = 1_100_000


@dataclass(frozen=True, slots=True)
class CandidateRequest:
    body: CandidateIn
    uploads: dict[str, bytes] = field(default_factory=dict)  # file parts by attribute (``resume``, ...)


def _invalid(errors: list[Any]) -> RequestValidationError:
    """Validation problems located in the body, as FastAPI reports a body model's."""
    return RequestValidationError([{**err, "loc": ("body", *err["loc"])} for err in errors])


def validated(raw: object) -> CandidateIn:
    if not isinstance(raw, dict):
        raise _invalid([{"type": "model_type", "loc": (), "msg": "the body must be an object", "input": None}])
    try:
        return CandidateIn.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc.errors(include_url=False, include_context=False)) from exc


async def _read(upload: UploadFile, name: str) -> bytes:
    if name not in FILE_PARTS:
        raise InvalidField(name, f"is not a file field (files: {', '.join(FILE_PARTS)})")
    # One byte past the limit is enough to refuse a file without holding all of it.
    return await upload.read(files.MAX_BYTES + 1)


def _form_value(name: str, value: str) -> Any:
    if name in JSON_PARTS:
        if len(value) > JSON_FIELD_MAX_CHARS:
            raise InvalidField(name, f"must be at most {JSON_FIELD_MAX_CHARS} characters of JSON")
        try:
            return json.loads(value)
        except (ValueError, RecursionError) as exc:  # a form part is not scanned for depth as a JSON body is
            raise InvalidField(name, "must be a JSON object") from exc
    return value


async def _from_form(request: Request) -> CandidateRequest:
    values: dict[str, Any] = {}
    uploads: dict[str, bytes] = {}
    async with request.form(max_files=len(FILE_PARTS), max_fields=100, max_part_size=FILE_B64_MAX) as form:
        for name, value in form.multi_items():
            if name in values or name in uploads:
                raise InvalidField(name, "is given more than once")
            if isinstance(value, UploadFile):
                uploads[name] = await _read(value, name)
            else:
                values[name] = _form_value(name, value)
    return CandidateRequest(validated(values), {FILE_PARTS[name]: content for name, content in uploads.items()})


async def candidate_request(request: Request) -> CandidateRequest:
    """The body of a create or update, by its content type (JSON unless a form is declared)."""
    if request.headers.get("content-type", "").lower().startswith(FORM_TYPES):
        return await _from_form(request)
    payload = await request.body()
    try:
        raw = json.loads(payload) if payload else None
    except ValueError as exc:
        raise _invalid([{"type": "json_invalid", "loc": (), "msg": "is not valid JSON", "input": None}]) from exc
    return CandidateRequest(validated(raw))


def openapi_body() -> dict[str, Any]:
    """The request body as the dialect's OpenAPI document shows it: JSON first, then the multipart form."""
    schema = CandidateIn.model_json_schema(ref_template="#/components/schemas/{model}")
    form = {k: v for k, v in schema.items() if k != "title"}
    properties = dict(form["properties"])
    for name in FILE_PARTS:
        properties[name] = {"type": "string", "format": "binary", "description": "The file (at most 10 MB)"}
    for name in JSON_PARTS:
        properties[name] = {
            "type": "string",
            "maxLength": JSON_FIELD_MAX_CHARS,
            "description": "A JSON object, as text",
        }
    form["properties"] = properties
    return {
        "required": True,
        "content": {"application/json": {"schema": schema}, "multipart/form-data": {"schema": form}},
    }
