"""The result document (e.g. confirmation of residence) as a PDF with Vietnamese text.

Uses fpdf2 with DejaVu Sans (Debian ``fonts-dejavu-core``). The PDF is produced unsigned and marked
"to be signed"; the identity pillar's signer is injected as ``sign_pdf(pdf_bytes, signer) -> bytes``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF

from citizen_app.core.errors import DomainError

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SignPdf = Callable[[bytes, Any], bytes]


@dataclass(frozen=True)
class ResultContent:
    title: str
    agency_name: str
    number: str
    issued_on: str  # dd/mm/yyyy
    body_lines: list[str]
    people: list[tuple[str, str, str]]  # (full name, date of birth, personal ID)
    legal_basis: list[str]


def font_path(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise DomainError("procedures.font_missing")


def _t(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _header(pdf: FPDF, content: ResultContent) -> None:
    pdf.set_font("dv", "B", 11)
    pdf.cell(0, 6, _t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _t("Độc lập - Tự do - Hạnh phúc"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("dv", "", 11)
    pdf.cell(0, 6, _t(content.agency_name), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _t(f"Số hồ sơ: {content.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("dv", "B", 14)
    pdf.multi_cell(0, 8, _t(content.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _people(pdf: FPDF, people: list[tuple[str, str, str]]) -> None:
    if not people:
        return
    pdf.set_font("dv", "B", 10)
    with pdf.table(col_widths=(10, 70, 35, 45)) as table:
        table.row([_t(t) for t in ("TT", "Họ, chữ đệm và tên", "Ngày sinh", "Số định danh cá nhân")])
        pdf.set_font("dv", "", 10)
        for index, (name, born, pid) in enumerate(people, start=1):
            table.row([str(index), _t(name), born, pid])
    pdf.ln(4)


def render_result_pdf(content: ResultContent) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_t(content.title))
    pdf.add_font("dv", "", str(font_path()))
    pdf.add_font("dv", "B", str(font_path(bold=True)))
    pdf.add_page()
    _header(pdf, content)
    pdf.set_font("dv", "", 11)
    for line in content.body_lines:
        pdf.multi_cell(0, 7, _t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _people(pdf, content.people)
    if content.legal_basis:
        pdf.set_font("dv", "", 9)
        pdf.multi_cell(0, 5, _t("Căn cứ: " + "; ".join(content.legal_basis)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("dv", "", 11)
    pdf.cell(0, 6, _t(f"Ngày {content.issued_on}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _t("(Chờ ký số / To be signed)"), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
