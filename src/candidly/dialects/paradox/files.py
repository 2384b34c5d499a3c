"""Paradox's file fields (resume, offer letter), as base64 strings or multipart file parts: typed by their content,
bounded in size, the same checks either way."""

from __future__ import annotations

from candidly.dialects.files import decode_base64, sniff
from candidly.domain.commands import AttachmentSpec
from candidly.domain.errors import InvalidField

MAX_BYTES = 10 * 1024 * 1024  # docs/vendors/paradox.md, decision 13

# Extension -> MIME type as the content reveals it; text has no magic number and is recognised by decoding.
RESUME_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
}
OFFER_TYPES = {**RESUME_TYPES, "pages": "application/zip", "html": "text/html"}


def _decode(value: str | bytes, field: str) -> bytes:
    """A file part's bytes as they are; a string's after base64 decoding."""
    content = value if isinstance(value, bytes) else decode_base64(value)
    if content is None:
        raise InvalidField(field, "must be a base64-encoded file")
    if not content:
        raise InvalidField(field, "must not be empty")
    if len(content) > MAX_BYTES:
        raise InvalidField(field, f"must be at most {MAX_BYTES // (1024 * 1024)} MB")
    return content


def _kind(content: bytes) -> tuple[str, str] | None:
    """A zip archive is what Apple Pages saves; otherwise the content's own type."""
    found = sniff(content)
    if found is not None and found[0] == "zip":
        return "pages", found[1]
    return found


def attachment(value: str | bytes, field: str, kind: str, allowed: dict[str, str], name: str | None) -> AttachmentSpec:
    """The decoded file as a core attachment, if its content is of an allowed type."""
    content = _decode(value, field)
    found = _kind(content)
    if found is None or found[0] not in allowed:
        shown = found[0] if found else "unknown"
        raise InvalidField(field, f"file type {shown} is not allowed (allowed: {', '.join(sorted(allowed))})")
    extension, mime = found
    return AttachmentSpec(kind=kind, name=name or f"{kind}.{extension}", content_type=mime, content=content)


def resume(value: str | bytes) -> AttachmentSpec:
    return attachment(value, "resume", "resume", RESUME_TYPES, None)


def offer_letter(value: str | bytes, name: str | None) -> AttachmentSpec:
    return attachment(value, "offer_letter", "offer_letter", OFFER_TYPES, name)
