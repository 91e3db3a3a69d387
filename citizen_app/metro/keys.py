"""Issuer signing keys (Ed25519), generated on first use into the git-ignored instance folder.

Files: ``instance/metro_issuer/<kid>.pem`` (PKCS#8, mode 0600). Older keys stay published until their tickets
have expired. Gates only ever receive public keys (``/api/metro/keys.json`` and the gates' pull), so a stolen gate
cannot mint tickets.

Rotation (:func:`rotate_issuer_key`, the operator console's "publish a new signing key") is staged: the new key is
published at once but signs tickets only ``SIGNING_LEAD`` after its file was written, so gates (which pull every
few seconds while online) hold it before the first ticket needing it reaches them. Every process re-lists the key
folder at most every ``RELIST_SECONDS``, so a key written by another worker is published and verified there too.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from citizen_app.core.config import instance_dir
from citizen_app.core.encoding import b64url_decode, b64url_encode
from citizen_app.core.keystore import load_or_create

_LOCK = threading.Lock()
SIGNING_LEAD = timedelta(hours=1)
RELIST_SECONDS = 30.0
_listing: dict[str, object] = {"at": -RELIST_SECONDS, "kids": ()}


def _key_dir() -> Path:
    path = instance_dir() / "metro_issuer"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_new_key(kid: int) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    load_or_create(_key_dir() / f"{kid}.pem", lambda: pem)


def _kids() -> list[int]:
    return sorted(int(p.stem) for p in _key_dir().glob("*.pem") if p.stem.isdigit())


def _current_kids() -> tuple[int, ...]:
    """The kids on disk, listed again at most every ``RELIST_SECONDS`` (and at once when there is none yet)."""
    now = time.monotonic()
    if not _listing["kids"] or now - float(_listing["at"]) >= RELIST_SECONDS:  # type: ignore[arg-type]
        with _LOCK:
            if not _kids():
                _write_new_key(1)
            _listing.update(at=now, kids=tuple(_kids()))
    return _listing["kids"]  # type: ignore[return-value]


@lru_cache(maxsize=4)
def _load(kids: tuple[int, ...]) -> dict[int, tuple[Ed25519PrivateKey, datetime]]:
    keys: dict[int, tuple[Ed25519PrivateKey, datetime]] = {}
    for kid in kids:
        path = _key_dir() / f"{kid}.pem"
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, Ed25519PrivateKey):
            keys[kid] = (key, datetime.fromtimestamp(path.stat().st_mtime, UTC))
    return keys


def published_kids() -> tuple[int, ...]:
    """The published key ids (cheap: on every gate decision)."""
    return _current_kids()


def _private_keys() -> dict[int, tuple[Ed25519PrivateKey, datetime]]:
    return _load(_current_kids())


def active_issuer_key(now: datetime | None = None) -> tuple[int, Ed25519PrivateKey]:
    """The key that signs new tickets: the newest one published at least ``SIGNING_LEAD`` ago (the first key at
    once: there is nothing older)."""
    keys = _private_keys()
    moment = now or datetime.now(UTC)
    ready = [kid for kid, (_key, written) in keys.items() if written + SIGNING_LEAD <= moment]
    kid = max(ready) if ready else min(keys)
    return kid, keys[kid][0]


def signing_from(kid: int) -> datetime | None:
    """When ``kid`` starts (or started) signing tickets."""
    entry = _private_keys().get(kid)
    if entry is None:
        return None
    return entry[1] + SIGNING_LEAD if kid != min(_private_keys()) else entry[1]


def issuer_public_keys() -> dict[int, Ed25519PublicKey]:
    return {kid: key.public_key() for kid, (key, _written) in _private_keys().items()}


def key_version() -> int:
    """The newest published kid: what a gate that pulled everything holds."""
    return max(_private_keys())


def rotate_issuer_key() -> int:
    """Write the next key and publish it; it signs tickets from ``SIGNING_LEAD`` on. Returns its kid."""
    with _LOCK:
        kid = (max(_kids()) if _kids() else 0) + 1
        if kid > 0xFFFF:
            raise ValueError("kid space exhausted")
        _write_new_key(kid)
    reset_cache()
    return kid


def reset_cache() -> None:
    """Forget loaded keys and list the folder again (tests that switch INSTANCE_DIR, a rotation)."""
    _load.cache_clear()
    _listing.update(at=-RELIST_SECONDS, kids=())


def jwks() -> dict:
    """Public keys as a JWK Set (RFC 8037 OKP/Ed25519), ``kid`` as a decimal string."""
    keys = []
    for kid, public in sorted(issuer_public_keys().items()):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys.append({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": str(kid),
                     "x": b64url_encode(raw)})
    return {"keys": keys}


def public_keys_from_jwks(document: dict) -> dict[int, Ed25519PublicKey]:
    """What an offline gate does with the downloaded ``keys.json``."""
    keys: dict[int, Ed25519PublicKey] = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            raw = b64url_decode(jwk["x"])
            keys[int(jwk["kid"])] = Ed25519PublicKey.from_public_bytes(raw)
    return keys
