"""InstaView writes every id as a canonical UUID (8-4-4-4-12); Candidly's ids are the same 128 bits in 32 hex digits."""

from __future__ import annotations

import re

_HEX32 = re.compile(r"[0-9a-f]{32}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def wire(ident: str) -> str:
    """A Candidly id in canonical UUID form; anything that is not 32 hex digits is left as it is."""
    if not _HEX32.fullmatch(ident):
        return ident
    return f"{ident[:8]}-{ident[8:12]}-{ident[12:16]}-{ident[16:20]}-{ident[20:]}"


def wire_or_none(ident: str | None) -> str | None:
    return None if ident is None else wire(ident)


def core(ident: str) -> str:
    """The Candidly id a client wrote: a UUID in either case, or the 32-hex form; else unchanged (found nowhere)."""
    if _UUID.fullmatch(ident):
        return ident.replace("-", "").lower()
    lowered = ident.lower()
    return lowered if _HEX32.fullmatch(lowered) else ident


def core_all(idents: list[str] | None) -> list[str] | None:
    return None if idents is None else [core(i) for i in idents]
