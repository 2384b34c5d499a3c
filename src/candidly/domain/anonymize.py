"""CV anonymization: the candidate's own names, emails, phone numbers and profile URLs become placeholders."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A URL, or a bare profile link such as linkedin.com/in/someone (profiles are personal data too).
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|facebook\.com|instagram\.com)/\S+",
    re.IGNORECASE,
)
# Phone-like runs: an optional +, then digits with spaces, dots, dashes or brackets, at least 7 digits.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{5,}\d(?![\w])")
_YEARS = re.compile(r"\d{4}\s*-\s*\d{4}")  # "2019-2023" in a CV is a period, not a number to call


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    if sum(ch.isdigit() for ch in found) < 7 or _YEARS.fullmatch(found.strip()):
        return found
    return "[PHONE]"


def anonymize_cv(text: str, names: list[str]) -> str:
    """Replace personal data in ``text``: URLs, emails, phone numbers, then each of ``names`` (whole words)."""
    text = _URL.sub("[URL]", text)
    text = _EMAIL.sub("[EMAIL]", text)
    text = _PHONE.sub(_phone, text)
    for name in sorted({n for n in names if n and len(n.strip()) > 1}, key=len, reverse=True):
        for part in {name, *name.split()}:
            if len(part) > 1:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[NAME]", text, flags=re.IGNORECASE)
    return text
