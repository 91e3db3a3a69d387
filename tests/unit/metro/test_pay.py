from __future__ import annotations

from sqlmodel import Session

from citizen_app.metro import denylist, pay
from citizen_app.metro.models import MetroTicket
from citizen_app.metro.phone import SimulatedPhone
from citizen_app.payments.service import fulfilments
from tests.unit.metro.helpers import make_user


def test_start_purchase_creates_payment_order_and_paid_hook_activates(db: Session) -> None:
    uid = make_user(db)
    ticket, order = pay.start_purchase(db, uid, "single", SimulatedPhone().device_key, origin="L1-01",
                                       destination="L1-14")
    db.commit()
    assert order is not None and order.amount_vnd == 19000 and order.product_ref == ticket.order_ref
    assert order.product_kind == "metro_ticket"
    fulfilments.paid["metro_ticket"](db, order)
    db.commit()
    assert db.get(MetroTicket, ticket.id).status == "active"
    fulfilments.refunded["metro_ticket"](db, order, order.amount_vnd)
    db.commit()
    assert db.get(MetroTicket, ticket.id).status == "revoked"
    assert f"t:{ticket.id}" in denylist.denylist_entries(db)


def test_free_pass_needs_no_payment_order(db: Session) -> None:
    uid = make_user(db)
    ticket, order = pay.start_purchase(db, uid, "senior_free", SimulatedPhone().device_key,
                                       claims={"age_over_60": True})
    assert order is None and ticket.status == "active"
