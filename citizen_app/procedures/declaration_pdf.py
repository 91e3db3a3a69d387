"""The declaration the citizen signs, laid out like the official form: for residence procedures the CT01 (Tờ khai
thay đổi thông tin cư trú, Circular 66/2023/TT-BCA: numbered items 1-11, the members' table and the four opinion
blocks), for the others the same header with the answers in order.

The reference code the sign page asks the citizen to compare is printed in a box at the top; it is derived from
the dossier's content (``flow.prepare_signature``), not from this file's bytes, so printing it changes nothing. The
declarant's opinion block leaves a box for the visible signature (``signing.pades``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from citizen_app.core.pdf import FONT, new_pdf, nfc
from citizen_app.procedures.result_pdf import SIGNATURE_SIZE, RenderedResult, _header, _table, _title

BLOCK = 85.0


@dataclass(frozen=True)
class DeclarationContent:
    form_note: str
    title: str
    receiver: str
    dossier_number: str
    reference_code: str
    items: list[tuple[str, str]]  # ("1. Họ, chữ đệm và tên", value) in the form's order
    table_title: str
    table_head: list[str]
    table_rows: list[list[str]]
    blocks: list[tuple[str, str]]  # opinion blocks (heading, text); the last one is the declarant's, signed
    attachments: list[str]
    notes: list[str]


def _reference(pdf: FPDF, content: DeclarationContent) -> None:
    pdf.set_draw_color(11, 107, 58)
    pdf.set_line_width(0.6)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 8, nfc(f"Mã tài liệu để đối chiếu khi ký: {content.reference_code}"), border=1, align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.2)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.5, nfc(f"Số hồ sơ: {content.dossier_number}. Mã này phải trùng với mã hiện trên màn hình ký."),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _items(pdf: FPDF, items: list[tuple[str, str]]) -> None:
    for label, value in items:
        pdf.set_font(FONT, "", 11)
        pdf.write(6, nfc(f"{label}: "))
        pdf.set_font(FONT, "B", 11)
        pdf.write(6, nfc(value or "…"))
        pdf.ln(7)


def _blocks(pdf: FPDF, blocks: list[tuple[str, str]]) -> tuple[int, tuple[float, float, float, float]]:
    """Opinion blocks two by two; the declarant's (last) keeps a box for the signature."""
    box: tuple[float, float, float, float] = (0, 0, 0, 0)
    page = 0
    for start in range(0, len(blocks), 2):
        if pdf.get_y() + 14 + SIGNATURE_SIZE[1] > pdf.h - pdf.b_margin:
            pdf.add_page()
        top = pdf.get_y() + 3
        bottom = top
        for column, (heading, text) in enumerate(blocks[start:start + 2]):
            x = pdf.l_margin + column * BLOCK
            pdf.set_xy(x, top)
            pdf.set_font(FONT, "B", 9.5)
            pdf.multi_cell(BLOCK - 4, 4.5, nfc(heading.upper()), align="C", new_x="LEFT", new_y="NEXT")
            pdf.set_font(FONT, "", 9.5)
            pdf.multi_cell(BLOCK - 4, 4.5, nfc(text), align="C", new_x="LEFT", new_y="NEXT")
            if start + column == len(blocks) - 1:
                box, page = (x + (BLOCK - 4 - SIGNATURE_SIZE[0]) / 2, pdf.get_y() + 1, *SIGNATURE_SIZE), pdf.page - 1
                pdf.set_draw_color(180, 180, 180)
                pdf.rect(*box)
                pdf.set_y(box[1] + box[3])
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(pdf.l_margin, bottom + 2)
    return page, box


def render_declaration_pdf(content: DeclarationContent) -> RenderedResult:
    pdf = new_pdf(title=content.title)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    _header(pdf, [("", "HỆ THỐNG CÔNG DÂN SỐ TP.HCM"), ("", "(nộp trực tuyến)")], [], content.form_note)
    _title(pdf, content.title)
    _reference(pdf, content)
    _items(pdf, [("Kính gửi", content.receiver), *content.items])
    if content.table_rows:
        pdf.set_font(FONT, "", 11)
        pdf.multi_cell(0, 6, nfc(content.table_title), new_x="LMARGIN", new_y="NEXT")
        _table(pdf, content.table_head, content.table_rows)
    pdf.set_font(FONT, "", 9)
    for line in content.attachments:
        pdf.multi_cell(0, 4.5, nfc(line), new_x="LMARGIN", new_y="NEXT")
    signature = _blocks(pdf, content.blocks)
    pdf.set_font(FONT, "", 8)
    for note in content.notes:
        pdf.multi_cell(0, 4, nfc(note), new_x="LMARGIN", new_y="NEXT")
    return RenderedResult(bytes(pdf.output()), signature)
