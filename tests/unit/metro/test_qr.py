from __future__ import annotations

import io
import struct

import zxingcpp
from PIL import Image

from citizen_app.core.encoding import b45decode
from citizen_app.metro import qr
from citizen_app.metro.catalog import data
from citizen_app.metro.gate import ScanRejected, TicketVerifier
from citizen_app.metro.keys import active_issuer_key, issuer_public_keys
from citizen_app.metro.phone import SimulatedPhone

T0 = 1_773_108_000  # 2026-03-10 02:00 UTC


def _payload(phone: SimulatedPhone, product: int = 1, origin: int = 1, dest: int = 8) -> str:
    kid, key = active_issuer_key()
    raw = phone.device_key + "=" * (-len(phone.device_key) % 4)
    import base64

    body = qr.TicketBody(kid, bytes(range(12)), product, 1, origin, dest, T0 - 60, T0 + 3600,
                         base64.urlsafe_b64decode(raw))
    return qr.ticket_to_text(qr.sign_ticket(body, key))


def test_scan_is_192_bytes_and_qr_version_at_most_10_ecc_m() -> None:
    phone = SimulatedPhone()
    text = phone.qr_text(_payload(phone), T0)
    assert len(text) == len(qr.PREFIX) + 288
    assert qr.qr_version(text) <= 10


def test_png_decodes_with_zxing_and_validates() -> None:
    phone = SimulatedPhone()
    text = phone.qr_text(_payload(phone), T0)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.render_qr_png(text))))
    assert len(results) == 1
    result = results[0]
    assert result.text == text
    assert result.ec_level == "M" and int(result.extra["Version"]) <= 10
    verifier = TicketVerifier(data(), issuer_public_keys())
    ticket = verifier.verify(result.text, "L1-01", "in", T0)
    assert ticket.origin == "L1-01" and ticket.destination == "L1-08" and ticket.product.id == "single"


def _verify(text: str, now: int = T0, station: str = "L1-01") -> str:
    try:
        TicketVerifier(data(), issuer_public_keys()).verify(text, station, "in", now)
    except ScanRejected as rejected:
        return rejected.reason
    return "ok"


def test_rejections_have_reason_codes() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    phone = SimulatedPhone()
    payload = _payload(phone)
    good = phone.qr_text(payload, T0)
    assert _verify(good) == "ok"
    assert _verify("garbage") == "malformed"
    assert _verify(good[:-30]) == "malformed"
    assert _verify(good, now=T0 + 31) == "proof_stale"
    assert _verify(phone.qr_text(payload, T0 - 3600 * 3), now=T0 + 7200) == "expired"
    assert _verify(good, station="L2-03") == "wrong_line"
    # re-signed with another key under the same kid
    raw = b45decode(payload)
    forged = raw[:60] + Ed25519PrivateKey.generate().sign(raw[:60])
    assert _verify(phone.qr_text(qr.ticket_to_text(forged), T0)) == "bad_signature"
    # another phone's proof (screenshot of the ticket, proof made elsewhere)
    other = SimulatedPhone()
    assert _verify(other.qr_text(payload, T0)) == "bad_device_proof"
    # unknown kid
    tampered = bytearray(raw)
    tampered[1:3] = struct.pack(">H", 999)
    assert _verify(phone.qr_text(qr.ticket_to_text(bytes(tampered)), T0)) == "unknown_key"


def test_ticket_for_another_line_station_index_refused() -> None:
    phone = SimulatedPhone()
    assert _verify(phone.qr_text(_payload(phone, origin=20), T0)) == "wrong_line"
