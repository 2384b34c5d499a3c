"""Gender from a first name, for surfaces that answer a gender when none was set (InstaView).

The names are gender-guesser's data (Jörg Michael's gender.c, about 48,000 names by country), decided as
``gender_guesser.detector.Detector(case_sensitive=False).get_gender(name)`` decides without a country. Its
Detector keeps every name's per-country string in dicts: 22 MB resident for the life of the server process
that fans invitations out. Only the answer is needed here, so the file is read in a few passes, each deciding
one share of the names and keeping it as one sorted string (about 0.6 MB in all; the passes add about 4 MB,
where the Detector adds 23). tests/delivery/test_gender.py holds the answers equal to the Detector's.
"""

from __future__ import annotations

import bisect
import functools
import threading
from array import array
from pathlib import Path

import gender_guesser  # the package only: its detector is not used

# The file's sex codes, as gender-guesser labels them: male, mostly male, female, mostly female, unisex.
_LABELS = ("male", "mostly_male", "female", "mostly_female", "andy")
_CODES = {"M": 0, "1M": 1, "?M": 1, "F": 2, "1F": 3, "?F": 3, "?": 4}
_ANSWERS = {"male": "male", "mostly_male": "male", "female": "female", "mostly_female": "female"}
# Passes over the file: a pass holds its share of the names' weights at once, so more passes, a lower peak.
_SHARES = 4
_DATA = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"


def _entry(label: int, countries: str) -> int:
    """A label and what its line's country columns weigh, packed in one int (label, count, tie-break): the
    countries that know the name, then the sum of their frequencies (0-9, A-D, at most 55 x 13) on a tie, as
    gender-guesser counts without a country."""
    digits = countries.replace(" ", "")
    tie = sum(ord(c) - 55 if c > "@" else ord(c) - 48 for c in digits)
    return label << 20 | len(digits) << 10 | tie


def _with(entries: int | tuple[int, ...] | None, entry: int) -> int | tuple[int, ...]:
    """A name's entries with one more line's: a label seen again keeps its place and takes the later weight."""
    if entries is None:
        return entry  # most names have one line: an int, not a tuple
    known = (entries,) if isinstance(entries, int) else entries
    if any(e >> 20 == entry >> 20 for e in known):
        return tuple(entry if e >> 20 == entry >> 20 else e for e in known)
    return (*known, entry)


def _decide(entries: int | tuple[int, ...]) -> str | None:
    """The label weighing most (the first one seen on a tie of both counts); None when no country knows it."""
    known = (entries,) if isinstance(entries, int) else entries
    best = known[0]
    for entry in known[1:]:
        if entry & 0xFFFFF > best & 0xFFFFF:
            best = entry
    return _ANSWERS.get(_LABELS[best >> 20]) if best & 0xFFC00 else None


def _spellings(name: str) -> set[str]:
    """The file writes a name that is one word, two, or hyphenated as ``Abdel+Aziz``; two words are never asked."""
    return {name.replace("+", joint) for joint in ("", "-")} if "+" in name else {name}


class _Share:
    """One share of the decided names as ``name\tanswer`` lines in one sorted string, found by bisection."""

    def __init__(self, decided: dict[str, str]) -> None:
        lines = [f"{name}\t{answer}\n" for name, answer in sorted(decided.items())]
        self.text = "".join(lines)
        self.starts = array("I")
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line)

    def _name(self, line: int) -> str:
        start = self.starts[line]
        return self.text[start : self.text.index("\t", start)]

    def get(self, name: str) -> str | None:
        line = bisect.bisect_left(range(len(self.starts)), name, key=self._name)
        if line == len(self.starts) or self._name(line) != name:
            return None
        start = self.starts[line] + len(name) + 1
        return self.text[start : self.text.index("\n", start)]


def _read_share(share: int) -> _Share:
    names: dict[str, int | tuple[int, ...]] = {}
    with _DATA.open(encoding="utf-8") as lines:
        for raw in lines:
            line = raw.strip()
            if line[0] in "#=":
                continue
            code, name = line.split(maxsplit=2)[:2]
            for spelling in _spellings(name.lower()):
                if hash(spelling) % _SHARES == share:
                    names[spelling] = _with(names.get(spelling), _entry(_CODES[code], line[30:-1]))
    return _Share({name: answer for name, entries in names.items() if (answer := _decide(entries)) is not None})


@functools.cache
def _read_all() -> tuple[_Share, ...]:
    return tuple(_read_share(share) for share in range(_SHARES))


# One load, by whichever asks first: a fan-out that comes while the start-up's warm-up reads waits for it.
_LOADING = threading.Lock()


def _shares() -> tuple[_Share, ...]:
    if not is_loaded():
        with _LOADING:
            return _read_all()
    return _read_all()


def is_loaded() -> bool:
    """Whether the table is in memory: after ``warm_up``'s thread ends, or the first detection."""
    return _read_all.cache_info().currsize > 0


def warm_up() -> threading.Thread | None:
    """Load the table (about 0.5 s of CPU) on a thread of its own, started now, unless it is loaded: called when
    the app starts, so that the first invitation's fan-out, which runs under the write lock, finds it read.
    Returns the thread (a daemon: a process that stops meanwhile does not wait for it)."""
    if is_loaded():
        return None
    thread = threading.Thread(target=_shares, name="candidly-gender-table", daemon=True)
    thread.start()
    return thread


def detect_gender(first_name: str | None) -> str | None:
    """``male``, ``female`` or None (unknown or ambiguous) for the first word of a first name."""
    if not first_name or not first_name.split():
        return None
    name = first_name.split()[0].lower()
    return _shares()[hash(name) % _SHARES].get(name)
