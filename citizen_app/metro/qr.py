"""The signed Line 1 ticket and the phone's rotating device proof (pure Python, no database).

Layout (big-endian), 60-byte body + 64-byte Ed25519 issuer signature + 68-byte device proof = 192 bytes,
Base45-encoded (RFC 9285) behind the ``MT1:`` prefix: 292 alphanumeric characters, QR version 10 at ECC M.

====== =====  ============================================================
offset bytes  field
====== =====  ============================================================
0      1      format version (1)
1      2      issuer key id (kid)
3      12     ticket id (96-bit random, no personal data)
15     1      product code (data/metro/metro.json)
16     1      rider category code
17     1      origin station index (0 = any station)
18     1      destination station index (0 = any station)
19     4      valid_from, Unix seconds
23     4      valid_until, Unix seconds
27     33     device public key, P-256 compressed point
60     64     Ed25519 signature of bytes 0..59
124    4      proof time, Unix seconds (phone clock)
128    64     ECDSA P-256 / SHA-256 signature (r||s, WebCrypto format) of b"MT1P" + ticket id + proof time
====== =====  ============================================================
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from citizen_app.core.encoding import b45decode, b45encode

PREFIX = "MT1:"
VERSION = 1
BODY = struct.Struct(">BH12sBBBBII33s")
BODY_LEN = BODY.size  # 60
TICKET_LEN = BODY_LEN + 64
SCAN_LEN = TICKET_LEN + 4 + 64
PROOF_DOMAIN = b"MT1P"
_ECDSA = ec.ECDSA(hashes.SHA256())


# --- ticket body -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketBody:
    kid: int
    tid: bytes
    product_code: int
    category_code: int
    origin: int
    destination: int
    valid_from: int
    valid_until: int
    device_key: bytes  # 33-byte compressed P-256 point

    @property
    def tid_hex(self) -> str:
        return self.tid.hex()

    def pack(self) -> bytes:
        return BODY.pack(VERSION, self.kid, self.tid, self.product_code, self.category_code, self.origin,
                         self.destination, self.valid_from, self.valid_until, self.device_key)


@dataclass(frozen=True)
class Scan:
    """A decoded QR: ticket body, issuer signature and device proof (nothing verified yet)."""

    body: TicketBody
    signed: bytes  # the 60 body bytes as received
    issuer_sig: bytes
    proof_time: int
    proof_sig: bytes


def unpack_body(raw: bytes) -> TicketBody | None:
    if len(raw) != BODY_LEN or raw[0] != VERSION:
        return None
    _v, kid, tid, product, category, origin, dest, start, end, key = BODY.unpack(raw)
    if key[0] not in (2, 3):
        return None
    return TicketBody(kid, tid, product, category, origin, dest, start, end, key)


def sign_ticket(body: TicketBody, key: Ed25519PrivateKey) -> bytes:
    raw = body.pack()
    return raw + key.sign(raw)


def ticket_to_text(signed_ticket: bytes) -> str:
    """What the server hands to the phone: the signed ticket (no proof yet), Base45."""
    return b45encode(signed_ticket)


def parse_scan(text: str) -> Scan | None:
    """Decode a scanned QR text. Returns ``None`` on any structural failure (never raises)."""
    if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) > 400:
        return None
    try:
        raw = b45decode(text[len(PREFIX):])
    except ValueError:
        return None
    if len(raw) != SCAN_LEN:
        return None
    body = unpack_body(raw[:BODY_LEN])
    if body is None:
        return None
    (proof_time,) = struct.unpack(">I", raw[TICKET_LEN:TICKET_LEN + 4])
    return Scan(body, raw[:BODY_LEN], raw[BODY_LEN:TICKET_LEN], proof_time, raw[TICKET_LEN + 4:])


def verify_issuer(scan: Scan, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(scan.issuer_sig, scan.signed)
    except InvalidSignature:
        return False
    return True


# --- device proof ------------------------------------------------------------------------------


def proof_message(tid: bytes, proof_time: int) -> bytes:
    return PROOF_DOMAIN + tid + struct.pack(">I", proof_time)


@lru_cache(maxsize=8192)
def device_public_key(compressed: bytes) -> ec.EllipticCurvePublicKey | None:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), compressed)
    except ValueError:
        return None


def verify_device_proof(scan: Scan) -> bool:
    key = device_public_key(scan.body.device_key)
    if key is None:
        return False
    r, s = int.from_bytes(scan.proof_sig[:32], "big"), int.from_bytes(scan.proof_sig[32:], "big")
    if r <= 0 or s <= 0:
        return False
    try:
        key.verify(encode_dss_signature(r, s), proof_message(scan.body.tid, scan.proof_time), _ECDSA)
    except InvalidSignature:
        return False
    return True


def compress_public_key(key: ec.EllipticCurvePublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def sign_device_proof(private_key: ec.EllipticCurvePrivateKey, tid: bytes, proof_time: int) -> bytes:
    """What the phone does (ticket.js uses WebCrypto): raw r||s over the proof message."""
    der = private_key.sign(proof_message(tid, proof_time), _ECDSA)
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def scan_text(signed_ticket: bytes, private_key: ec.EllipticCurvePrivateKey, proof_time: int) -> str:
    """Ticket + fresh device proof, as the phone's QR shows it. Test and benchmark helper (simulated phone)."""
    tid = signed_ticket[3:15]
    proof = struct.pack(">I", proof_time) + sign_device_proof(private_key, tid, proof_time)
    return PREFIX + b45encode(signed_ticket + proof)


def render_qr_png(text: str, box_size: int = 6) -> bytes:
    """PNG of the QR at ECC M with the 4-module quiet zone (server-side rendering, used in tests)."""
    from citizen_app.core.qr import qr_png

    return qr_png(text, box_size)


def qr_version(text: str) -> int:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    return int(code.version)
