"""The page's languages: message catalogs (English, Turkish, German) and choosing one for a visitor."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

SUPPORTED = ("en", "tr", "de")
DEFAULT = "en"


def load_catalogs() -> dict[str, dict[str, str]]:
    """Every catalog from the package's ``locales/<lang>.json``."""
    folder = resources.files("candidly.access_page") / "locales"
    return {lang: json.loads((folder / f"{lang}.json").read_text(encoding="utf-8")) for lang in SUPPORTED}


@dataclass(frozen=True, slots=True)
class Translator:
    """Messages in one language; a key missing from it falls back to English."""

    lang: str
    messages: dict[str, str]
    fallback: dict[str, str]

    def __call__(self, key: str, **values: Any) -> str:
        template = self.messages.get(key) or self.fallback[key]
        return template.format(**values)

    def count(self, key: str, n: int, **values: Any) -> str:
        """A message that agrees with a number: ``<key>_one`` for 1, else ``<key>_other``."""
        form = f"{key}_one" if n == 1 and f"{key}_one" in self.messages else f"{key}_other"
        return self(form, n=n, **values)


def translator(catalogs: dict[str, dict[str, str]], lang: str) -> Translator:
    return Translator(lang, catalogs[lang], catalogs[DEFAULT])


def choose(*preferred: str | None, accept_language: str | None = None) -> str:
    """The first supported language among ``preferred`` (e.g. the application's, then the opening's),
    then among the browser's Accept-Language, else English."""
    for tag in [*preferred, *_accepted(accept_language)]:
        primary = (tag or "").replace("_", "-").split("-")[0].strip().lower()
        if primary in SUPPORTED:
            return primary
    return DEFAULT


def _accepted(header: str | None) -> list[str]:
    """Accept-Language's tags, most wanted first (q=0 means "not this one")."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, i, tag))
    return [tag for _, _, tag in sorted(ranked)]
