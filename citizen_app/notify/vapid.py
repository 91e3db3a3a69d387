"""The application's VAPID key pair (RFC 8292).

The private key comes from ``VAPID_PRIVATE_PEM`` if set, otherwise it is generated once into
``instance_dir()/vapid_private.pem`` (mode 0600, git-ignored, never committed). Creation is atomic
(write a temp file, then ``os.link``), so concurrent workers all end up with the same key.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from citizen_app.core.config import instance_dir, settings
from citizen_app.core.encoding import b64url_encode
from citizen_app.core.keystore import load_or_create

KEY_FILE = "vapid_private.pem"


def _key_path() -> Path:
    return instance_dir() / KEY_FILE


def _new_private_pem() -> bytes:
    vapid = Vapid()
    vapid.generate_keys()
    return vapid.private_pem()


def _load_pem() -> bytes:
    from_env = os.environ.get("VAPID_PRIVATE_PEM")
    if from_env:
        return from_env.replace("\\n", "\n").encode()
    return load_or_create(_key_path(), _new_private_pem)


@lru_cache(maxsize=1)
def vapid_key() -> Vapid:
    return Vapid.from_pem(_load_pem())


def public_key_b64(vapid: Vapid | None = None) -> str:
    """The ``applicationServerKey`` for ``pushManager.subscribe``: unpadded base64url of the raw point."""
    key = (vapid or vapid_key()).public_key
    return b64url_encode(key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def vapid_subject() -> str:
    """The ``sub`` claim: ``VAPID_SUBJECT`` (mailto: or https:), else the public https URL."""
    configured = os.environ.get("VAPID_SUBJECT")
    if configured:
        return configured
    public_url = settings().public_url
    return public_url if public_url.startswith("https://") else "mailto:webpush@localhost"


def reset_cache() -> None:
    """For tests that swap INSTANCE_DIR or VAPID_PRIVATE_PEM."""
    vapid_key.cache_clear()
