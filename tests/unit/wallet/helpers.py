"""Shared test helpers for the identity wallet."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

import citizen_app.identity.wallet_models  # noqa: F401  (register the wallet tables)
from citizen_app.identity.models import UserAccount, UserRole
from citizen_app.identity.profile import ProfileInput, save_profile, verify_profile

ID_NUMBER = "079060001234"  # HCMC, male born 1960


def make_user(db: Session, name: str = "Nguyễn Văn An", roles: tuple[str, ...] = ()) -> UserAccount:
    user = UserAccount(full_name=name)
    db.add(user)
    db.flush()
    for role in ("citizen", *roles):
        db.add(UserRole(user_id=user.id, role=role))
    db.flush()
    return user


def make_verified_citizen(db: Session, birth: date = date(1960, 5, 17), id_number: str = ID_NUMBER) -> UserAccount:
    citizen = make_user(db)
    official = make_user(db, "Trần Thị Bình", ("official",))
    save_profile(db, citizen.id, ProfileInput(full_name="Nguyễn Văn An", birth_date=birth, sex="M",
                                              id_number=id_number, address="12 Lê Lợi, Bến Nghé", ward="Bến Nghé"))
    verify_profile(db, official.id, citizen.id, id_number)
    db.commit()
    return citizen
