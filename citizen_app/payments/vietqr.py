"""VietQR (NAPAS 247) bank-transfer payloads: EMVCo merchant-presented QR, TLV fields and CRC-16/CCITT-FALSE.

Layout (ids and lengths are two decimal digits, lengths count characters)::

    00 02 "01"                      payload format indicator
    01 02 "11" static | "12" dynamic (an amount is fixed)
    38 .. merchant account information (VietQR)
          00 10 "A000000727"        NAPAS globally unique id
          01 .. beneficiary organisation
                00 06 bank BIN (acquirer id)
                01 .. account number (≤ 19)
          02 08 "QRIBFTTA"          service: inter-bank fund transfer 24/7 to account
    53 03 "704"                     currency VND
    54 .. amount (optional, whole đồng)
    58 02 "VN"
    62 .. additional data: 08 .. purpose of transaction (our order reference, ≤ 25, ASCII)
    63 04 CRC over everything before it, including "6304", upper-case hex
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from dataclasses import dataclass

import qrcode
import qrcode.image.svg

NAPAS_GUID = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"
SERVICE_CARD = "QRIBFTTC"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MAX_PURPOSE = 25


class VietQRError(ValueError):
    pass


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR (check("123456789") = 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    if not re.fullmatch(r"\d{2}", tag):
        raise VietQRError(f"bad tag {tag!r}")
    if not 0 < len(value) <= 99:
        raise VietQRError(f"value of tag {tag} must be 1-99 characters")
    return f"{tag}{len(value):02d}{value}"


def parse_tlv(data: str) -> list[tuple[str, str]]:
    """Split a TLV string into (tag, value) pairs; raises on any truncation."""
    fields: list[tuple[str, str]] = []
    pos = 0
    while pos < len(data):
        head = data[pos:pos + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"bad TLV header at {pos}")
        size = int(head[2:])
        value = data[pos + 4:pos + 4 + size]
        if len(value) != size:
            raise VietQRError(f"truncated value for tag {head[:2]}")
        fields.append((head[:2], value))
        pos += 4 + size
    return fields


def ascii_purpose(text: str) -> str:
    """Diacritics removed (Đ→D), only letters, digits and spaces, at most 25 characters."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    plain = re.sub(r"[^A-Za-z0-9 ]+", " ", plain)
    return " ".join(plain.split())[:MAX_PURPOSE].strip()


def with_crc(body: str) -> str:
    """Append the CRC field to a payload that does not have one yet."""
    data = body + "6304"
    return data + f"{crc16_ccitt_false(data.encode('utf-8')):04X}"


def build_payload(bank_bin: str, account_no: str, amount_vnd: int | None = None, purpose: str = "",
                  service: str = SERVICE_ACCOUNT) -> str:
    if not re.fullmatch(r"\d{6}", bank_bin):
        raise VietQRError("bank BIN must be 6 digits")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account_no):
        raise VietQRError("account number must be 1-19 letters or digits")
    if amount_vnd is not None and (isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int)
                                   or not 0 < amount_vnd <= 10**13 - 1):
        raise VietQRError("amount must be a positive whole number of đồng")
    beneficiary = tlv("00", bank_bin) + tlv("01", account_no)
    account_info = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", service)
    parts = [tlv("00", "01"), tlv("01", "12" if amount_vnd else "11"), tlv("38", account_info),
             tlv("53", CURRENCY_VND)]
    if amount_vnd:
        parts.append(tlv("54", str(amount_vnd)))
    parts.append(tlv("58", COUNTRY_VN))
    note = ascii_purpose(purpose)
    if note:
        parts.append(tlv("62", tlv("08", note)))
    return with_crc("".join(parts))


@dataclass(frozen=True)
class ParsedVietQR:
    bank_bin: str
    account_no: str
    service: str
    amount_vnd: int | None
    purpose: str
    dynamic: bool


def check_crc(payload: str) -> bool:
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return f"{crc16_ccitt_false(payload[:-4].encode('utf-8')):04X}" == payload[-4:].upper()


def parse_payload(payload: str) -> ParsedVietQR:
    if not check_crc(payload):
        raise VietQRError("CRC mismatch")
    root = dict(parse_tlv(payload))
    info = dict(parse_tlv(root.get("38", "")))
    if root.get("00") != "01" or info.get("00") != NAPAS_GUID or root.get("53") != CURRENCY_VND:
        raise VietQRError("not a VietQR payload")
    beneficiary = dict(parse_tlv(info.get("01", "")))
    extra = dict(parse_tlv(root["62"])) if "62" in root else {}
    amount = root.get("54")
    return ParsedVietQR(bank_bin=beneficiary.get("00", ""), account_no=beneficiary.get("01", ""),
                        service=info.get("02", ""), amount_vnd=int(amount) if amount else None,
                        purpose=extra.get("08", ""), dynamic=root.get("01") == "12")


def _make(payload: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code


def render_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    _make(payload).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def render_svg(payload: str) -> str:
    image = _make(payload).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def png_data_uri(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(render_png(payload)).decode()
