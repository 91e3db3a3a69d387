from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from citizen_app.identity.models import UserAccount
from citizen_app.metro import purchase
from citizen_app.metro.models import MetroTicket
from citizen_app.metro.phone import SimulatedPhone

NOW = datetime(2026, 3, 10, 2, 0, 0, tzinfo=UTC)  # 09:00 in Ho Chi Minh City, an ordinary Tuesday


def make_user(db: Session, name: str = "Nguyễn Văn A") -> int:
    user = UserAccount(full_name=name)
    db.add(user)
    db.commit()
    assert user.id is not None
    return user.id


def buy(db: Session, user_id: int, product: str = "single", phone: SimulatedPhone | None = None,
        origin: str | None = "L1-01", destination: str | None = "L1-08", claims: dict | None = None,
        now: datetime = NOW) -> tuple[MetroTicket, SimulatedPhone]:
    phone = phone or SimulatedPhone()
    ticket = purchase.create_order(db, user_id, product, phone.device_key, origin=origin, destination=destination,
                                  claims=claims, now=now)
    if ticket.status == "awaiting_payment":
        purchase.fulfil_paid_order(db, ticket.order_ref, amount_vnd=ticket.price_vnd, now=now)
    db.commit()
    return ticket, phone


def make_staff(db: Session, role: str, agency_code: str | None = None, name: str = "Nhân viên") -> int:
    """A user with ``role``, belonging to the agency ``agency_code`` (created when missing)."""
    from sqlmodel import select

    from citizen_app.identity.models import Agency, UserRole

    user_id = make_user(db, name)
    if agency_code:
        agency = db.exec(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            agency = Agency(code=agency_code, name_vi=agency_code, name_en=agency_code, kind="transport")
            db.add(agency)
            db.flush()
        user = db.get(UserAccount, user_id)
        assert user is not None
        user.agency_id = agency.id
    db.add(UserRole(user_id=user_id, role=role))
    db.commit()
    return user_id
