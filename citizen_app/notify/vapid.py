"""The application's VAPID key pair (RFC 8292).

The private key comes from ``VAPID_PRIVATE_PEM`` if set, otherwise it is generated once into
``instance_dir()/vapid_private.pem`` (mode 0600, git-ignored, never committed). Creation is atomic
(write a temp file, then ``os.link``), so concurrent workers all end up with the same key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from citizen_app.core.config import instance_dir, settings
from citizen_app.core.encoding import b64url_encode

KEY_FILE = "vapid_private.pem"


def _key_path() -> Path:
    return instance_dir() / KEY_FILE


def _create_key_file(path: Path) -> None:
    vapid = Vapid()
    vapid.generate_keys()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(vapid.private_pem())
        with contextlib.suppress(FileExistsError):  # another process won the race: keep its key
            os.link(tmp, path)  # atomic
    finally:
        tmp.unlink(missing_ok=True)


def _load_pem() -> bytes:
    from_env = os.environ.get("VAPID_PRIVATE_PEM")
    if from_env:
        return from_env.replace("\\n", "\n").encode()
    path = _key_path()
    if not path.exists():
        _create_key_file(path)
    return path.read_bytes()


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
