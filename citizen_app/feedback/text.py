"""Text helpers: diacritic folding, search tokens and masking of personal data in public text."""

from __future__ import annotations

import re
import unicodedata

MASK = "[***]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,190}\.[A-Za-z]{2,24}")
# Vietnamese mobile (0 + 9 digits) or landline (02x + 8 digits), or +84/0084 forms; digits may be
# split by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w+])(?:\+84|0084|0)(?:[\s.\-]?\d){9,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
_ID_SPACED = re.compile(r"(?<!\d)\d{3}(?:[\s.]\d{3}){3}(?!\d)")
# Vehicle plates such as 51F-123.45, 59-X1 234.56, 30A12345.
_PLATE = re.compile(r"(?<![\w])\d{2}\s?-?\s?[A-Z]{1,2}\d?\s?-?\s?\d{3}\.?\d{1,2}(?![\w])")
_WORD = re.compile(r"[a-z0-9]+")
MAX_TOKENS = 200
MAX_TOKEN_LEN = 40


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics: 'Đường Lê Lợi' -> 'duong le loi'."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def tokens(text: str) -> list[str]:
    """Distinct folded words (length >= 2) in first-seen order, capped for index size."""
    seen: dict[str, None] = {}
    for raw in _WORD.findall(fold(text)):
        word = raw[:MAX_TOKEN_LEN]
        if len(word) >= 2 and word not in seen:
            seen[word] = None
            if len(seen) >= MAX_TOKENS:
                break
    return list(seen)


def query_tokens(text: str) -> list[str]:
    return tokens(text)[:8]


def mask_personal(text: str) -> str:
    """Replace e-mails, phone numbers, 12/9-digit ID numbers and vehicle plates with a mask."""
    masked = _EMAIL.sub(MASK, text or "")
    masked = _PHONE.sub(MASK, masked)
    masked = _ID_SPACED.sub(MASK, masked)
    masked = _ID_NUMBER.sub(MASK, masked)
    return _PLATE.sub(MASK, masked)


def clean(text: str | None) -> str:
    """NFC-normalise, drop control characters except line breaks, trim."""
    value = unicodedata.normalize("NFC", text or "")
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return value.strip()
