"""Text cleaning at the boundary: every string a browser or client sends passes here once.

Two doors bring text in: the HTTP routes (``core.http`` cleans JSON bodies, form fields and query values) and
the Reflex websocket (``ui.events.CleanTextMiddleware`` cleans every event's arguments). Services can then
trust that no stored string breaks a later JSON encoding (a lone surrogate cannot be written as UTF-8) or a
screen (control characters), and that equal-looking Vietnamese text compares equal (NFC).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls; any surrogate code point
# (a well-formed pair never survives decoding as two code points, so every one left is lone).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` without lone surrogates and control characters, in NFC."""
    return unicodedata.normalize("NFC", _UNWANTED.sub("", value))


def clean_value(value: Any) -> Any:
    """Clean every string (dictionary keys too) inside JSON-like data; other values are kept as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(item) for item in value]
    return value


_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """The diacritic-insensitive search key of Vietnamese text: 'Phường  Bàn Cờ' -> 'phuong ban co'.

    NFD, combining marks dropped, đ -> d, lower case, runs of white space as one space, trimmed.
    """
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped).lower()).strip()
