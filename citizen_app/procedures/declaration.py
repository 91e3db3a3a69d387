"""The declaration the citizen signs, filled from the dossier: the CT01 items for the residence procedures (their
``form_name`` is "CT01"), the answers in order for the others; the reference code shown on the sign page is printed
at the top, and the declarant's block receives the visible signature (``signing.service.approve_and_sign``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from citizen_app.procedures import documents, forms, service
from citizen_app.procedures.catalog import Procedure, get_procedure
from citizen_app.procedures.declaration_pdf import DeclarationContent, render_declaration_pdf
from citizen_app.procedures.models import ProcDossier
from citizen_app.signing import pades
from citizen_app.signing.service import reference_code

DECLARANT_FIELD = "KY-SO-NGUOI-KE-KHAI"
CT01_NOTE = "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA"
CT01_NOTES = [
    "(1) Cơ quan đăng ký cư trú nơi đề nghị. (2) Ghi rõ nội dung đề nghị, ví dụ: đăng ký tạm trú, thời hạn tạm trú. "
    "(3) Chủ hộ, chủ sở hữu chỗ ở hợp pháp ghi ý kiến đồng ý (trực tuyến: đã xác nhận khi kê khai). (4) Cha, mẹ hoặc "
    "người giám hộ ghi ý kiến khi người đăng ký là người chưa thành niên.",
    "Tờ khai được lập và ký số trên hệ thống Công dân số; mã tài liệu ở đầu trang gắn với đúng nội dung này.",
]


def reference_for(db: Session, dossier: ProcDossier) -> str:
    """The code the sign page shows: from the dossier's fingerprint (answers and files), so the printed declaration
    and the screen show the same code, and any change to the answers changes it."""
    return reference_code(service.fingerprint(db, dossier))


def _text(db: Session, proc: Procedure, answers: dict[str, Any], field_id: str) -> str:
    spec = next((f for f in proc.all_fields() if f["id"] == field_id), None)
    if spec is None or answers.get(field_id) in (None, ""):
        return ""
    names = documents.agency_names(db) if spec["type"] == "agency" else None
    return forms.value_text(spec, answers[field_id], "vi", names)


def _request(proc: Procedure, answers: dict[str, Any], values: dict[str, str], listed: int) -> str:
    """Item 10, "Nội dung đề nghị", generated from the answers."""
    parts = [proc.name["vi"]]
    if values.get("residence_address"):
        parts.append(f"tại {values['residence_address']}, {values['ward']}, {documents.CITY}")
    if answers.get("stay_from"):
        parts.append(f"từ ngày {answers['stay_from']}")
    if isinstance(answers.get("stay_months"), int):
        parts.append(f"thời hạn {answers['stay_months']} tháng")
    if proc.result.get("list_group") and listed:
        parts.append(f"cho {listed} người có tên trong danh sách dưới đây")
    return ", ".join(parts)


def _household(db: Session, proc: Procedure, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """Items 7-9: the household head (the declarant when they are the head)."""
    if answers.get("is_household_head"):
        return [("7. Họ, chữ đệm và tên chủ hộ", _text(db, proc, answers, "full_name")),
                ("8. Mối quan hệ với chủ hộ", "Chủ hộ"),
                ("9. Số định danh cá nhân của chủ hộ", _text(db, proc, answers, "personal_id"))]
    return [("7. Họ, chữ đệm và tên chủ hộ", _text(db, proc, answers, "head_full_name")),
            ("8. Mối quan hệ với chủ hộ", _text(db, proc, answers, "head_relation")),
            ("9. Số định danh cá nhân của chủ hộ", _text(db, proc, answers, "head_personal_id"))]


def _ct01_items(db: Session, proc: Procedure, dossier: ProcDossier, values: dict[str, str]) -> list[tuple[str, str]]:
    answers = dossier.answers
    group = proc.result.get("list_group")
    listed = len(answers.get(group) or []) if group else 0
    return [("1. Họ, chữ đệm và tên", _text(db, proc, answers, "full_name")),
            ("2. Ngày, tháng, năm sinh", _text(db, proc, answers, "date_of_birth")),
            ("3. Giới tính", _text(db, proc, answers, "sex")),
            ("4. Số định danh cá nhân", _text(db, proc, answers, "personal_id")),
            ("5. Số điện thoại liên hệ", _text(db, proc, answers, "phone")),
            ("6. Email", _text(db, proc, answers, "email")),
            *_household(db, proc, answers),
            ("10. Nội dung đề nghị", _request(proc, answers, values, listed))]


def _members(proc: Procedure, answers: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Item 11: the people changing residence together (the list's rows)."""
    group = proc.result.get("list_group")
    spec = next((f for f in proc.all_fields() if f["id"] == group), None) if group else None
    if spec is None:
        return [], []
    subs = {sub["id"]: sub for sub in spec["fields"]}
    rows = []
    for index, item in enumerate(answers.get(group) or [], start=1):
        sex = forms.value_text(subs["sex"], item.get("sex"), "vi") if "sex" in subs else ""
        relation = str(item.get("relation") or ("Người thuê nhà" if group == "tenants" else ""))
        months = f" ({item['stay_months']} tháng)" if isinstance(item.get("stay_months"), int) else ""
        rows.append([str(index), str(item.get("full_name", "")) + months, str(item.get("date_of_birth", "")), sex,
                     str(item.get("personal_id", "")), relation])
    return ["TT", "Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Quan hệ với chủ hộ"], rows


def _blocks(answers: dict[str, Any], declarant: str) -> list[tuple[str, str]]:
    """The four opinion blocks of CT01; the declarant's is signed digitally."""
    head = "Người kê khai là chủ hộ" if answers.get("is_household_head") else "Cơ quan đăng ký cư trú lấy ý kiến"
    owner = ("Đồng ý cho những người có tên trên đăng ký cư trú (đã xác nhận khi kê khai)"
             if answers.get("owner_consents") else "Cơ quan đăng ký cư trú lấy ý kiến")
    parent = "Văn bản đồng ý kèm theo hồ sơ" if answers.get("is_minor") else "Không áp dụng"
    return [("Ý kiến của chủ hộ (3)", head), ("Ý kiến của chủ sở hữu hoặc người được ủy quyền (3)", owner),
            ("Ý kiến của cha, mẹ hoặc người giám hộ (4)", parent),
            ("Người kê khai", f"{declarant}\n(ký số trên Công dân số)")]


def declaration_content(db: Session, dossier: ProcDossier) -> DeclarationContent:
    proc = get_procedure(dossier.procedure_code)
    answers = dossier.answers
    values = documents.template_values(db, proc, dossier)
    attachments = [f"Giấy tờ kèm theo: {row.filename} (SHA-256 {row.sha256[:16]}…)"
                   for row in service.list_attachments(db, dossier.id) if row.attachment_id != service.SIGNED_DOSSIER]
    declarant = str(answers.get("full_name") or values["applicant_name"])
    receiver = next((f["id"] for f in proc.all_fields() if f["type"] == "agency"), "")
    common = {"dossier_number": dossier.number, "reference_code": reference_for(db, dossier),
              "receiver": _text(db, proc, answers, receiver) if receiver else "", "attachments": attachments}
    if proc.raw.get("form_name") == "CT01":
        head, rows = _members(proc, answers)
        return DeclarationContent(form_note=CT01_NOTE, title="TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
                                  items=_ct01_items(db, proc, dossier, values),
                                  table_title="11. Những thành viên trong hộ gia đình (người) cùng thay đổi:",
                                  table_head=head, table_rows=rows, blocks=_blocks(answers, declarant),
                                  notes=CT01_NOTES, **common)
    items = [(f"{index}. {label}", value) for index, (label, value)
             in enumerate(forms.summary_lines(proc, answers, "vi", documents.agency_names(db)), start=1)]
    return DeclarationContent(form_note="", title=f"TỜ KHAI: {proc.name['vi'].upper()}", items=items,
                              table_title="", table_head=[], table_rows=[],
                              blocks=[("Người kê khai", f"{declarant}\n(ký số trên Công dân số)")], notes=[],
                              **common)


def dossier_pdf(db: Session, dossier: ProcDossier) -> bytes:
    """The declaration as it will be signed, with the empty signature field of the declarant's block."""
    rendered = render_declaration_pdf(declaration_content(db, dossier))
    return pades.add_signature_field(rendered.pdf, DECLARANT_FIELD, *rendered.signature_box)
