"""QR codes rendered on the server: PNG bytes for PDFs and tests, a data URI for pages (``img-src data:``)."""

from __future__ import annotations

import base64
import io

import qrcode


def qr_png(text: str, box_size: int = 6) -> bytes:
    """PNG of the QR at ECC M with the 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(text: str, box_size: int = 6) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size)).decode()
