"""Diacritic-insensitive matching for Vietnamese text."""

from __future__ import annotations

import re

from citizen_app.core.text import fold

_SPACES = re.compile(r"\s+")
_WARD_PREFIX = re.compile(r"^(phuong|xa|dac khu|ward|commune)\s+")


def ward_key(ward: str | None) -> str:
    """The folded ward name without the 'phường'/'xã' prefix: 'Phường Bàn Cờ' and 'ban co' match."""
    return _WARD_PREFIX.sub("", fold(ward))


def contains_all(haystack: str, query: str) -> bool:
    """Every folded word of ``query`` occurs in the folded ``haystack``."""
    folded = fold(haystack)
    return all(word in folded for word in fold(query).split())
