"""Keys: one per purpose derived from ``SECRET_KEY``, and key files created once, atomically.

``load_or_create(path, make)`` is how every key or secret kept in the instance folder comes to exist: the new
bytes are written to a private temporary file and hard-linked into place, so two workers starting together
either win the race or read the winner's complete file, never an empty or half-written one.
``create_folder_once(folder, fill)`` does the same for a set of files that belong together (the dev CA).


``derive_key("identity.recovery.code")`` is HKDF-SHA256 (RFC 5869) over ``SECRET_KEY`` with this module's fixed
salt and the purpose's label as ``info``: a key for one purpose tells nothing about the key of another or about
``SECRET_KEY`` itself. The label is part of the key: renaming a label changes its key exactly as rotating
``SECRET_KEY`` would (what that breaks, purpose by purpose, is in docs/DEPLOY.md, "Key management").
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SALT = b"cong-dan-so/keystore/v1"
KEY_BYTES = 32
_LABEL = re.compile(r"[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+")  # "<package>.<what>", e.g. "identity.oidc.flow-cookie"


def derive_key(purpose: str, secret_key: str | None = None) -> bytes:
    """The 32-byte key of ``purpose``, the same for as long as ``SECRET_KEY`` stays the same (``secret_key``:
    another settings object's secret instead of the app's)."""
    if not _LABEL.fullmatch(purpose):
        raise ValueError(f"key purpose {purpose!r} is not a label like 'identity.oidc.flow-cookie'")
    if secret_key is None:
        from citizen_app.core.config import settings  # config creates SECRET_KEY's file with load_or_create

        secret_key = settings().secret_key
    return _derive(secret_key, purpose)


@lru_cache(maxsize=32)
def _derive(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=SALT, info=purpose.encode())
    return hkdf.derive(secret.encode())


def load_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes kept in ``path`` (mode 0600), made by ``make()`` and stored on first use."""
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: its file is as good
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def create_folder_once(folder: Path, fill: Callable[[Path], None]) -> Path:
    """``folder`` filled by ``fill(tmp)`` in a private temporary folder renamed into place, once."""
    if folder.is_dir():
        return folder
    tmp = folder.with_name(f".{folder.name}-{secrets.token_hex(4)}")
    tmp.mkdir(mode=0o700, parents=True)
    try:
        fill(tmp)
        with contextlib.suppress(OSError):  # another process renamed its folder first
            os.rename(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return folder
