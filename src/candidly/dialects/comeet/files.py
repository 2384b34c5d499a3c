"""Comeet's inline files (resume, picture, files): checked by their content, stored, and served by expiring URLs.

A file's URL is signed with the API key that read it (HMAC-SHA256 over the attachment id and the expiry), so
any API node can check it without shared state, and revoking the key revokes its URLs.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from pathlib import PurePath
from urllib.parse import urlencode

from candidly.dialects.comeet.errors import BAD_VALUE, ComeetError
from candidly.dialects.comeet.fields import wire_name
from candidly.dialects.comeet.schemas import FileIn
from candidly.dialects.files import decode_base64, sniff
from candidly.domain.commands import AttachmentSpec
from candidly.domain.principals import Principal

MAX_BYTES = 6 * 1024 * 1024  # Comeet's limit on every file
RESUME_TYPES = frozenset({"pdf", "doc", "docx"})
PICTURE_TYPES = frozenset({"jpg", "png", "gif", "webp", "bmp", "tif", "heic"})
FILE_TYPES = (
    RESUME_TYPES
    | PICTURE_TYPES
    | frozenset({"xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "zip", "7z", "rar", "gz"})
)
# Names that the same content may rightly carry: old Office files share one container format, and
# plain text has no magic number to tell a .csv from a .txt.
SAME_CONTENT = {"jpeg": "jpg", "tiff": "tif", "xls": "doc", "ppt": "doc", "csv": "txt", "md": "txt", "text": "txt"}


def _canonical(extension: str) -> str:
    return SAME_CONTENT.get(extension, extension)


def _content(value: FileIn, field: str) -> bytes:
    content = decode_base64(value.file)
    if not content:
        raise ComeetError(400, BAD_VALUE, f"{field}.{wire_name('file')}: must be a non-empty base64-encoded file")
    if len(content) > MAX_BYTES:
        raise ComeetError(403, "file_size_limit", f"{field}: files must be at most {MAX_BYTES // (1024 * 1024)} MB")
    return content


def attachment(value: FileIn, field: str, kind: str, allowed: frozenset[str]) -> AttachmentSpec:
    """The file as a core attachment, if its content is an allowed type and is what its name says."""
    content = _content(value, field)
    found = sniff(content)
    extension = found[0] if found else None
    if extension is None or _canonical(extension) not in {_canonical(a) for a in allowed}:
        shown = ", ".join(sorted(allowed))
        # Comeet's only code for a file of a refused kind is its security policy's.
        raise ComeetError(403, "malicious_file", f"{field}: the file's content is not one of {shown}")
    named = PurePath(value.name or "").suffix.lower().lstrip(".")
    if named and _canonical(named) != _canonical(extension):
        raise ComeetError(403, "malicious_file", f"{field}: the file is named .{named} but its content is {extension}")
    name = value.name or f"{kind}.{extension}"
    return AttachmentSpec(kind=kind, name=name, content_type=found[1] if found else "", content=content)


def signature(secret: str, attachment_id: str, expires: int) -> str:
    message = f"{attachment_id}:{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_url(base_url: str, principal: Principal, attachment_id: str, expires: datetime) -> str | None:
    """A URL that serves the file until ``expires`` without a credential; None for a key that cannot sign."""
    if principal.key_id is None or not principal.signing_secret:
        return None
    until = int(expires.timestamp())
    query = urlencode(
        {
            "key": principal.key_id,
            "expires": until,
            "signature": signature(principal.signing_secret, attachment_id, until),
        }
    )
    return f"{base_url.rstrip('/')}/comeet/files/{attachment_id}?{query}"


def check_signature(principal: Principal, attachment_id: str, expires: int, given: str, now: datetime) -> bool:
    if not principal.signing_secret or now.timestamp() >= expires:
        return False
    return hmac.compare_digest(signature(principal.signing_secret, attachment_id, expires), given)
