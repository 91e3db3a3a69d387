"""Small builders shared by the city tests."""

from __future__ import annotations

from sqlmodel import Session, select

from citizen_app.identity.models import Agency, IdentityProfile, UserAccount, UserRole


def make_user(db: Session, login: str, name: str, *roles: str, agency: str | None = None, ward: str = "") -> int:
    user = UserAccount(full_name=name, **({"email": login} if "@" in login else {"phone": login}))
    db.add(user)
    db.flush()
    for role in roles:
        db.add(UserRole(user_id=user.id, role=role))
    if agency:
        row = db.exec(select(Agency).where(Agency.code == agency)).first()
        user.agency_id = row.id if row else None
        db.add(user)
    if ward:
        db.add(IdentityProfile(user_id=user.id, full_name=name, ward=ward))
    db.commit()
    return int(user.id)


def seed_agencies(db: Session) -> None:
    db.add(Agency(code="ubnd-ban-co", name_vi="UBND phường Bàn Cờ", name_en="Ban Co Ward", kind="ward", ward="Bàn Cờ"))
    db.add(Agency(code="ubnd-tphcm", name_vi="UBND TP.HCM", name_en="HCMC", kind="city", ward=""))
    db.commit()
