"""One key per purpose, derived from ``SECRET_KEY``: no two uses of the app secret share a key.

``derive_key("identity.recovery.code")`` is HKDF-SHA256 (RFC 5869) over ``SECRET_KEY`` with this module's fixed
salt and the purpose's label as ``info``: a key for one purpose tells nothing about the key of another or about
``SECRET_KEY`` itself. The label is part of the key: renaming a label changes its key exactly as rotating
``SECRET_KEY`` would (what that breaks, purpose by purpose, is in docs/DEPLOY.md, "Key management").
"""

from __future__ import annotations

import re
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from citizen_app.core.config import settings

SALT = b"cong-dan-so/keystore/v1"
KEY_BYTES = 32
_LABEL = re.compile(r"[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+")  # "<package>.<what>", e.g. "identity.oidc.flow-cookie"


def derive_key(purpose: str, secret_key: str | None = None) -> bytes:
    """The 32-byte key of ``purpose``, the same for as long as ``SECRET_KEY`` stays the same (``secret_key``:
    another settings object's secret instead of the app's)."""
    if not _LABEL.fullmatch(purpose):
        raise ValueError(f"key purpose {purpose!r} is not a label like 'identity.oidc.flow-cookie'")
    return _derive(settings().secret_key if secret_key is None else secret_key, purpose)


@lru_cache(maxsize=32)
def _derive(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=SALT, info=purpose.encode())
    return hkdf.derive(secret.encode())
