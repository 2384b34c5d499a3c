"""Identifiers: invitation codes are twelve typeable characters, grouped in fours, every character possible."""

from __future__ import annotations

import re

from candidly.domain.ids import new_invitation_code, normalize_invitation_code

TYPEABLE = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def test_an_invitation_code_is_three_groups_of_four_typeable_characters() -> None:
    codes = [new_invitation_code() for _ in range(400)]
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}", code) for code in codes)
    assert all(normalize_invitation_code(code) == code for code in codes)
    # 4,800 draws over 32 characters: each is drawn (a character never drawn would be a lost bit of the code).
    assert set("".join(codes).replace("-", "")) == set(TYPEABLE)
    assert len(set(codes)) == len(codes)
