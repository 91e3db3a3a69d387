from __future__ import annotations

import hashlib
import hmac

import pytest

from citizen_app.payments import signing, vietqr
from tests.conftest import require_module

# Published example (subiz/vietqr README): 120.000 đ to VietinBank (970415) account 0011001932418.
PUBLISHED = ("00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA53037045406120000"
             "5802VN62170813ung ho lu lut6304C15C")


def test_crc_check_value() -> None:
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1
    assert vietqr.crc16_ccitt_false(b"") == 0xFFFF


def test_published_example_crc_and_rebuild() -> None:
    assert vietqr.check_crc(PUBLISHED)
    assert vietqr.build_payload("970415", "0011001932418", 120000, "ủng hộ lũ lụt") == PUBLISHED


def test_tampered_payload_fails_crc() -> None:
    assert not vietqr.check_crc(PUBLISHED.replace("120000", "920000"))
    with pytest.raises(vietqr.VietQRError):
        vietqr.parse_payload(PUBLISHED[:-1] + "D")


def test_tlv_fields_one_by_one() -> None:
    payload = vietqr.build_payload("970436", "1234567890", 50000, "CDSABCDEFGHJK")
    root = vietqr.parse_tlv(payload)
    assert [tag for tag, _ in root] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    fields = dict(root)
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["53"] == "704" and fields["54"] == "50000" and fields["58"] == "VN"
    info = vietqr.parse_tlv(fields["38"])
    assert info == [("00", "A000000727"), ("01", "000697043601101234567890"), ("02", "QRIBFTTA")]
    assert vietqr.parse_tlv(info[1][1]) == [("00", "970436"), ("01", "1234567890")]
    assert fields["38"] == "0010A00000072701240006970436011012345678900208QRIBFTTA"
    assert vietqr.parse_tlv(fields["62"]) == [("08", "CDSABCDEFGHJK")]
    assert len(fields["63"]) == 4 and payload[-8:-4] == "6304"
    assert fields["63"] == f"{vietqr.crc16_ccitt_false(payload[:-4].encode()):04X}"


def test_static_qr_has_no_amount() -> None:
    fields = dict(vietqr.parse_tlv(vietqr.build_payload("970415", "0011001932418")))
    assert fields["01"] == "11" and "54" not in fields and "62" not in fields


def test_purpose_is_ascii_and_short() -> None:
    assert vietqr.ascii_purpose("Đóng phí — hồ sơ số 12/2026 của Bà Trần Thị Ánh") == "Dong phi ho so so 12 2026"


@pytest.mark.parametrize("args", [("97041", "1", 1), ("970415", "12-34", 1), ("970415", "1", 0), ("970415", "1", True)])
def test_bad_inputs_rejected(args: tuple) -> None:
    with pytest.raises(vietqr.VietQRError):
        vietqr.build_payload(*args)


def test_qr_renders_and_decodes() -> None:
    zxingcpp = require_module("zxingcpp")
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(vietqr.render_png(PUBLISHED)))
    decoded = zxingcpp.read_barcodes(image)
    assert decoded and decoded[0].text == PUBLISHED
    assert vietqr.render_svg(PUBLISHED).startswith("<svg")


def test_signing_matches_vnpay_canonical_form() -> None:
    params = {"vnp_TxnRef": "A 1", "vnp_Amount": "700000", "vnp_OrderInfo": "Thanh toan", "vnp_Empty": "",
              "other": "x"}
    assert signing.canonical_query(params) == "vnp_Amount=700000&vnp_OrderInfo=Thanh+toan&vnp_TxnRef=A+1"
    expected = hmac.new(b"k" * 32, signing.canonical_query(params).encode(), hashlib.sha512).hexdigest()
    assert signing.sign(params, "k" * 32) == expected
    signed = {**params, "vnp_SecureHash": expected.upper()}
    assert signing.verify(signed, "k" * 32)
    assert not signing.verify({**signed, "vnp_Amount": "700100"}, "k" * 32)
    assert not signing.verify({**signed, "vnp_SecureHash": "00"}, "k" * 32)
    assert not signing.verify(params, "k" * 32)


def test_a_signature_of_any_text_is_refused_not_crashed() -> None:
    """A forged signature of the right length in non-ASCII text (or a lone surrogate) made a 500 before."""
    from citizen_app.payments import bank, momo

    assert not signing.verify({"vnp_TxnRef": "CDS1", "vnp_SecureHash": "é" * 128}, "k" * 64)
    assert not signing.verify({"vnp_TxnRef": "\ud800", "vnp_SecureHash": "\ud800" * 128}, "k" * 64)
    cfg = momo.MomoConfig("P", "A", "S" * 32, None)
    assert not momo.verify({"orderId": "\ud800", "signature": "é" * 64}, momo.RESULT_FIELDS, cfg)
    assert bank.BankTransferProvider().parse_notification({"note": "\ud800", "signature": "é" * 64}) is None
