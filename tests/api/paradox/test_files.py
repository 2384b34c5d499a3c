"""Paradox file fields, judged alone: the decoded size limit and the type taken from the content, not a name."""

from __future__ import annotations

import base64

import pytest

from candidly.dialects.paradox import files
from candidly.domain.errors import InvalidField


def test_a_file_over_10_mb_is_refused_and_one_at_the_limit_is_kept() -> None:
    at_limit = b"%PDF-1.4\n" + b"0" * (files.MAX_BYTES - 9)
    assert files.resume(base64.b64encode(at_limit).decode()).content_type == "application/pdf"
    with pytest.raises(InvalidField) as refused:
        files.resume(base64.b64encode(at_limit + b"0").decode())
    assert (refused.value.field, refused.value.reason) == ("resume", "must be at most 10 MB")


def test_a_pdf_named_as_text_is_still_a_pdf_and_an_offer_name_is_kept() -> None:
    spec = files.offer_letter(base64.b64encode(b"%PDF-1.7\n%%EOF").decode(), "letter.txt")
    assert (spec.kind, spec.name, spec.content_type) == ("offer_letter", "letter.txt", "application/pdf")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidField, match="must not be empty"):
        files.resume("")
