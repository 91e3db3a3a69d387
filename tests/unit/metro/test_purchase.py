from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.metro import purchase, tickets
from citizen_app.metro.models import MetroDenyEntry, MetroTicket
from citizen_app.metro.phone import SimulatedPhone
from tests.unit.metro.helpers import NOW, buy, make_user


def test_single_journey_awaits_payment_then_is_fulfilled(db: Session) -> None:
    uid = make_user(db)
    phone = SimulatedPhone()
    ticket = purchase.create_order(db, uid, "single", phone.device_key, origin="L1-01", destination="L1-14", now=NOW)
    db.commit()
    assert ticket.status == "awaiting_payment" and ticket.payload is None
    assert (ticket.price_vnd, ticket.medium, ticket.fare_is_estimate) == (19000, "cashless", True)
    assert purchase.order_for_payment(db, ticket.order_ref)[0] == 19000
    with pytest.raises(DomainError):
        purchase.fulfil_paid_order(db, ticket.order_ref, amount_vnd=1000, now=NOW)
    paid = purchase.fulfil_paid_order(db, ticket.order_ref, amount_vnd=19000, now=NOW)
    db.commit()
    assert paid.status == "active" and paid.payload and paid.receipt_no
    # valid only on the day bought: until 23:59:59 Vietnam time = 16:59:59 UTC
    assert paid.valid_until == datetime(2026, 3, 10, 16, 59, 59, tzinfo=UTC)
    again = purchase.fulfil_paid_order(db, ticket.order_ref, now=NOW + timedelta(hours=5))
    assert again.valid_until == paid.valid_until and again.payload == paid.payload  # idempotent


def test_receipt_and_history(db: Session) -> None:
    uid = make_user(db)
    ticket, _ = buy(db, uid)
    receipt = tickets.get_receipt(db, uid, ticket.id)
    assert receipt.amount_vnd == 8000 and receipt.single_day_rule and receipt.fare_is_estimate
    other = make_user(db, "Trần Thị B")
    with pytest.raises(DomainError):
        tickets.get_receipt(db, other, ticket.id)
    history = tickets.rider_history(db, uid)
    assert [p.id for p in history.purchases] == [ticket.id]


def test_passes_validity(db: Session) -> None:
    uid = make_user(db)
    day3, _ = buy(db, uid, "day_3", origin=None, destination=None)
    assert day3.price_vnd == 90000 and day3.origin is None
    assert day3.valid_until == datetime(2026, 3, 12, 16, 59, 59, tzinfo=UTC)
    monthly, _ = buy(db, uid, "monthly")
    assert monthly.valid_until == datetime(2026, 4, 8, 16, 59, 59, tzinfo=UTC)


def test_student_pass_needs_credential(db: Session) -> None:
    uid = make_user(db)
    phone = SimulatedPhone()
    with pytest.raises(DomainError) as err:
        purchase.create_order(db, uid, "student_monthly", phone.device_key, claims={"student": False}, now=NOW)
    assert err.value.code == "metro.error.needs_student"
    ticket, _ = buy(db, uid, "student_monthly", claims={"student": True})
    assert ticket.price_vnd == 150000 and ticket.rider_category == "student"


def test_senior_free_pass_with_over_60_claim_is_active_without_payment(db: Session) -> None:
    uid = make_user(db)
    with pytest.raises(DomainError) as err:
        purchase.create_order(db, uid, "senior_free", SimulatedPhone().device_key, claims={}, now=NOW)
    assert err.value.code == "metro.error.needs_age_over_60"
    ticket = purchase.create_order(db, uid, "senior_free", SimulatedPhone().device_key,
                                  claims={"age_over_60": True}, now=NOW)
    assert ticket.status == "active" and ticket.price_vnd == 0 and ticket.rider_category == "senior"


def test_free_day_pass_only_on_free_days(db: Session) -> None:
    uid = make_user(db)
    with pytest.raises(DomainError) as err:
        purchase.create_order(db, uid, "free_day", SimulatedPhone().device_key, now=NOW)
    assert err.value.code == "metro.error.not_free_day"
    tet = datetime(2026, 2, 16, 3, 0, tzinfo=UTC)
    ticket = purchase.create_order(db, uid, "free_day", SimulatedPhone().device_key, now=tet)
    assert ticket.status == "active" and ticket.valid_until == datetime(2026, 2, 16, 16, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("kwargs,code", [
    ({"product_id": "weekly"}, "metro.error.product_unknown"),
    ({"device_key": "not-a-key"}, "metro.error.device_key"),
    ({"origin": "L2-01"}, "metro.error.station_unknown"),
    ({"destination": "L1-01"}, "metro.error.same_station"),
])
def test_bad_input_changes_nothing(db: Session, kwargs: dict, code: str) -> None:
    uid = make_user(db)
    args = {"product_id": "single", "device_key": SimulatedPhone().device_key, "origin": "L1-01",
            "destination": "L1-05"} | kwargs
    with pytest.raises(DomainError) as err:
        purchase.create_order(db, uid, args.pop("product_id"), args.pop("device_key"), now=NOW, **args)
    assert err.value.code == code
    assert db.exec(select(MetroTicket)).all() == []


def test_login_required(db: Session) -> None:
    with pytest.raises(NotAllowed):
        purchase.create_order(db, None, "single", SimulatedPhone().device_key, origin="L1-01", destination="L1-02")


def test_cancel_unpaid_order(db: Session) -> None:
    uid = make_user(db)
    ticket = purchase.create_order(db, uid, "day_1", SimulatedPhone().device_key, now=NOW)
    purchase.cancel_order(db, ticket.order_ref)
    with pytest.raises(DomainError):
        purchase.fulfil_paid_order(db, ticket.order_ref)


def test_rebind_moves_ticket_and_denylists_old_phone(db: Session) -> None:
    uid = make_user(db)
    ticket, old_phone = buy(db, uid, "day_1")
    old_payload = ticket.payload
    new_phone = SimulatedPhone()
    tickets.rebind_device(db, uid, ticket.id, new_phone.device_key)
    db.commit()
    assert ticket.payload != old_payload
    assert len(db.exec(select(MetroDenyEntry)).all()) == 1
    assert tickets.list_my_tickets(db, uid, now=NOW)[0].id == ticket.id
