"""Shared helpers for payments tests."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from sqlmodel import Session

from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.payments import sandbox, service
from citizen_app.payments.models import PayOrder


def make_user(db: Session, name: str = "Nguyễn Văn An", role: str | None = None,
              agency_id: int | None = None) -> UserAccount:
    user = UserAccount(full_name=name, email=f"{abs(hash(name + str(role)))}@example.vn", agency_id=agency_id)
    db.add(user)
    db.flush()
    if role:
        db.add(UserRole(user_id=user.id, role=role))
    db.commit()
    return user


def new_order(db: Session, user: UserAccount, amount: int = 7000, kind: str = "sandbox_demo",
              now: datetime | None = None, agency_id: int | None = None, ref: str | None = None) -> PayOrder:
    """A pending order; each for a purpose of its own unless ``ref`` names a shared one."""
    order = service.create_order(db, user.id, kind, ref or f"T-{secrets.token_hex(4)}", amount,
                                 "Vé lượt Bến Thành → Suối Tiên", "/metro/tickets", agency_id=agency_id, now=now)
    db.commit()
    return order


def started(db: Session, user: UserAccount, order: PayOrder, now: datetime | None = None) -> dict[str, str]:
    """Start with the sandbox and return the signed request the browser carries to the hosted page."""
    start = service.start_payment(db, user.id, order.code, "sandbox", base_url="http://testserver", now=now)
    db.commit()
    return dict(parse_qsl(urlsplit(start.redirect_url).query))


def gateway_ipn(db: Session, user: UserAccount, order: PayOrder, decision: str = "approve",
                now: datetime | None = None) -> dict[str, str]:
    """Run the hosted page and return the signed IPN parameters the gateway would send."""
    params = started(db, user, order, now)
    result = sandbox.decide(db, params, decision, "card", "now", now=now)
    db.commit()
    assert result.ipn_url
    return dict(parse_qsl(urlsplit(result.ipn_url).query))


def make_agency(db: Session, code: str, name_vi: str, name_en: str, kind: str = "ward") -> Agency:
    agency = Agency(code=code, name_vi=name_vi, name_en=name_en, kind=kind)
    db.add(agency)
    db.commit()
    return agency


def paid_order(db: Session, payer: UserAccount, amount: int, agency_id: int | None,
               kind: str = "procedure_fee") -> PayOrder:
    """An order of ``agency_id`` paid through the sandbox's signed notification."""
    order = new_order(db, payer, amount, kind=kind, agency_id=agency_id)
    assert service.handle_notification(db, "sandbox", gateway_ipn(db, payer, order)).outcome == service.ACCEPTED
    db.commit()
    return order
