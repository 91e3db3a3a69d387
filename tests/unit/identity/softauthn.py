"""A software WebAuthn authenticator (P-256, "none" or "packed" self-attestation) for tests."""

from __future__ import annotations

import hashlib
import json
import secrets
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from citizen_app.identity.crypto import b64u, b64u_decode

FLAG_UP, FLAG_UV, FLAG_BE, FLAG_BS, FLAG_AT = 0x01, 0x04, 0x08, 0x10, 0x40


class SoftAuthenticator:
    def __init__(self, rp_id: str, origin: str, *, fmt: str = "none", user_verified: bool = True) -> None:
        self.rp_id, self.origin, self.fmt, self.user_verified = rp_id, origin, fmt, user_verified
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0

    def _flags(self, extra: int = 0) -> int:
        return FLAG_UP | (FLAG_UV if self.user_verified else 0) | extra

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options_json: str) -> dict:
        options = json.loads(options_json)
        client_data = self._client_data("webauthn.create", options["challenge"])
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([self._flags(FLAG_AT)])
                     + struct.pack(">I", self.counter) + b"\x00" * 16
                     + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key())
        if self.fmt == "packed":
            sig = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
            att_stmt = {"alg": -7, "sig": sig}
        else:
            att_stmt = {}
        attestation = cbor2.dumps({"fmt": self.fmt, "attStmt": att_stmt, "authData": auth_data})
        return {"id": b64u(self.credential_id), "rawId": b64u(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation),
                             "transports": ["internal"]},
                "clientExtensionResults": {}, "authenticatorAttachment": "platform"}

    def get(self, options_json: str | None = None, *, challenge: bytes | None = None) -> dict:
        chal = b64u(challenge) if challenge is not None else json.loads(options_json or "{}")["challenge"]
        self.counter += 1
        client_data = self._client_data("webauthn.get", chal)
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([self._flags()])
                     + struct.pack(">I", self.counter))
        sig = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64u(self.credential_id), "rawId": b64u(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64u(client_data), "authenticatorData": b64u(auth_data),
                             "signature": b64u(sig), "userHandle": None},
                "clientExtensionResults": {}, "authenticatorAttachment": "platform"}


def challenge_of(options_json: str) -> bytes:
    return b64u_decode(json.loads(options_json)["challenge"])
