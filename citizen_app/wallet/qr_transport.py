"""Compact QR transport for presentations: ``VP1:`` + Base45 (RFC 9285) of the zlib-compressed text.

Base45 uses the QR alphanumeric alphabet (5.5 bits per character instead of 8), and zlib removes
part of base64url's overhead, so an over-60 presentation drops from QR version 22-L to 18-L.
The decoder returns the exact original string, so signatures and ``sd_hash`` are unaffected.
Browsers produce the same bytes with ``CompressionStream("deflate")`` (see assets/wallet/wallet.js).
"""

from __future__ import annotations

import zlib

from citizen_app.core.encoding import b45decode, b45encode
from citizen_app.core.errors import DomainError

PREFIX = "VP1:"
MAX_TEXT = 8192


def encode_for_qr(presentation: str) -> str:
    return PREFIX + b45encode(zlib.compress(presentation.encode("ascii"), 9))


def decode_from_qr(text: str) -> str:
    """Accept either the compact ``VP1:`` form or a plain compact SD-JWT presentation."""
    text = (text or "").strip()
    if not text.startswith(PREFIX):
        return text
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(b45decode(text[len(PREFIX):]), MAX_TEXT + 1)
    except (ValueError, zlib.error) as exc:
        raise DomainError("identity.verify.malformed") from exc
    if len(raw) > MAX_TEXT or inflater.unconsumed_tail or not inflater.eof:
        raise DomainError("identity.verify.malformed")
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise DomainError("identity.verify.malformed") from exc
