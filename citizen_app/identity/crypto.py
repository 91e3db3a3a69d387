"""Small, audited-by-eye crypto helpers for passkeys, the wallet and signing: base64url, JWS ES256, JWKs,
sealing.

Only ES256 (ECDSA P-256 + SHA-256) is produced. Signatures are raw r||s (IEEE P1363), as JWS
requires and as WebCrypto outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from citizen_app.core.config import instance_dir
from citizen_app.core.encoding import b64url_decode
from citizen_app.core.encoding import b64url_encode as b64u
from citizen_app.core.keystore import load_or_create

ES256 = "ES256"
_P256_LEN = 32


class JoseError(ValueError):
    """A JOSE object is malformed or its signature is wrong. ``code`` is an i18n key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def b64u_decode(text: str) -> bytes:
    try:
        return b64url_decode(text)
    except ValueError as exc:
        raise JoseError("identity.verify.malformed") from exc


def json_b64(obj: Any) -> str:
    return b64u(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def epoch(value: datetime) -> int:
    """Seconds since 1970 for an aware datetime (naive values are taken as UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return int(aware.timestamp())


def sha256_b64u(text: str) -> str:
    return b64u(hashlib.sha256(text.encode("ascii")).digest())


# --- keys and JWKs ------------------------------------------------------------------------------


def new_p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> dict[str, str]:
    pub = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    numbers = pub.public_numbers()
    return {"kty": "EC", "crv": "P-256",
            "x": b64u(numbers.x.to_bytes(_P256_LEN, "big")), "y": b64u(numbers.y.to_bytes(_P256_LEN, "big"))}


def jwk_to_public_key(jwk: Any) -> ec.EllipticCurvePublicKey:
    """Accept only a public EC P-256 JWK with well-formed coordinates on the curve."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
        raise JoseError("identity.verify.bad_key")
    try:
        x, y = b64u_decode(jwk["x"]), b64u_decode(jwk["y"])
    except (KeyError, JoseError) as exc:
        raise JoseError("identity.verify.bad_key") from exc
    if len(x) != _P256_LEN or len(y) != _P256_LEN:
        raise JoseError("identity.verify.bad_key")
    try:
        return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                             ec.SECP256R1()).public_key()
    except ValueError as exc:  # not on the curve
        raise JoseError("identity.verify.bad_key") from exc


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of an EC public JWK."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    return b64u(hashlib.sha256(canonical.encode()).digest())


# --- JWS ES256 ----------------------------------------------------------------------------------


def sign_es256(key: ec.EllipticCurvePrivateKey, signing_input: bytes) -> bytes:
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(_P256_LEN, "big") + s.to_bytes(_P256_LEN, "big")


def verify_es256(key: ec.EllipticCurvePublicKey, signing_input: bytes, signature: bytes) -> bool:
    if len(signature) != 2 * _P256_LEN:
        return False
    der = encode_dss_signature(int.from_bytes(signature[:_P256_LEN], "big"),
                               int.from_bytes(signature[_P256_LEN:], "big"))
    try:
        key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def jws_encode(header: dict[str, Any], payload: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> str:
    signing_input = f"{json_b64(header)}.{json_b64(payload)}"
    return f"{signing_input}.{b64u(sign_es256(key, signing_input.encode('ascii')))}"


def jws_parse(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Split a compact JWS into (header, payload, signing input, signature) without verifying."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or not all(parts[:2]):
        raise JoseError("identity.verify.malformed")
    try:
        header = json.loads(b64u_decode(parts[0]))
        payload = json.loads(b64u_decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise JoseError("identity.verify.malformed") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JoseError("identity.verify.malformed")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), b64u_decode(parts[2])


# --- keys kept in the instance folder and sealed secrets ------------------------------------------


def load_or_create_p256(name: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 key kept as PEM in instance/<name>, generated on first use."""
    path = instance_dir() / name
    loaded = serialization.load_pem_private_key(load_or_create(path, lambda: private_key_pem(new_p256_key())),
                                                password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise RuntimeError(f"{path} is not an EC key")
    return loaded


@lru_cache(maxsize=1)
def _seal_key() -> bytes:
    env = os.environ.get("WALLET_SEAL_KEY")
    if env:
        return hashlib.sha256(env.encode()).digest()
    return load_or_create(instance_dir() / "wallet_seal_key", lambda: secrets.token_bytes(32))


def seal(data: bytes, context: str) -> str:
    """AES-256-GCM with a random nonce; ``context`` (e.g. "cert:7") is bound as associated data."""
    nonce = secrets.token_bytes(12)
    return b64u(nonce + AESGCM(_seal_key()).encrypt(nonce, data, context.encode()))


def unseal(token: str, context: str) -> bytes:
    raw = b64u_decode(token)
    return AESGCM(_seal_key()).decrypt(raw[:12], raw[12:], context.encode())


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_pem(pem: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("not an EC key")
    return key
