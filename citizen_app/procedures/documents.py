"""The documents a dossier produces, each registered for verification (``trust``) and carrying its code and QR:

- the result, rendered from its procedure's template (``result`` in ``data/procedures/<code>.json``, docs/TRUST.md)
  filled from the answers and the decision: the agency and the one above it, a number per agency and year, place and
  date, the lines and the list of people with their stay, the officer's name and title, and an empty signature
  field that the agency's signature fills, visibly;
- the receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả), issued on submission and always up to date: received at,
  due (or expected) date, fee paid from the payment order, how to look the dossier up, and the access code.

Plain Python (no Reflex); nothing here commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from citizen_app.core.config import settings
from citizen_app.core.errors import NotAllowed
from citizen_app.core.qr import qr_data_uri, qr_png
from citizen_app.core.timeutil import VN_TZ, format_datetime, format_vnd, to_local, utcnow
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.payments.models import PayOrder
from citizen_app.procedures import forms, service, statuses
from citizen_app.procedures.catalog import Procedure, get_procedure
from citizen_app.procedures.models import ProcDossier
from citizen_app.procedures.result_pdf import (
    ReceiptContent,
    ResultContent,
    Verification,
    render_receipt_pdf,
    render_result_pdf,
)
from citizen_app.signing import pades
from citizen_app.trust import service as trust
from citizen_app.trust.models import TrustDocument

RESULT_FIELD = "KY-SO-CO-QUAN"
CITY = "Thành phố Hồ Chí Minh"
PLACE = "TP. Hồ Chí Minh"
NO_END_DAYS = 3650  # a result without a period (a birth certificate) does not expire: its credential lasts 10 years
_WARD_IN_NAME = re.compile(r"((?:phường|xã|đặc khu)\s.+)$", re.IGNORECASE)


# --- filling a template -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone the result lists (a tenant, the declarant, a household member)."""

    full_name: str
    date_of_birth: str
    personal_id: str
    phone: str
    stay_from: date | None = None
    stay_to: date | None = None

    @property
    def period(self) -> str:
        return f"{self.stay_from:%d/%m/%Y} – {self.stay_to:%d/%m/%Y}" if self.stay_from and self.stay_to else ""


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)


def _stay(proc: Procedure, answers: dict[str, Any], row: dict[str, Any]) -> tuple[date | None, date | None]:
    """The period of one listed person: from the template's date field, for the months in their row (or top level);
    it ends the day before the same date ``months`` later."""
    validity = proc.result.get("validity")
    if not validity:
        return None, None
    start = forms.parse_vn_date(str(answers.get(validity["from_field"]) or ""))
    months = row.get(validity["months_field"], answers.get(validity["months_field"]))
    if start is None or not isinstance(months, int) or months < 1:
        return start, None
    return start, add_months(start, months) - timedelta(days=1)


def listed_people(proc: Procedure, answers: dict[str, Any]) -> list[Person]:
    """The people the result lists: the declarant first when the template says so, then the listed group's rows."""
    group = proc.result.get("list_group")
    rows = ([answers] if proc.result.get("list_declarant") or not group else []) + list(answers.get(group) or []
                                                                                         if group else [])
    people = []
    for row in rows:
        if not row.get("full_name"):
            continue
        start, end = _stay(proc, answers, row)
        people.append(Person(str(row["full_name"]), str(row.get("date_of_birth") or ""),
                             str(row.get("personal_id") or ""), str(row.get("phone") or ""), start, end))
    return people


def ward_label(agency: Agency | None) -> str:
    """"phường Bàn Cờ" from the agency's name ("Công an phường Bàn Cờ"), else from its ward."""
    if agency is None:
        return ""
    match = _WARD_IN_NAME.search(agency.name_vi)
    return match.group(1) if match else (f"phường {agency.ward}" if agency.ward else "")


def agency_names(db: Session) -> dict[str, dict[str, str]]:
    """Agency code -> {"vi", "en"} names, to show the receiving office by name."""
    return {a.code: {"vi": a.name_vi, "en": a.name_en} for a in db.exec(select(Agency)).all()}


def _answer_texts(db: Session, proc: Procedure, answers: dict[str, Any]) -> dict[str, str]:
    names = agency_names(db)
    return {spec["id"]: forms.value_text(spec, answers.get(spec["id"]), "vi", names) for spec in proc.all_fields()
            if spec["type"] != "group"}


def template_values(db: Session, proc: Procedure, dossier: ProcDossier) -> dict[str, str]:
    """What the placeholders of the template read: the answers as the citizen saw them, and the derived names."""
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    applicant = db.get(UserAccount, dossier.applicant_id)
    people = listed_people(proc, dossier.answers)
    starts = [p.stay_from for p in people if p.stay_from]
    ends = [p.stay_to for p in people if p.stay_to]
    return {**_answer_texts(db, proc, dossier.answers), "agency_name": agency.name_vi if agency else "",
            "ward": ward_label(agency), "city": CITY, "applicant_name": applicant.full_name if applicant else "",
            "dossier_number": dossier.number, "stay_from": f"{min(starts):%d/%m/%Y}" if starts else "",
            "stay_to": f"{max(ends):%d/%m/%Y}" if ends else ""}


def fill(text: str, values: dict[str, str]) -> str:
    """The template text with its ``{placeholders}`` replaced ("…" for an empty answer)."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1)) or "…", text)


def valid_until(proc: Procedure, answers: dict[str, Any]) -> datetime | None:
    """The end (23:59:59 local) of the latest period the result covers, or None when it has none."""
    ends = [p.stay_to for p in listed_people(proc, answers) if p.stay_to]
    return datetime.combine(max(ends), time(23, 59, 59), VN_TZ).astimezone(UTC) if ends else None


def credential_expiry(proc: Procedure, answers: dict[str, Any], now: datetime) -> datetime:
    return valid_until(proc, answers) or now + timedelta(days=NO_END_DAYS)


# --- the result ---------------------------------------------------------------------------------------------------


def _next_number(db: Session, agency: Agency, proc: Procedure, now: datetime) -> str:
    year = to_local(now).year
    suffix = f"/{year}/{proc.result.get('number_code', 'KQ')}-{agency.code.upper()}"
    count = db.exec(select(func.count()).select_from(TrustDocument).where(
        TrustDocument.kind == "result", col(TrustDocument.number).endswith(suffix))).one()
    return f"{int(count) + 1:04d}{suffix}"


def _register_result(db: Session, dossier: ProcDossier, proc: Procedure, agency: Agency, facts: list[dict[str, str]],
                     personal: list[dict[str, str]], now: datetime) -> TrustDocument:
    """A numbered register row; two officials of one agency deciding at once retry with the next number."""
    for _attempt in range(5):
        try:
            with db.begin_nested():
                number = _next_number(db, agency, proc, now)
                return trust.register(db, kind="result", number=number, ref=dossier.number,
                                      owner_id=dossier.applicant_id, agency_id=agency.id, title=proc.result["title"],
                                      facts=[trust.fact("number", "trust.fact.number", number), *facts],
                                      personal=personal, issued_at=now, valid_until=valid_until(proc, dossier.answers))
        except IntegrityError:
            continue
    raise RuntimeError("no free result number")


def _place_date(now: datetime) -> str:
    local = to_local(now)
    return f"{PLACE}, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def _table(proc: Procedure, people: list[Person]) -> tuple[list[str], list[list[str]]]:
    head = ["TT", "Họ, chữ đệm và tên", "Ngày sinh", "Số định danh cá nhân"]
    with_stay = proc.result.get("validity") is not None
    rows = [[str(i), p.full_name, p.date_of_birth, p.personal_id] + ([p.period] if with_stay else [])
            for i, p in enumerate(people, start=1)]
    return head + (["Thời hạn tạm trú"] if with_stay else []), rows


def _verification(record: TrustDocument) -> Verification:
    url = trust.verify_url(record.code)
    return Verification(trust.display_code(record.code), url, qr_png(url, box_size=8))


def _facts(agency: Agency, signer: str, dossier: ProcDossier, values: dict[str, str],
           now: datetime) -> list[dict[str, str]]:
    """What the public page always shows: issuer, date, signer, dossier number and the period covered."""
    facts = [trust.fact("agency", "trust.fact.agency", agency.name_vi),
             trust.fact("issued_on", "trust.fact.issued_on", f"{to_local(now):%d/%m/%Y}"),
             trust.fact("signer", "trust.fact.signer", signer),
             trust.fact("dossier", "trust.fact.dossier", dossier.number)]
    if values["stay_to"]:
        facts.append(trust.fact("valid", "trust.fact.valid", f"{values['stay_from']} – {values['stay_to']}"))
    return facts


def _personal(people: list[Person], values: dict[str, str]) -> list[dict[str, str]]:
    """What the public page shows only if the holder allows it: the names listed and the address."""
    personal = [trust.fact("people", "trust.fact.people", "; ".join(
        p.full_name + (f" ({p.period})" if p.period else "") for p in people))] if people else []
    if values.get("residence_address"):
        personal.append(trust.fact("address", "trust.fact.address",
                                   f"{values['residence_address']}, {values['ward']}, {CITY}"))
    return personal


def render_result(db: Session, dossier: ProcDossier, official_id: int | None, now: datetime) -> bytes:
    """Register the result and render it from the procedure's template, with the signature field to be filled."""
    proc = get_procedure(dossier.procedure_code)
    template = proc.result
    agency = db.get(Agency, dossier.agency_id)
    official = db.get(UserAccount, official_id) if official_id else None
    officer = official.full_name if official else ""
    parent = db.exec(select(Agency).where(Agency.code == agency.parent_code)).first() if agency.parent_code else None
    values = template_values(db, proc, dossier)
    people = listed_people(proc, dossier.answers)
    signer = f"{agency.name_vi} — {officer}, {template['signer_title']['vi']}"
    record = _register_result(db, dossier, proc, agency, _facts(agency, signer, dossier, values, now),
                              _personal(people, values), now)
    head, rows = _table(proc, people)
    content = ResultContent(
        issuer_parent=parent.name_vi if parent else "", agency_name=agency.name_vi, number=record.number,
        place_date=_place_date(now), form_note=template.get("form_note") or "", title=template["title"]["vi"],
        intro=fill(template["intro"]["vi"], values) if template.get("intro") else "",
        lines=[(line["label"]["vi"], fill(line["value"], values)) for line in template.get("lines", [])],
        table_head=head, table_rows=rows, dossier_number=dossier.number, legal_basis=proc.legal_basis,
        signer_title=template["signer_title"]["vi"], signer_name=officer, verification=_verification(record))
    rendered = render_result_pdf(content)
    return pades.add_signature_field(rendered.pdf, RESULT_FIELD, *rendered.signature_box)


def result_record(db: Session, dossier: ProcDossier) -> TrustDocument | None:
    query = select(TrustDocument).where(TrustDocument.kind == "result", TrustDocument.ref == dossier.number)
    return db.exec(query.order_by(col(TrustDocument.id).desc())).first()


@dataclass(frozen=True)
class AgencySigner:
    """What the agency's signature block says (``pades.sign_as_agency``)."""

    code: str
    name: str
    lines: tuple[str, ...]


def agency_signer(db: Session, dossier: ProcDossier, official_id: int | None) -> AgencySigner:
    agency = db.get(Agency, dossier.agency_id)
    official = db.get(UserAccount, official_id) if official_id else None
    title = get_procedure(dossier.procedure_code).result["signer_title"]["vi"]
    return AgencySigner(agency.code, agency.name_vi, (f"{official.full_name}, {title}" if official else title,))


def sign_with_agency(pdf: bytes, signer: AgencySigner) -> bytes:
    return pades.sign_as_agency(pdf, signer.code, signer.name, signer.lines,
                                "Kết quả giải quyết thủ tục hành chính")


def result_signed(db: Session, dossier: ProcDossier, signed: bytes, signer: str) -> None:
    record = result_record(db, dossier)
    if record is not None:
        trust.mark_signed(record, signed, signer)
        db.add(record)


# --- the receipt --------------------------------------------------------------------------------------------------


def issue_receipt(db: Session, dossier: ProcDossier) -> TrustDocument:
    """On submission: the receipt's register row (its facts are read live, so it follows the dossier)."""
    proc = get_procedure(dossier.procedure_code)
    applicant = db.get(UserAccount, dossier.applicant_id)
    existing = db.exec(select(TrustDocument).where(TrustDocument.kind == "receipt",
                                                   TrustDocument.number == dossier.number)).first()
    if existing is not None:
        return existing
    title = {"vi": f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả — {proc.name['vi']}",
             "en": f"Receipt and appointment — {proc.name['en']}"}
    personal = [trust.fact("applicant", "trust.fact.applicant", applicant.full_name)] if applicant else []
    return trust.register(db, kind="receipt", number=dossier.number, ref=dossier.number, owner_id=dossier.applicant_id,
                          agency_id=dossier.agency_id, title=title, personal=personal, issued_at=dossier.submitted_at)


def receipt_record(db: Session, dossier: ProcDossier) -> TrustDocument | None:
    return db.exec(select(TrustDocument).where(TrustDocument.kind == "receipt",
                                               TrustDocument.number == dossier.number)).first()


def _fee_text(db: Session, dossier: ProcDossier, lang: str) -> str:
    if dossier.fee_amount == 0:
        return "Miễn lệ phí" if lang == "vi" else "No fee"
    order = db.exec(select(PayOrder).where(PayOrder.code == dossier.fee_order_ref)).first() \
        if dossier.fee_order_ref else None
    amount = format_vnd(dossier.fee_amount)
    if order is None or order.paid_at is None:
        return f"{amount} — chưa nộp" if lang == "vi" else f"{amount} — not paid yet"
    paid = format_datetime(order.paid_at)
    text = (f"{format_vnd(order.amount_vnd)} — đã nộp trực tuyến lúc {paid}, mã giao dịch {order.code}" if lang == "vi"
            else f"{format_vnd(order.amount_vnd)} — paid online at {paid}, payment {order.code}")
    if order.refunded_vnd:
        text += (f"; đã hoàn {format_vnd(order.refunded_vnd)}" if lang == "vi"
                 else f"; {format_vnd(order.refunded_vnd)} refunded")
    return text


def _due(dossier: ProcDossier) -> tuple[str, str]:
    """("due_on", date) once accepted; before that ("expected_on", the date if accepted now)."""
    from citizen_app.procedures.flow import expected_completion

    if dossier.due_at is not None:
        return "due_on", f"{to_local(dossier.due_at):%d/%m/%Y}"
    if dossier.status in (statuses.NEW, statuses.FEE):
        return "expected_on", f"{expected_completion(get_procedure(dossier.procedure_code)):%d/%m/%Y}"
    return "due_on", "—"


def receipt_facts(db: Session, record: TrustDocument) -> list[dict[str, str]]:
    """The receipt's public facts, read now (``trust.LIVE_FACTS``): nothing personal."""
    dossier = db.exec(select(ProcDossier).where(ProcDossier.number == record.number)).first()
    if dossier is None:
        return list(record.facts)
    proc = get_procedure(dossier.procedure_code)
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    due_key, due = _due(dossier)
    return [trust.fact("dossier", "trust.fact.dossier", dossier.number),
            trust.fact("procedure", "trust.fact.procedure", proc.name["vi"]),
            trust.fact("agency", "trust.fact.agency", agency.name_vi if agency else ""),
            trust.fact("received_at", "trust.fact.received_at",
                       format_datetime(dossier.submitted_at) if dossier.submitted_at else ""),
            trust.fact(due_key, f"trust.fact.{due_key}", due),
            trust.fact("fee", "trust.fact.fee", _fee_text(db, dossier, "vi"))]


@dataclass(frozen=True)
class ReceiptView:
    number: str
    procedure: dict[str, str]
    agency: dict[str, str]
    applicant: str
    received_at: str
    status: dict[str, str]
    due_key: str
    due: str
    fee: dict[str, str]
    access_code: str  # "" when it cannot be shown (given out before codes were kept sealed): re-issue it
    code: str
    url: str
    qr: str  # data URI
    lookup_url: str


def _owner_dossier(db: Session, user_id: int | None, dossier_id: int) -> ProcDossier:
    """The receipt and its access code are the applicant's own (a helper asks the citizen)."""
    dossier = service.load_dossier(db, dossier_id)
    if user_id is None or user_id != dossier.applicant_id:
        raise NotAllowed("procedures.owner_only")
    if dossier.submitted_at is None:
        raise NotAllowed("procedures.not_submitted")
    return dossier


def receipt_view(db: Session, user_id: int | None, dossier_id: int) -> ReceiptView:
    dossier = _owner_dossier(db, user_id, dossier_id)
    record = receipt_record(db, dossier) or issue_receipt(db, dossier)
    proc = get_procedure(dossier.procedure_code)
    agency = db.get(Agency, dossier.agency_id) if dossier.agency_id else None
    applicant = db.get(UserAccount, dossier.applicant_id)
    status = statuses.status_table().statuses[dossier.status]
    due_key, due = _due(dossier)
    url = trust.verify_url(record.code)
    return ReceiptView(dossier.number, dict(proc.name), {"vi": agency.name_vi if agency else "",
                                                         "en": agency.name_en if agency else ""},
                       applicant.full_name if applicant else "",
                       format_datetime(dossier.submitted_at) if dossier.submitted_at else "",
                       {"vi": status.vi, "en": status.en}, due_key, due,
                       {lang: _fee_text(db, dossier, lang) for lang in ("vi", "en")},
                       service.access_code(db, user_id, dossier.id) or "", trust.display_code(record.code), url,
                       qr_data_uri(url), settings().public_url + "/procedures/lookup")


def receipt_pdf(db: Session, user_id: int | None, dossier_id: int) -> bytes:
    view = receipt_view(db, user_id, dossier_id)
    due_label = ("Ngày hẹn trả kết quả" if view.due_key == "due_on"
                 else "Dự kiến trả kết quả (nếu được tiếp nhận hôm nay)")
    rows = [("Thủ tục", view.procedure["vi"]), ("Cơ quan tiếp nhận", view.agency["vi"]),
            ("Người nộp hồ sơ", view.applicant), ("Thời điểm nhận hồ sơ", view.received_at),
            ("Tình trạng", view.status["vi"]), (due_label, view.due), ("Lệ phí", view.fee["vi"])]
    lookup = (f"Mở {view.lookup_url} (không cần đăng nhập), nhập mã hồ sơ {view.number} và mã tra cứu dưới đây. "
              "Bạn cũng được báo qua thông báo của ứng dụng mỗi khi hồ sơ thay đổi.")
    qr = qr_png(view.url, box_size=8)
    return render_receipt_pdf(ReceiptContent(view.agency["vi"], view.number, _place_date(utcnow()), rows, lookup,
                                             view.access_code or "(cấp lại mã trong mục Hồ sơ của tôi)",
                                             Verification(view.code, view.url, qr)))


# --- the holder's choice of what the public pages show --------------------------------------------------------------


def documents_of(db: Session, user_id: int | None, dossier_id: int) -> list[TrustDocument]:
    dossier = _owner_dossier(db, user_id, dossier_id)
    return trust.documents_of(db, dossier.applicant_id, dossier.number)



def on_document_revoked(db: Session, record: TrustDocument, actor_id: int | None) -> None:
    """``trust.ON_REVOKE``: a revoked result takes its wallet credentials with it, and its holder is told."""
    if record.kind != "result":
        return
    from citizen_app.procedures import wallet_result

    dossier = db.exec(select(ProcDossier).where(ProcDossier.number == record.ref)).first()
    if dossier is None:
        return
    wallet_result.revoke_result_credentials(db, actor_id, dossier)
    service.notify_applicant(db, dossier, "result_revoked", reason=record.revoke_reason, document=record.number)
