"""Issuer signing keys (Ed25519), generated on first use into the git-ignored instance folder.

Files: ``instance/metro_issuer/<kid>.pem`` (PKCS#8, mode 0600). The highest kid signs new tickets; older
keys stay published until their tickets have expired (rotation via :func:`rotate_issuer_key`).
Gates only ever receive public keys (``/api/metro/keys.json``), so a stolen gate cannot mint tickets.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from citizen_app.core.config import instance_dir
from citizen_app.core.encoding import b64url_decode, b64url_encode
from citizen_app.core.keystore import load_or_create

_LOCK = threading.Lock()


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


@lru_cache(maxsize=1)
def _private_keys() -> dict[int, Ed25519PrivateKey]:
    with _LOCK:
        if not _kids():
            _write_new_key(1)
        keys: dict[int, Ed25519PrivateKey] = {}
        for kid in _kids():
            key = serialization.load_pem_private_key((_key_dir() / f"{kid}.pem").read_bytes(), password=None)
            if isinstance(key, Ed25519PrivateKey):
                keys[kid] = key
        return keys


def active_issuer_key() -> tuple[int, Ed25519PrivateKey]:
    keys = _private_keys()
    kid = max(keys)
    return kid, keys[kid]


def issuer_public_keys() -> dict[int, Ed25519PublicKey]:
    return {kid: key.public_key() for kid, key in _private_keys().items()}


def rotate_issuer_key() -> int:
    """Create the next key; it signs new tickets from now on. Returns its kid."""
    kid = (max(_kids()) if _kids() else 0) + 1
    if kid > 0xFFFF:
        raise ValueError("kid space exhausted")
    _write_new_key(kid)
    _private_keys.cache_clear()
    return kid


def reset_cache() -> None:
    """Forget loaded keys (tests that switch INSTANCE_DIR)."""
    _private_keys.cache_clear()


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
