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


def canonical_query(params: Mapping[str, object]) -> str:
    items = sorted((k, str(v)) for k, v in params.items()
                   if k.startswith(PREFIX) and k not in _UNSIGNED and v is not None and str(v) != "")
    return "&".join(f"{k}={quote_plus(v)}" for k, v in items)


def sign(params: Mapping[str, object], secret: str) -> str:
    return hmac.new(secret.encode(), canonical_query(params).encode(), hashlib.sha512).hexdigest()


def verify(params: Mapping[str, object], secret: str) -> bool:
    given = str(params.get(HASH_FIELD) or "").lower()
    if len(given) != 128:
        return False
    return hmac.compare_digest(given, sign(params, secret))


def signed_query(params: Mapping[str, object], secret: str) -> str:
    """The query string to put after ``?``: the canonical query plus its signature."""
    return f"{canonical_query(params)}&{HASH_FIELD}={sign(params, secret)}"
