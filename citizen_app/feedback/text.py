"""Text helpers: diacritic folding, search tokens and masking of personal data in public text.

Masking works on a normalised copy of the text: NFKC's compatibility mappings (taken decomposed, NFKD, so the
diacritics can be dropped too: ＠→@, ．→., full-width digits→0-9), look-alike dots, dashes and spaces folded
(。·→., every dash→-, every space→' '), invisible characters dropped (zero-width space, soft hyphen), digits of
every script made ASCII. For each character of the copy it keeps the index of the original character it came
from, so personal data found in the copy is masked in the original and everything around it stays as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from citizen_app.core.text import fold

MASK = "[***]"
_WORD = re.compile(r"[a-z0-9]+")
MAX_TOKENS = 200
MAX_TOKEN_LEN = 40

# --- the normalised copy --------------------------------------------------------------------------

_FOLDED = {"\u3002": ".", "\u00b7": ".", "\u2212": "-", "\u2044": "/", "\u2215": "/", "\u20ab": "d", "đ": "d",
           "Đ": "D"}


def _fold_char(ch: str) -> str:
    """One character of the normalised copy ('' drops it)."""
    if ch in _FOLDED:
        return _FOLDED[ch]
    category = unicodedata.category(ch)
    if category in ("Mn", "Cf"):  # combining marks (diacritics) and invisible characters (zero-width space…)
        return ""
    if category == "Pd":
        return "-"
    if category == "Zs":
        return " "
    digit = unicodedata.decimal(ch, None)
    return str(digit) if digit is not None else ch


def normalise(text: str) -> tuple[str, list[int]]:
    """The copy the detectors read, and for each of its characters the index of its original character."""
    if text.isascii():
        return text, list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch):
            folded = _fold_char(part)
            out.append(folded)
            where.extend([index] * len(folded))
    return "".join(out), where


# --- detectors (on the normalised copy; case-insensitive) -----------------------------------------

_SEP = r"[ \t._/\\()\[\]-]{0,3}+"  # what people put between digit groups: 0912.345.678, (091) 234 5678, 0912_345…


def _digits(count: int) -> str:
    return rf"(?:{_SEP}[0-9]){{{count}}}"


# Vietnamese numbers after the trunk 0 or the country code 84: mobile 3/5/7/8/9 + 8 digits, the old 11-digit
# mobiles 12/16/18/19 + 8 digits, landlines 2 + 9 digits (area code 2x or 2xx).
_NATIONAL = rf"(?:[35789]{_digits(8)}|1{_SEP}[2689]{_digits(8)}|2{_digits(9)})"
_PHONE = re.compile(rf"(?:\+{_SEP}|(?<![0-9])0{_SEP}0{_SEP}|(?<![0-9+]))(?:8{_SEP}4{_SEP}(?:0{_SEP})?|0{_SEP})"
                    rf"{_NATIONAL}(?![0-9])")
# Citizen ID (CCCD): 12 digits starting with the province code 001–096, in any grouping.
_CCCD = re.compile(rf"(?<![0-9])0{_digits(11)}(?![0-9])")
# Old ID card (CMND): 9 digits written together, unless it is an amount of money (150000000đ).
_CMND = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])(?!\s?(?:d|dong|vnd)(?![a-z]))", re.IGNORECASE)
# After an ID keyword: 9 or 12 digits in any grouping, or a passport number (B1234567).
_ID_AFTER_WORD = re.compile(
    rf"(?:\b(?:cmnd|cmt|cccd|can cuoc|chung minh|dinh danh|ho chieu|passport|id)\b[^0-9\n]{{0,15}}?)"
    rf"(?P<value>(?<![0-9])[0-9]{_digits(8)}(?:{_digits(3)})?(?![0-9])|\b[a-z][0-9]{{7,8}}\b)", re.IGNORECASE)
# Vehicle plates such as 51F-123.45, 59-X1 234.56, 30A12345 (capital letters, as on the plate).
_PLATE = re.compile(r"(?<![0-9A-Za-z])[0-9]{2}\s?-?\s?[A-Z]{1,2}[0-9]?\s?-?\s?[0-9]{3}\.?[0-9]{1,2}(?![0-9A-Za-z])")

_OPEN, _CLOSE = r"[(\[{<]\s?", r"\s?[)\]}>]"
_AT = rf"(?:\s?@\s?|\s?{_OPEN}(?:at|a|@){_CLOSE}\s?)"
_AT_WORD = r"\s+at\s+"
_DOT = rf"(?:\.| \. |\s?{_OPEN}(?:dot|cham|\.){_CLOSE}\s?)"
_DOT_WORD = rf"(?:{_DOT}|\s+(?:dot|cham)\s+)"
_TLD = r"(?:com|net|org|edu|gov|info|biz|io|vn|me|co|app|dev|xyz|online|site|asia)(?![a-z])"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_LOCAL = r"(?<![\w.%+-])[\w%+-][\w.%+-]{0,63}"
# local@domain, with look-alike at signs and dots (khoa＠example．com, khoa(at)gmail(dot)com, khoa (a) gmail.com).
# Dots written as words ("gmail dot com", "gmail chấm com") count only before a known top-level domain: "chấm"
# folds like "chăm" ("chăm sóc"). The word form "khoa at gmail dot com" needs that top-level domain too.
_DOMAIN_TAIL = rf"(?:{_DOT_WORD}{_LABEL})*{_DOT_WORD}{_TLD}"
_EMAIL = re.compile(rf"{_LOCAL}(?:{_AT}{_LABEL}(?:{_DOT}{_LABEL})*(?:{_DOMAIN_TAIL})?"
                    rf"|{_AT_WORD}{_LABEL}{_DOMAIN_TAIL})", re.IGNORECASE)
_EMAIL_AT = re.compile(rf"{_AT}|{_AT_WORD}", re.IGNORECASE)
_EMAIL_DOT = re.compile(_DOT_WORD, re.IGNORECASE)

# A date with the hour after it reads like a phone number: "05/12/2024 15h", "05-12-2024 15:30".
_DATE_HOUR = re.compile(r"(?<![0-9])[0-3]?[0-9]([/.-])[01]?[0-9]\1(?:19|20)[0-9]{2},?\s{1,2}[0-2]?[0-9]"
                        r"(?=\s?(?:[:hg][0-9]{2}|(?:h|g|gio)(?![a-z])))", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """One piece of personal data: its span in the original text, what it is and a canonical value
    (national phone number, digits of an ID, lower-case e-mail address, plate) to compare occurrences."""

    start: int
    end: int
    kind: str
    value: str


def _phone_value(raw: str) -> str:
    """The national number without trunk 0 or country code: '+84 (0) 912…' and '0912…' give '912…'."""
    digits = re.sub(r"[^0-9]", "", raw)
    if digits.startswith(("0084", "84")):
        digits = digits.removeprefix("00")[2:]
    return digits.removeprefix("0")


def _email_value(raw: str) -> str:
    at_fixed = _EMAIL_AT.sub("@", raw, count=1)
    return re.sub(r"\s", "", _EMAIL_DOT.sub(".", at_fixed)).lower()


def _candidates(norm: str) -> Iterator[tuple[int, int, str, str]]:
    protected = [m.span() for m in _DATE_HOUR.finditer(norm)]
    for regex, kind in ((_PHONE, "phone"), (_CCCD, "id"), (_CMND, "id")):
        for m in regex.finditer(norm):
            if not any(start <= m.start() and m.end() <= end for start, end in protected):
                value = _phone_value(m.group()) if kind == "phone" else re.sub(r"[^0-9]", "", m.group())
                yield m.start(), m.end(), kind, value
    for m in _ID_AFTER_WORD.finditer(norm):
        yield m.start("value"), m.end("value"), "id", re.sub(r"[^0-9A-Za-z]", "", m.group("value")).upper()
    for m in _EMAIL.finditer(norm):
        yield m.start(), m.end(), "email", _email_value(m.group())
    for m in _PLATE.finditer(norm):
        yield m.start(), m.end(), "plate", re.sub(r"[^0-9A-Z]", "", m.group())


def _widen(norm: str, start: int, end: int) -> tuple[int, int]:
    """Take in the bracket that opens or closes inside the number: '(091) 234 5678', '0912 (345 678)'."""
    inner = norm[start:end]
    if inner.count(")") > inner.count("(") and start > 0 and norm[start - 1] == "(":
        start -= 1
    elif inner.count("(") > inner.count(")") and end < len(norm) and norm[end] == ")":
        end += 1
    return start, end


def find_personal(text: str) -> list[Found]:
    """Phone numbers, e-mail addresses, ID numbers and vehicle plates in ``text``, by position."""
    norm, where = normalise(text or "")
    found = []
    for start, end, kind, value in _candidates(norm):
        start, end = _widen(norm, start, end)
        found.append(Found(where[start], where[end - 1] + 1, kind, value))
    return sorted(found, key=lambda f: (f.start, f.end))


def personal_values(*texts: str) -> set[str]:
    """The canonical values of the personal data in ``texts`` (to recognise them quoted elsewhere)."""
    return {f.value for text in texts for f in find_personal(text)}


def mask_personal(text: str, only: Collection[str] | None = None) -> str:
    """Replace phone numbers, e-mails, ID numbers and vehicle plates with ``MASK``; the rest stays as written.
    With ``only``, mask just the data whose canonical value is in it (see ``personal_values``)."""
    text = text or ""
    spans: list[list[int]] = []
    for f in find_personal(text):
        if only is not None and f.value not in only:
            continue
        if spans and f.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], f.end)
        else:
            spans.append([f.start, f.end])
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], MASK]
        last = end
    out.append(text[last:])
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, never ending inside personal data: a cut phone number is too short for the
    masker to recognise."""
    if len(text) <= limit:
        return text
    cut = limit
    for found in find_personal(text):
        if found.start < cut < found.end:
            cut = found.start
    return text[:cut].rstrip()


# --- folding and search tokens --------------------------------------------------------------------


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


def clean(text: str | None) -> str:
    """NFC-normalise, drop control characters except line breaks, trim."""
    value = unicodedata.normalize("NFC", text or "")
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return value.strip()
