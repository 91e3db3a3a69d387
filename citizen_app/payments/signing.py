"""Gateway message signing as Vietnamese gateways (VNPay 2.1.0 style) do it.

The canonical string is every ``vnp_*`` parameter except the hash fields, with a non-empty value, sorted by
name, each ``name=quote_plus(value)``, joined by ``&``. The signature is HMAC-SHA512 over it, in hex.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote_plus

PREFIX = "vnp_"
HASH_FIELD = "vnp_SecureHash"
_UNSIGNED = frozenset({HASH_FIELD, "vnp_SecureHashType"})


def utf8(text: str) -> bytes:
    """Bytes to sign or compare. A forged message may hold a lone surrogate (no gateway sends one): it must not
    verify, nor crash the handler."""
    return text.encode("utf-8", "replace")


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of a received signature (any text) with the one computed."""
    return hmac.compare_digest(utf8(given), utf8(expected))


def canonical_query(params: Mapping[str, object]) -> str:
    items = sorted((k, str(v)) for k, v in params.items()
                   if k.startswith(PREFIX) and k not in _UNSIGNED and v is not None and str(v) != "")
    return "&".join(f"{k}={quote_plus(v, errors='replace')}" for k, v in items)


def sign(params: Mapping[str, object], secret: str) -> str:
    return hmac.new(utf8(secret), utf8(canonical_query(params)), hashlib.sha512).hexdigest()


def verify(params: Mapping[str, object], secret: str) -> bool:
    given = str(params.get(HASH_FIELD) or "").lower()
    if len(given) != 128:
        return False
    return same(given, sign(params, secret))


def signed_query(params: Mapping[str, object], secret: str) -> str:
    """The query string to put after ``?``: the canonical query plus its signature."""
    return f"{canonical_query(params)}&{HASH_FIELD}={sign(params, secret)}"
