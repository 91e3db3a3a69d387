"""PDF documents with Vietnamese text: fpdf2 with DejaVu Sans (Debian ``fonts-dejavu-core``), for result documents,
receipts, declarations and the visible signature stamps."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fpdf import FPDF

from citizen_app.core.errors import DomainError

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT = "dv"
MM_TO_PT = 72 / 25.4


def font_path(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise DomainError("procedures.font_missing")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def new_pdf(page_format: str | tuple[float, float] = "A4", title: str = "") -> FPDF:
    """An FPDF document with the Unicode font registered as ``FONT`` (regular and bold)."""
    pdf = FPDF(format=page_format)
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_font(FONT, "B", str(font_path(bold=True)))
    if title:
        pdf.set_title(nfc(title))
    return pdf
