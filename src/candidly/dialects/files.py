"""Files sent inline as base64 (Paradox's resume, Comeet's resume and files): decoding and typing by content."""

from __future__ import annotations

import base64
import binascii

import filetype


def decode_base64(value: str) -> bytes | None:
    """The bytes of a base64 string or ``data:`` URL; None when it is not valid base64."""
    payload = value.split(",", 1)[-1] if value.startswith("data:") else value
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def sniff(content: bytes) -> tuple[str, str] | None:
    """(extension, MIME type) judged by the content, never by a name the client gives; None if unknown.

    Binary formats are told by their magic numbers; text has none and is recognised by decoding as UTF-8.
    """
    guess = filetype.guess(content)
    if guess is not None:
        return guess.extension, guess.mime
    try:
        decoded = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded:
        return None
    head = decoded.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html", "text/html"
    return "txt", "text/plain"
