"""CV anonymization: the candidate's own names, emails, phone numbers and profile URLs become placeholders.

Every pattern runs in time linear in the text: no quantifier can rescan an unbounded run, because each unbounded
run is followed by nothing that could fail (URLs), or is bounded (emails, phones). A 50,000-character CV of any
shape anonymizes in milliseconds, and callers run it before a write transaction opens, never inside one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from candidly.domain.commands import CandidateChanges
from candidly.domain.people import Candidate

# An email starts where a run of address characters starts (the lookbehind fails at once inside a run), and its
# local part and labels are bounded (RFC 5321: 64 and 63 characters): a long run without an '@' is tried once,
# for at most 64 steps, instead of being rescanned from every position to the end of the text.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# A URL, or a bare profile link such as linkedin.com/in/someone (profiles are personal data too). ``\S+`` is the
# last thing in the pattern, so it never backtracks: a match runs to the next whitespace and stops.
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|facebook\.com|instagram\.com)/\S+",
    re.IGNORECASE,
)
# Phone-like runs: an optional +, then digits with spaces, dots, dashes or brackets, 7 to 20 digits in all.
# The middle is bounded (E.164 numbers have at most 15 digits; 30 characters leave room for the separators).
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{5,30}\d(?![\w])")
_YEARS = re.compile(r"\d{4}\s*-\s*\d{4}")  # "2019-2023" in a CV is a period, not a number to call
NAME = "[NAME]"
# "[NAME] [NAME]" (a first and last name side by side) is one person: the seed writes a full name as one [NAME].
_NAME_RUN = re.compile(r"\[NAME\](?:[ \t]+\[NAME\])+")
# A line of a few capitalized words, one of them the candidate's name, is a full name (a CV's header line): the
# seed's "Jane Doe" CV of a candidate renamed John Doe answers "[NAME]", so the other given name goes with it.
_NAME_LINE_WORDS = (2, 4)


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    if sum(ch.isdigit() for ch in found) < 7 or _YEARS.fullmatch(found.strip()):
        return found
    return "[PHONE]"


def _name_parts(names: Iterable[str]) -> list[str]:
    """Every name and each of its words, longest first (so "Mary Ann" goes before "Mary"), one letter excluded."""
    parts = {part for name in names if name for part in (name.strip(), *name.split()) if len(part) > 1}
    return sorted(parts, key=len, reverse=True)


def anonymize_cv(text: str, names: Iterable[str]) -> str:
    """Replace personal data in ``text``: URLs, emails, phone numbers, then each of ``names`` (whole words)."""
    text = _URL.sub("[URL]", text)
    text = _EMAIL.sub("[EMAIL]", text)
    text = _PHONE.sub(_phone, text)
    for part in _name_parts(names):
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    return "\n".join(_full_name(line) for line in _NAME_RUN.sub(NAME, text).split("\n"))


def _looks_like_a_name(word: str) -> bool:
    """A capitalized word of letters (hyphens, apostrophes and a final period allowed): "Anne-Marie", "O'Neil", "Q."."""
    core = word.rstrip(".,")
    return core[:1].isupper() and core.replace("-", "").replace("'", "").replace("\u2019", "").isalpha()


def _full_name(line: str) -> str:
    """``line`` as one [NAME] when it is only a name with one of the candidate's names in it, else unchanged."""
    words = line.split()
    low, high = _NAME_LINE_WORDS
    if not low <= len(words) <= high or NAME not in words:
        return line
    if not all(word == NAME or _looks_like_a_name(word) for word in words):
        return line
    stripped = line.strip()
    start = line.index(stripped)
    return f"{line[:start]}{NAME}{line[start + len(stripped) :]}"


_NAME_FIELDS = ("first_name", "middle_name", "last_name")


def with_anonymized_cv(changes: CandidateChanges, current: Candidate | None = None) -> CandidateChanges:
    """``changes`` (Candidate attributes) with the CV anonymized against the names the candidate will have.

    A new CV is anonymized; so is the stored one when a name changes (the new name may appear in it). Callers run
    this before the write transaction opens, so a large CV never holds the write lock.
    """
    if "cv" in changes:
        cv = changes["cv"]
    elif current is not None and current.cv and _NAME_FIELDS & changes.keys():
        cv = current.cv
    else:
        return changes
    if not isinstance(cv, str):
        return changes  # null clears the CV; any other type is refused by the candidate's own validation
    given: Mapping[str, Any] = changes
    names = [given.get(key, getattr(current, key, None)) for key in _NAME_FIELDS]
    return {**changes, "cv": anonymize_cv(cv, [n for n in names if isinstance(n, str)])}
