"""Crypto helpers for passkeys, the wallet and signing: base64url, JWS ES256 and JWKs (through ``joserfc``),
sealing.

Only ES256 (ECDSA P-256 + SHA-256) is produced or accepted, and only P-256 public JWKs. Signatures are raw
r||s (IEEE P1363), as JWS requires and as WebCrypto outputs. Every failure, joserfc's included, is a
``JoseError`` with an i18n code.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import errors as joserfc_errors
from joserfc import jws
from joserfc.jwk import ECKey

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


# --- keys and JWKs (joserfc) ---------------------------------------------------------------------

# joserfc raises its own JoseError (not a ValueError) and, for bad key material, ValueError or TypeError;
# our JoseError is a ValueError.
_JOSERFC_FAILURES = (joserfc_errors.JoseError, ValueError, TypeError, KeyError)


def new_p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> dict[str, str]:
    pub = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    if not isinstance(pub.curve, ec.SECP256R1):
        raise ValueError("not a P-256 key")
    exported = ECKey.import_key(pub).as_dict(private=False)
    # our member order, so that payloads embedding the JWK (cnf, proofs) keep their bytes
    return {"kty": "EC", "crv": "P-256", "x": exported["x"], "y": exported["y"]}


def _p256_jwk(jwk: Any) -> ECKey:
    """A joserfc key for a public EC P-256 JWK; joserfc alone would accept another "kty", a private "d" or
    short coordinates, so those are refused here first."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
        raise JoseError("identity.verify.bad_key")
    x, y = jwk.get("x"), jwk.get("y")
    if not isinstance(x, str) or not isinstance(y, str):
        raise JoseError("identity.verify.bad_key")
    try:
        if len(b64u_decode(x)) != _P256_LEN or len(b64u_decode(y)) != _P256_LEN:
            raise JoseError("identity.verify.bad_key")
        key = ECKey.import_key({"kty": "EC", "crv": "P-256", "x": x, "y": y})
        key.public_key  # noqa: B018 -- joserfc loads (and checks the point is on the curve) lazily
    except _JOSERFC_FAILURES as exc:
        raise JoseError("identity.verify.bad_key") from exc
    return key


def jwk_to_public_key(jwk: Any) -> ec.EllipticCurvePublicKey:
    """Accept only a public EC P-256 JWK with well-formed coordinates on the curve."""
    return _p256_jwk(jwk).public_key


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of an EC P-256 public JWK."""
    return _p256_jwk(jwk).thumbprint()


# --- JWS ES256 (joserfc, ES256 only) ------------------------------------------------------------

_ES256_ONLY = jws.JWSRegistry(algorithms=[ES256])
_ES256_ALG = _ES256_ONLY.get_alg(ES256)


def _ec_key(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> ECKey:
    if not isinstance(key.curve, ec.SECP256R1):
        raise JoseError("identity.verify.bad_key")
    return ECKey.import_key(key)


def sign_es256(key: ec.EllipticCurvePrivateKey, signing_input: bytes) -> bytes:
    """Raw r||s (IEEE P1363) ES256 signature, as JWS requires and as WebCrypto outputs."""
    return _ES256_ALG.sign(signing_input, _ec_key(key))


def verify_es256(key: ec.EllipticCurvePublicKey, signing_input: bytes, signature: bytes) -> bool:
    try:
        return bool(_ES256_ALG.verify(signing_input, signature, _ec_key(key)))
    except _JOSERFC_FAILURES:
        return False


def jws_encode(header: dict[str, Any], payload: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> str:
    """Compact JWS; the payload is our compact JSON (non-ASCII kept as UTF-8), the header joserfc's (ASCII)."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return jws.serialize_compact(dict(header), body, _ec_key(key), registry=_ES256_ONLY)


def jws_parse(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Split a compact JWS into (header, payload, signing input, signature) without verifying."""
    if not isinstance(token, str) or token.count(".") != 2 or not all(token.split(".")[:2]):
        raise JoseError("identity.verify.malformed")
    try:
        obj = jws.extract_compact(token.encode("ascii"), registry=_ES256_ONLY)
        header, payload = obj.headers(), json.loads(obj.payload)
        signature = b64u_decode(obj.segments["signature"].decode("ascii"))
    except _JOSERFC_FAILURES as exc:
        raise JoseError("identity.verify.malformed") from exc
    # "b64": false (RFC 7797) would change what the payload segment means: never ours
    if not isinstance(header, dict) or not isinstance(payload, dict) or "b64" in header:
        raise JoseError("identity.verify.malformed")
    return header, payload, obj.segments["header"] + b"." + obj.segments["payload"], signature


def jws_verify(token: str, key: ec.EllipticCurvePublicKey, typ: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a compact JWS signed with ES256 by ``key`` and of type ``typ``; JoseError otherwise.

    joserfc refuses every other "alg" ("none" and HS256 included), an unknown "crit" and unregistered header
    members."""
    header, payload, _, _ = jws_parse(token)
    if header.get("alg") != ES256 or header.get("typ") != typ:
        raise JoseError("identity.verify.malformed")
    try:
        jws.deserialize_compact(token, _ec_key(key), registry=_ES256_ONLY)
    except _JOSERFC_FAILURES as exc:
        raise JoseError("identity.verify.bad_signature") from exc
    return header, payload


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
