"""Shared helpers for payments tests."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from sqlmodel import Session

from citizen_app.identity.models import UserAccount, UserRole
from citizen_app.payments import sandbox, service
from citizen_app.payments.models import PayOrder


def make_user(db: Session, name: str = "Nguyễn Văn An", role: str | None = None) -> UserAccount:
    user = UserAccount(full_name=name, email=f"{abs(hash(name + str(role)))}@example.vn")
    db.add(user)
    db.flush()
    if role:
        db.add(UserRole(user_id=user.id, role=role))
    db.commit()
    return user


def new_order(db: Session, user: UserAccount, amount: int = 7000, kind: str = "sandbox_demo",
              now: datetime | None = None) -> PayOrder:
    order = service.create_order(db, user.id, kind, "T-1", amount, "Vé lượt Bến Thành → Suối Tiên", "/metro/tickets",
                                 now=now)
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
