"""What an official reads about one dossier, in words: the applicant's signature as the app verified it, the
fee as the payments pillar knows it, every attachment with how to preview it, and the full history with who
acted. Plain Python (no Reflex); every function checks the official's agency through ``backoffice``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from citizen_app.city.text import fold
from citizen_app.core.timeutil import format_date, format_datetime, format_vnd
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.payments import service as payments
from citizen_app.payments.models import OrderStatus, PayOrder
from citizen_app.payments.views import state_words
from citizen_app.procedures import backoffice, files, service, statuses
from citizen_app.procedures.models import ProcAttachment, ProcDossier, ProcDossierEvent
from citizen_app.signing import pades

FEE_KIND = "procedure_fee"
_COMMON_NAME = re.compile(r"Common Name: ([^,]+)")


@dataclass(frozen=True)
class Verdict:
    """A fact the official must see at a glance: ``state`` picks the colour, the texts say it in words."""

    state: str  # signature: "valid", "invalid", "missing"; fee: "paid", "free", "waiting", "refunded", "failed"
    vi: str
    en: str


@dataclass(frozen=True)
class FileView:
    id: int
    attachment_id: str
    filename: str
    mime: str
    size: int
    href: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class HistoryRow:
    when: str
    vi: str
    en: str
    who: str
    reason: str


def _signed_copy(db: Session, dossier_id: int) -> ProcAttachment | None:
    query = select(ProcAttachment).where(ProcAttachment.dossier_id == dossier_id,
                                         ProcAttachment.attachment_id == service.SIGNED_DOSSIER)
    return db.exec(query.order_by(col(ProcAttachment.id).desc())).first()


def signer_name(subject: str) -> str:
    """The signer's name from pyHanko's readable certificate subject ("Common Name: Lê Thị Mai, ...")."""
    found = _COMMON_NAME.search(subject)
    return found.group(1).strip() if found else subject


def applicant_signature(db: Session, official_id: int | None, dossier_id: int) -> Verdict:
    """Validate the citizen-signed declaration with the app's own trust anchors (run in a worker thread:
    pyHanko's synchronous API starts its own event loop) and name the signer."""
    dossier, _ = backoffice.scoped_dossier(db, official_id, dossier_id)
    row = _signed_copy(db, dossier.id)
    if row is None:
        return Verdict("missing", "Chưa có chữ ký số của người nộp", "The applicant has not signed")
    try:
        checks = pades.validate_signed_pdf(files.read_bytes(row.storage_key))
    except Exception:  # noqa: BLE001 - a file pyHanko cannot even read carries no valid signature
        checks = []
    good = [c for c in checks if c.intact and c.valid and c.trusted and c.covers_whole_file]
    if len(checks) != 1 or not good:
        return Verdict("invalid", "Chữ ký số KHÔNG hợp lệ: không kiểm tra được hoặc tệp đã bị sửa",
                       "The signature is NOT valid: it does not verify or the file was changed")
    check = good[0]
    name = signer_name(check.signer)
    when = format_datetime(check.signed_at) if check.signed_at else ""
    applicant = db.get(UserAccount, dossier.applicant_id)
    if applicant is None or fold(name) != fold(applicant.full_name):
        return Verdict("invalid", f"Chữ ký hợp lệ nhưng người ký ({name}) không phải người nộp",
                       f"Valid signature, but the signer ({name}) is not the applicant")
    return Verdict("valid", f"Chữ ký số hợp lệ — người ký: {name}, lúc {when}",
                   f"Valid digital signature — signed by {name} at {when}")


def _fee_orders(db: Session, official_id: int | None, dossier: ProcDossier) -> list[PayOrder]:
    scope = payments.money_scope(db, official_id)
    query = scope.filter(select(PayOrder).where(PayOrder.product_kind == FEE_KIND,
                                                PayOrder.product_ref == str(dossier.id)))
    return list(db.exec(query.order_by(col(PayOrder.id).desc())).all())


def fee_status(db: Session, official_id: int | None, dossier_id: int) -> Verdict:
    """Whether the fee is paid, from the agency's own payment orders (officials may read them)."""
    dossier, _ = backoffice.scoped_dossier(db, official_id, dossier_id)
    amount = format_vnd(dossier.fee_amount)
    if dossier.fee_amount == 0:
        if dossier.fee_exempt:
            return Verdict("free", "Được miễn lệ phí", "Exempt from the fee")
        return Verdict("free", "Không thu lệ phí", "No fee")
    orders = _fee_orders(db, official_id, dossier)
    settled = next((o for o in orders if o.fulfils), None)  # a late or duplicate payment refunded is not the fee
    if settled is not None and settled.status != OrderStatus.PAID.value:
        return Verdict("refunded", f"Đã nộp {amount}, đã hoàn tiền (đơn {settled.code})",
                       f"Paid {amount}, refunded (order {settled.code})")
    if settled is not None or dossier.fee_paid_at is not None:
        paid_at = (settled.paid_at if settled else None) or dossier.fee_paid_at
        when = format_datetime(paid_at) if paid_at else ""
        code = settled.code if settled else (dossier.fee_order_ref or "")
        return Verdict("paid", f"Đã nộp {amount} lúc {when} (đơn {code})", f"Paid {amount} at {when} (order {code})")
    if orders:  # the latest attempt, in the words every page uses for an order (expired even before the job)
        last, words = orders[0], state_words(orders[0])
        return Verdict("failed" if words["status"] == OrderStatus.FAILED.value else "waiting",
                       f"Chưa nộp {amount} — đơn {last.code}: {words['status_vi']}",
                       f"Not paid yet: {amount} — order {last.code}: {words['status_en']}")
    return Verdict("waiting", f"Chưa nộp {amount}", f"Not paid yet: {amount}")


def dossier_files(db: Session, official_id: int | None, dossier_id: int) -> list[FileView]:
    """Every attachment with its type, so the page shows images inline and opens PDFs in the browser."""
    dossier, _ = backoffice.scoped_dossier(db, official_id, dossier_id)
    return [FileView(r.id or 0, r.attachment_id, r.filename, r.mime, r.size, f"/api/procedures/attachments/{r.id}")
            for r in service.list_attachments(db, dossier.id)]


def _who(db: Session, user_id: int | None, cache: dict[int, str]) -> str:
    """A person by name, an official with their agency; the system when nobody acted."""
    if user_id is None:
        return "Hệ thống"
    if user_id not in cache:
        user = db.get(UserAccount, user_id)
        agency = db.get(Agency, user.agency_id) if user and user.agency_id else None
        name = user.full_name if user else "?"
        cache[user_id] = f"{name} ({agency.name_vi})" if agency else name
    return cache[user_id]


_REVIEW = {"approval_proposed": ("Đề xuất duyệt, chờ người duyệt thứ hai",
                                 "Approval proposed, awaiting a second approver"),
           "approval_returned": ("Người duyệt thứ hai trả lại đề xuất", "The second approver returned the proposal")}


def _row_text(db: Session, event: ProcDossierEvent, cache: dict[int, str]) -> tuple[str, str] | None:
    if event.kind == "status" and event.to_status is not None:
        target = statuses.status_table().statuses[event.to_status]
        return target.vi, target.en
    if event.kind == "apology":
        day = format_date(datetime.fromisoformat(event.data["new_due_at"]))
        return f"Phiếu xin lỗi, hẹn lại ngày {day}", f"Apology, new date {day}"
    if event.kind == "assignment":
        target = event.data.get("to")
        if target is None:
            return "Bỏ giao xử lý", "Unassigned"
        name = _who(db, target, cache).split(" (")[0]
        return f"Giao cho {name} xử lý", f"Assigned to {name}"
    if event.kind == "review" and event.action in _REVIEW:
        return _REVIEW[event.action]
    return None


def office_history(db: Session, official_id: int | None, dossier_id: int) -> list[HistoryRow]:
    """The whole event log, oldest first: status changes, apologies, assignments and reviews, with who acted
    and their note."""
    dossier, _ = backoffice.scoped_dossier(db, official_id, dossier_id)
    cache: dict[int, str] = {}
    rows = []
    for event in service.dossier_events(db, dossier.id):
        text = _row_text(db, event, cache)
        if text is not None:
            rows.append(HistoryRow(format_datetime(event.at), text[0], text[1], _who(db, event.actor_id, cache),
                                   event.reason))
    return rows
