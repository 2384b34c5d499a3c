"""A streaming bracket-depth scan of JSON bytes, so deep nesting is refused before any parser recurses into it."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException

# The only bytes that matter: an escape and what it escapes (skipped whole), quotes, and brackets.
_TOKENS = re.compile(rb'\\.|["\[\]{}]', re.DOTALL)


class JsonTooDeep(HTTPException):
    """An HTTPException, so FastAPI passes it to the surface's own error handler when raised while reading a body."""

    def __init__(self, limit: int) -> None:
        super().__init__(400, f"the JSON body is nested deeper than {limit} levels")


class JsonDepthScanner:
    """Tracks nesting depth across the chunks of one body; strings and escapes are skipped, nothing is parsed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.depth = 0
        self.in_string = False
        self.carry = b""  # a backslash that ended the last chunk escapes the first byte of the next

    def feed(self, chunk: bytes, *, last: bool) -> None:
        """Scan the next chunk; raise JsonTooDeep once nesting goes deeper than the limit."""
        if last and self.depth + chunk.count(b"[") + chunk.count(b"{") <= self.limit:
            return  # too few brackets left to go too deep: the usual case, at the cost of two counts
        data = self.carry + chunk
        self.carry = b""
        end = 0
        for match in _TOKENS.finditer(data):
            token, end = match.group(), match.end()
            if len(token) == 2:
                continue
            if token == b'"':
                self.in_string = not self.in_string
            elif self.in_string:
                continue
            elif token in (b"[", b"{"):
                self.depth += 1
                if self.depth > self.limit:
                    raise JsonTooDeep(self.limit)
            else:
                self.depth -= 1
        if data.endswith(b"\\") and end < len(data):
            self.carry = b"\\"


def is_json(content_type: str | None) -> bool:
    """FastAPI parses a body as JSON when it says so, and when it has no content type at all."""
    return content_type is None or "json" in content_type.lower()
