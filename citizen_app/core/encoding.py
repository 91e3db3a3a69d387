"""Bytes as text, one implementation each: base64url (RFC 4648 §5, unpadded on output) and Base45 (RFC 9285,
through the ``base45`` library). Decoders are strict and raise ``ValueError``; callers turn that into their
own translated error."""

from __future__ import annotations

import base64
import binascii
import re

import base45

_B64URL_UNPADDED = re.compile(r"[A-Za-z0-9_-]*\Z")
_B64URL_PADDED = re.compile(r"[A-Za-z0-9_-]*={0,2}\Z")
_B45_ALPHABET = frozenset(base45.BASE45_CHARSET)


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, *, allow_padding: bool = False) -> bytes:
    """Decode base64url; ``=`` padding only when ``allow_padding`` (JOSE forbids it, Web Push keys may carry it)."""
    pattern = _B64URL_PADDED if allow_padding else _B64URL_UNPADDED
    if not isinstance(text, str) or not pattern.match(text):
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    if len(stripped) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def b45encode(data: bytes) -> str:
    return base45.b45encode(data).decode("ascii")


def b45decode(text: str) -> bytes:
    """Decode canonical Base45 only: every character from the alphabet (the library forgives a trailing newline)."""
    if not isinstance(text, str) or not _B45_ALPHABET.issuperset(text):
        raise ValueError("not base45")
    return base45.b45decode(text)
