"""Who we are as a credential issuer: the identifier, the ES256 key and its published JWKS."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from citizen_app.core.config import settings
from citizen_app.identity.crypto import jwk_thumbprint, load_or_create_p256, public_jwk

ISSUER_KEY_FILE = "identity_issuer_es256.pem"
STATUS_PATH = "/api/identity/status/"
# Short vct values keep presentations small enough for a readable QR code.
VCT_PREFIX = "urn:cds:"


def issuer_id() -> str:
    """The ``iss`` value: our public origin (metadata sits at /.well-known/jwt-vc-issuer)."""
    return os.environ.get("WALLET_ISSUER") or settings().public_url


@lru_cache(maxsize=1)
def issuer_key() -> ec.EllipticCurvePrivateKey:
    return load_or_create_p256(ISSUER_KEY_FILE)


def issuer_kid() -> str:
    """A short key id (first 8 characters of the RFC 7638 thumbprint)."""
    return jwk_thumbprint(public_jwk(issuer_key()))[:8]


def issuer_jwks() -> dict[str, Any]:
    jwk = {**public_jwk(issuer_key()), "kid": issuer_kid(), "use": "sig", "alg": "ES256"}
    return {"keys": [jwk]}


def issuer_metadata() -> dict[str, Any]:
    return {"issuer": issuer_id(), "jwks": issuer_jwks()}


def status_list_uri(list_id: str) -> str:
    return f"{issuer_id()}{STATUS_PATH}{list_id}"
