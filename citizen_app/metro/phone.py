"""A simulated phone for tests and benchmarks: what ``assets/metro/ticket.js`` does with WebCrypto."""

from __future__ import annotations

import time

from cryptography.hazmat.primitives.asymmetric import ec

from citizen_app.core.encoding import b45decode, b64url_encode
from citizen_app.metro.qr import PREFIX, compress_public_key, scan_text


class SimulatedPhone:
    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())

    @property
    def device_key(self) -> str:
        """base64url compressed P-256 public key, as ticket.js sends it when buying."""
        raw = compress_public_key(self.private_key.public_key())
        return b64url_encode(raw)

    def qr_text(self, payload: str, at: int | None = None) -> str:
        """The QR content shown at time ``at`` (Unix seconds): signed ticket + fresh device proof."""
        signed = b45decode(payload.removeprefix(PREFIX))
        return scan_text(signed, self.private_key, int(time.time()) if at is None else at)
