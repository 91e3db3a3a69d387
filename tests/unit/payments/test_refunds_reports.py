from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.payments import receipts, reports, service
from citizen_app.payments.models import PayAudit, PayOrder, PayRefund
from tests.unit.payments.helpers import gateway_ipn, make_user, new_order


def _paid(db: Session, amount: int = 100_000, kind: str = "sandbox_demo") -> tuple[PayOrder, int]:
    user = make_user(db, f"Người {amount} {kind}")
    order = new_order(db, user, amount, kind=kind)
    assert service.handle_notification(db, "sandbox", gateway_ipn(db, user, order)).outcome == "accepted"
    db.commit()
    return order, user.id


def test_partial_refunds_until_full(db: Session) -> None:
    order, _ = _paid(db)
    staff = make_user(db, "Quản trị", role="admin")
    service.refund_order(db, staff.id, order.code, 30_000, "Hoàn phí thừa")
    db.commit()
    assert (order.status, order.refunded_vnd) == ("partially_refunded", 30_000)
    with pytest.raises(DomainError, match="amount_out_of_range"):
        service.refund_order(db, staff.id, order.code, 70_001, "Quá số còn lại")
    db.rollback()
    service.refund_order(db, staff.id, order.code, 70_000, "Hủy hồ sơ")
    db.commit()
    db.refresh(order)
    assert (order.status, order.refunded_vnd) == ("refunded", 100_000)
    assert [r.amount_vnd for r in db.exec(select(PayRefund)).all()] == [30_000, 70_000]
    audits = db.exec(select(PayAudit).where(PayAudit.order_id == order.id).order_by(col(PayAudit.id))).all()
    assert [(a.to_status, a.amount_vnd, a.actor) for a in audits][-2:] == [
        ("partially_refunded", 30_000, f"user:{staff.id}"), ("refunded", 70_000, f"user:{staff.id}")]
    with pytest.raises(DomainError, match="refund_not_paid"):
        service.refund_order(db, staff.id, order.code, 1, "Nữa")


def test_full_only_and_no_refund_products(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # Other pillars (metro) register fulfilment hooks for these kinds when imported; test payments alone.
    monkeypatch.setattr(service, "fulfilments", service.FulfilmentRegistry())
    order, _ = _paid(db, 7000, kind="metro_ticket")  # policy "full"
    admin = make_user(db, "Quản trị", role="admin")
    with pytest.raises(DomainError, match="refund_full_only"):
        service.refund_order(db, admin.id, order.code, 3000, "Một phần")
    db.rollback()
    service.refund_for_product(db, order.code, 7000, "Vé chưa dùng", by="metro")
    db.commit()
    assert order.status == "refunded"


def test_refund_requires_staff_and_reason(db: Session) -> None:
    order, owner_id = _paid(db)
    with pytest.raises(NotAllowed):
        service.refund_order(db, owner_id, order.code, 1000, "Tự hoàn")
    official = make_user(db, "Cán bộ 2", role="official")
    with pytest.raises(NotAllowed):  # officials read their agency's payments; finance staff refund
        service.refund_order(db, official.id, order.code, 1000, "Lý do")
    staff = make_user(db, "Quản trị 2", role="admin")
    with pytest.raises(DomainError, match="reason_required"):
        service.refund_order(db, staff.id, order.code, 1000, " ")


def test_unpaid_order_cannot_be_refunded(db: Session) -> None:
    user = make_user(db)
    order = new_order(db, user)
    staff = make_user(db, "Quản trị 3", role="admin")
    with pytest.raises(DomainError, match="refund_not_paid"):
        service.refund_order(db, staff.id, order.code, 1000, "Lý do")


def test_receipt_and_pdf(db: Session) -> None:
    order, owner_id = _paid(db, 12_500)
    staff = make_user(db, "Quản trị 4", role="admin")
    service.refund_order(db, staff.id, order.code, 2_500, "Giảm phí")
    db.commit()
    data = receipts.receipt_for(db, owner_id, order.code, "vi")
    assert (data.amount_vnd, data.net_vnd, data.is_test) == (12_500, 10_000, True)
    assert data.status_label == "Đã hoàn một phần"
    assert data.refunds[0].amount_vnd == 2_500
    pdf = receipts.receipt_pdf(data)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    stranger = make_user(db, "Người lạ")
    with pytest.raises(DomainError):
        receipts.receipt_for(db, stranger.id, order.code)
    pending = new_order(db, stranger)
    with pytest.raises(DomainError, match="receipt_not_available"):
        receipts.receipt_for(db, stranger.id, pending.code)


def test_reconciliation_summary_and_csv(db: Session) -> None:
    paid, _ = _paid(db, 50_000)
    user = make_user(db, "Khách")
    new_order(db, user, 20_000)
    new_order(db, user, 9_000, kind="metro_ticket")
    staff = make_user(db, "Quản trị 5", role="admin")
    service.refund_order(db, staff.id, paid.code, 10_000, "Hoàn một phần")
    db.commit()
    today = to_local(utcnow()).date()
    rows = reports.reconciliation_summary(db, staff.id, today - timedelta(days=1), today)
    by_kind = {row.product_kind: row for row in rows}
    demo = by_kind["sandbox_demo"]
    assert (demo.orders, demo.paid_count, demo.paid_vnd, demo.pending_count, demo.pending_vnd,
            demo.refunded_vnd, demo.net_vnd) == (2, 1, 50_000, 1, 20_000, 10_000, 40_000)
    assert by_kind["metro_ticket"].pending_vnd == 9_000
    text = reports.summary_csv(rows, "vi")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Ngày,Loại sản phẩm,Số đơn")
    assert lines[1].startswith(today.strftime("%d/%m/%Y"))
    with pytest.raises(NotAllowed):
        reports.reconciliation_summary(db, user.id, today, today)
    with pytest.raises(DomainError, match="range_invalid"):
        reports.reconciliation_summary(db, staff.id, today, today - timedelta(days=1))
