"""Layouts of the documents a dossier produces, with Vietnamese text (fpdf2, DejaVu Sans): the result (filled from
the procedure's template by ``documents.py``) and the receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả).

Both follow the administrative layout: the issuing body on the left and the national motto on the right, the
number, place and date, the title, the content, and a verification QR with its short code at the foot. The result
leaves a box for the agency's signature block; ``documents`` puts an empty signature field there, and the
agency's PAdES signature fills it at signing time (``signing.pades``).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from fpdf import FPDF

from citizen_app.core.pdf import FONT, new_pdf, nfc

SignatureBox = tuple[int, tuple[float, float, float, float]]  # page index, (x, y, width, height) in mm from top left
SIGNATURE_SIZE = (80.0, 30.0)
QR_SIZE = 28.0
COLUMN = 85.0


@dataclass(frozen=True)
class Verification:
    code: str  # as printed, "ABCD-EFGH-JKLM"
    url: str
    qr_png: bytes


@dataclass(frozen=True)
class ResultContent:
    issuer_parent: str  # e.g. "Công an TP.HCM" (the agency above the issuer), "" when none
    agency_name: str
    number: str
    place_date: str  # "TP. Hồ Chí Minh, ngày 05 tháng 12 năm 2026"
    form_note: str
    title: str
    intro: str
    lines: list[tuple[str, str]]
    table_head: list[str]
    table_rows: list[list[str]]
    dossier_number: str
    legal_basis: list[str]
    signer_title: str
    signer_name: str
    verification: Verification


@dataclass(frozen=True)
class RenderedResult:
    pdf: bytes
    signature_box: SignatureBox


@dataclass(frozen=True)
class ReceiptContent:
    agency_name: str
    dossier_number: str
    place_date: str
    rows: list[tuple[str, str]]
    lookup_text: str
    access_code: str
    verification: Verification


# --- shared pieces ---------------------------------------------------------------------------------------------


def _column(pdf: FPDF, x: float, y: float, lines: list[tuple[str, str]], size: float = 10) -> float:
    """Centred lines (style, text) in a column starting at (x, y); returns the y below them."""
    pdf.set_xy(x, y)
    for style, text in lines:
        pdf.set_font(FONT, style, size)
        pdf.set_x(x)
        pdf.multi_cell(COLUMN, 5, nfc(text), align="C", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _header(pdf: FPDF, left: list[tuple[str, str]], right_extra: list[tuple[str, str]], note: str = "") -> None:
    top = pdf.get_y()
    if note:
        pdf.set_font(FONT, "", 7.5)
        pdf.cell(0, 4, nfc(note), align="R", new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
    left_end = _column(pdf, pdf.l_margin, top, left)
    right = [("B", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("B", "Độc lập - Tự do - Hạnh phúc"), *right_extra]
    right_end = _column(pdf, pdf.w - pdf.r_margin - COLUMN, top, right)
    pdf.set_xy(pdf.l_margin, max(left_end, right_end) + 6)


def _title(pdf: FPDF, title: str, subtitle: str = "") -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, nfc(title), align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, nfc(subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _rows(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_font(FONT, "B", 11)
        pdf.write(6, nfc(f"{label}: "))
        pdf.set_font(FONT, "", 11)
        pdf.write(6, nfc(value or "—"))
        pdf.ln(7)


def _table(pdf: FPDF, head: list[str], rows: list[list[str]]) -> None:
    if not rows:
        return
    widths = (10, 56, 26, 36, 42)[:len(head)] if len(head) <= 5 else None
    pdf.ln(2)
    pdf.set_font(FONT, "B", 9.5)
    with pdf.table(col_widths=widths, line_height=5.5) as table:
        table.row([nfc(cell) for cell in head])
        pdf.set_font(FONT, "", 9.5)
        for row in rows:
            table.row([nfc(cell) for cell in row])
    pdf.ln(3)


def _ensure_room(pdf: FPDF, height: float) -> None:
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()


def _verification(pdf: FPDF, verification: Verification, note: str) -> None:
    """The QR of the verification page and its short code, at the foot of the content."""
    _ensure_room(pdf, QR_SIZE + 4)
    top = pdf.get_y() + 2
    pdf.image(BytesIO(verification.qr_png), x=pdf.l_margin, y=top, w=QR_SIZE, h=QR_SIZE)
    x = pdf.l_margin + QR_SIZE + 4
    pdf.set_xy(x, top + 1)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 5, nfc(f"Mã kiểm tra: {verification.code}"), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 8.5)
    pdf.set_x(x)
    pdf.multi_cell(0, 4.2, nfc(f"Kiểm tra giấy tờ này: quét mã QR hoặc mở {verification.url}\n{note}"),
                   new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + QR_SIZE) + 2)


# --- the result ---------------------------------------------------------------------------------------------------


def _signature_block(pdf: FPDF, content: ResultContent) -> SignatureBox:
    _ensure_room(pdf, 18 + SIGNATURE_SIZE[1] + 8)
    x = pdf.w - pdf.r_margin - COLUMN
    end = _column(pdf, x, pdf.get_y() + 4, [("B", content.agency_name.upper()), ("", content.signer_title)])
    box = (x + (COLUMN - SIGNATURE_SIZE[0]) / 2, end + 1, *SIGNATURE_SIZE)
    pdf.set_draw_color(180, 180, 180)
    pdf.rect(*box)
    name_end = _column(pdf, x, end + SIGNATURE_SIZE[1] + 2, [("B", content.signer_name)])
    pdf.set_xy(pdf.l_margin, name_end + 4)
    return pdf.page - 1, box


def render_result_pdf(content: ResultContent) -> RenderedResult:
    pdf = new_pdf(title=content.title)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    left = ([("", content.issuer_parent.upper())] if content.issuer_parent else []) + [
        ("B", content.agency_name.upper()), ("", f"Số: {content.number}")]
    _header(pdf, left, [("", content.place_date)], content.form_note)
    _title(pdf, content.title)
    pdf.set_font(FONT, "", 11)
    if content.intro:
        pdf.multi_cell(0, 6, nfc(content.intro), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    _rows(pdf, content.lines)
    _table(pdf, content.table_head, content.table_rows)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, nfc(f"Hồ sơ số {content.dossier_number}. Căn cứ: " + "; ".join(content.legal_basis) + "."),
                   new_x="LMARGIN", new_y="NEXT")
    box = _signature_block(pdf, content)
    _verification(pdf, content.verification, "Văn bản điện tử có chữ ký số của cơ quan cấp (PAdES); bản in có giá "
                                              "trị đối chiếu qua mã kiểm tra.")
    return RenderedResult(bytes(pdf.output()), box)


# --- the receipt --------------------------------------------------------------------------------------------------


def render_receipt_pdf(content: ReceiptContent) -> bytes:
    pdf = new_pdf(title="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    _header(pdf, [("", "HỆ THỐNG CÔNG DÂN SỐ TP.HCM"), ("B", content.agency_name.upper()),
                  ("", f"Mã hồ sơ: {content.dossier_number}")], [("", content.place_date)])
    _title(pdf, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "(Biên nhận hồ sơ nộp trực tuyến)")
    _rows(pdf, content.rows)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, nfc("Cách tra cứu hồ sơ"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(0, 5.5, nfc(content.lookup_text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, nfc(f"Mã tra cứu: {content.access_code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.5, nfc("Giữ kín mã tra cứu: ai có mã hồ sơ và mã tra cứu xem được tình trạng hồ sơ (không có "
                               "thông tin cá nhân). Bạn xem lại hoặc đổi mã trong mục Hồ sơ của tôi."),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _verification(pdf, content.verification, "Biên nhận điện tử do hệ thống Công dân số cấp: không cần chữ ký, "
                                              "đối chiếu bằng mã kiểm tra.")
    return bytes(pdf.output())
