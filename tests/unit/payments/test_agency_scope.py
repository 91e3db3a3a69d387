"""Officials and finance staff see and refund only their own agency's money; admins see everything.

Agency A is a ward committee (its procedure fees), agency B the ward police. Every check that crosses agencies
must look exactly like an order that does not exist."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import Session, col, func, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.identity import service as identity
from citizen_app.notify.service import list_notifications
from citizen_app.payments import receipts, reports, service
from citizen_app.payments.models import PayAudit, PayOrder, PayRefund
from tests.unit.payments.helpers import make_agency, make_user, new_order, paid_order


@pytest.fixture(autouse=True)
def _fresh_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The procedures pillar's fee hook (registered when it is imported) must not run on these test orders."""
    monkeypatch.setattr(service, "fulfilments", service.FulfilmentRegistry())


@pytest.fixture()
def town(db: Session) -> SimpleNamespace:
    a = make_agency(db, "ubnd-ban-co", "UBND phường Bàn Cờ", "Ban Co Ward People's Committee")
    b = make_agency(db, "ca-ban-co", "Công an phường Bàn Cờ", "Ban Co Ward Police", kind="police")
    payer = make_user(db, "Lê Thị Mai")
    ns = SimpleNamespace(
        a=a, b=b, payer=payer,
        official_a=make_user(db, "Phạm Văn Bình", "official", a.id),
        finance_a=make_user(db, "Trương Ngọc Hân", "finance", a.id),
        official_b=make_user(db, "Võ Thị Lan", "official", b.id),
        finance_b=make_user(db, "Kế toán Công an", "finance", b.id),
        admin=make_user(db, "Quản trị", "admin"),
        order_a=paid_order(db, payer, 50_000, a.id),
        order_b=paid_order(db, payer, 20_000, b.id),
        test_order=paid_order(db, payer, 9_000, None, kind="sandbox_demo"),
    )
    return ns


def _today() -> tuple:
    today = to_local(utcnow()).date()
    return today - timedelta(days=1), today


def _codes(orders: list[PayOrder]) -> set[str]:
    return {o.code for o in orders}


def _audits(db: Session, order: PayOrder) -> list[PayAudit]:
    return list(db.exec(select(PayAudit).where(PayAudit.order_id == order.id).order_by(col(PayAudit.id))).all())


@pytest.mark.parametrize("who", ["official_b", "finance_b"])
def test_other_agency_cannot_list_read_or_refund(db: Session, town: SimpleNamespace, who: str) -> None:
    actor = getattr(town, who).id
    code = town.order_a.code
    assert _codes(reports.staff_orders(db, actor, *_today())) == {town.order_b.code}
    summary = reports.reconciliation_summary(db, actor, *_today())
    assert [(r.product_kind, r.paid_vnd) for r in summary] == [("procedure_fee", 20_000)]
    for read in (service.get_order, service.audit_trail, receipts.receipt_for):
        with pytest.raises(NotFound) as err:
            read(db, actor, code)
        assert err.value.code == "payments.order_not_found"  # the same answer as for an unknown code
    with pytest.raises(NotFound if who == "finance_b" else NotAllowed):
        service.refund_order(db, actor, code, 50_000, "Hoàn nhầm cơ quan")
    db.rollback()
    db.refresh(town.order_a)
    assert (town.order_a.status, town.order_a.refunded_vnd) == ("paid", 0)
    assert db.exec(select(func.count()).select_from(PayRefund)).one() == 0


def test_finance_refunds_own_agency_with_reason_into_the_audit(db: Session, town: SimpleNamespace) -> None:
    order, finance = town.order_a, town.finance_a
    assert _codes(reports.staff_orders(db, finance.id, *_today())) == {order.code}
    before = _audits(db, order)
    for blank in ("", "   ", None):
        with pytest.raises(DomainError, match="refund_reason_required") as err:
            service.refund_order(db, finance.id, order.code, 10_000, blank)  # type: ignore[arg-type]
        assert err.value.code == "payments.refund_reason_required"  # a translated message key
        db.rollback()
    db.refresh(order)
    assert (order.status, order.refunded_vnd, len(_audits(db, order))) == ("paid", 0, len(before))
    assert db.exec(select(func.count()).select_from(PayRefund)).one() == 0

    service.refund_order(db, finance.id, order.code, 10_000, "Thu thừa lệ phí một bản sao")
    db.commit()
    db.refresh(order)
    assert (order.status, order.refunded_vnd) == ("partially_refunded", 10_000)
    last = _audits(db, order)[-1]
    assert (last.actor, last.reason, last.amount_vnd, last.detail) == (
        f"user:{finance.id}", "refund", 10_000, "Thu thừa lệ phí một bản sao")
    refund = db.exec(select(PayRefund)).one()
    assert (refund.actor, refund.reason, refund.amount_vnd) == (f"user:{finance.id}", "Thu thừa lệ phí một bản sao",
                                                                10_000)
    notice = list_notifications(db, town.payer.id, "vi")[0]
    assert notice.url == f"/payments/{order.code}" and "10.000 ₫" in notice.body
    assert "Thu thừa lệ phí" in notice.body and notice.title == "Bạn được hoàn tiền"


def test_own_agency_officials_read_but_do_not_refund(db: Session, town: SimpleNamespace) -> None:
    official, code = town.official_a.id, town.order_a.code
    assert service.get_order(db, official, code).code == code
    assert receipts.receipt_for(db, official, code).payer_name == "Lê Thị Mai"
    assert _codes(reports.staff_orders(db, official, *_today())) == {code}
    assert service.money_scope(db, official).can_refund is False
    with pytest.raises(NotAllowed):
        service.refund_order(db, official, code, 1_000, "Cán bộ thụ lý tự hoàn")
    db.rollback()
    db.refresh(town.order_a)
    assert town.order_a.refunded_vnd == 0


def test_admin_sees_and_refunds_every_agency(db: Session, town: SimpleNamespace) -> None:
    admin = town.admin.id
    every = {town.order_a.code, town.order_b.code, town.test_order.code}
    assert _codes(reports.staff_orders(db, admin, *_today())) == every
    assert _codes(reports.staff_orders(db, town.finance_a.id, *_today())) == {town.order_a.code}  # not all
    assert sum(r.paid_vnd for r in reports.reconciliation_summary(db, admin, *_today())) == 79_000
    assert receipts.receipt_for(db, admin, town.order_b.code).amount_vnd == 20_000
    service.refund_order(db, admin, town.order_b.code, 20_000, "Hồ sơ bị trả lại")
    db.commit()
    assert town.order_b.status == "refunded"
    # Test orders belong to no agency: only their payer and admins see them.
    with pytest.raises(NotFound):
        service.get_order(db, town.finance_a.id, town.test_order.code)


def test_staff_without_agency_see_nothing(db: Session, town: SimpleNamespace) -> None:
    drifter = make_user(db, "Cán bộ chưa có cơ quan", "finance")
    with pytest.raises(NotAllowed) as err:
        reports.staff_orders(db, drifter.id, *_today())
    assert err.value.code == "payments.staff_without_agency"
    with pytest.raises(NotFound):
        receipts.receipt_for(db, drifter.id, town.order_a.code)
    with pytest.raises(NotAllowed):
        reports.reconciliation_summary(db, town.payer.id, *_today())


def test_order_owner_comes_from_the_pillar_or_the_catalog(db: Session, town: SimpleNamespace) -> None:
    with pytest.raises(ValueError, match="agency_id"):
        new_order(db, town.payer, 10_000, kind="procedure_fee")  # a fee must name the receiving agency
    db.rollback()
    assert new_order(db, town.payer, kind="metro_ticket").agency_id is None  # operator not seeded yet: admins only
    operator = make_agency(db, "hurc1", "Công ty Đường sắt đô thị số 1", "Urban Railway Company No. 1", "transport")
    assert new_order(db, town.payer, kind="metro_ticket").agency_id == operator.id
    assert new_order(db, town.payer, kind="metro_pass", amount=300_000).agency_id == operator.id
    assert new_order(db, town.payer).agency_id is None  # sandbox test order


def test_finance_role_needs_an_agency(db: Session, town: SimpleNamespace) -> None:
    target = make_user(db, "Nhân viên mới")
    with pytest.raises(DomainError) as err:
        identity.set_roles(db, town.admin.id, target.id, {"finance"}, None)
    assert err.value.code == "error.finance_needs_agency"
    identity.set_roles(db, town.admin.id, target.id, {"finance"}, "ca-ban-co")
    db.commit()
    assert identity.roles_of(db, target.id) == {"citizen", "finance"}
    assert _codes(reports.staff_orders(db, target.id, *_today())) == {town.order_b.code}
