"""Shared test helpers for the identity, wallet and signing tests: users, ward agencies, verified citizens."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from citizen_app.city.text import fold
from citizen_app.identity.desk import verify_profile
from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.identity.profile import ProfileInput, save_profile

ID_NUMBER = "079060001234"  # HCMC, male born 1960
WARD = "Bến Nghé"


def make_user(db: Session, name: str = "Nguyễn Văn An", roles: tuple[str, ...] = ()) -> UserAccount:
    user = UserAccount(full_name=name)
    db.add(user)
    db.flush()
    for role in ("citizen", *roles):
        db.add(UserRole(user_id=user.id, role=role))
    db.flush()
    return user


def ward_agency(db: Session, ward: str = WARD) -> Agency:
    """The ward's People's Committee (created once per ward)."""
    code = "ubnd-" + fold(ward).replace(" ", "-")
    agency = db.exec(select(Agency).where(Agency.code == code)).first()
    if agency is None:
        agency = Agency(code=code, name_vi=f"UBND phường {ward}", name_en=f"{ward} Ward", kind="ward", ward=ward)
        db.add(agency)
        db.flush()
    return agency


def make_ward_official(db: Session, name: str = "Trần Thị Bình", ward: str = WARD) -> UserAccount:
    """An official of the ward's People's Committee: may check ID cards of that ward's citizens."""
    official = make_user(db, name, ("official",))
    official.agency_id = ward_agency(db, ward).id
    db.flush()
    return official


def make_verified_citizen(db: Session, birth: date = date(1960, 5, 17), id_number: str = ID_NUMBER) -> UserAccount:
    citizen = make_user(db)
    official = make_ward_official(db)
    save_profile(db, citizen.id, ProfileInput(full_name="Nguyễn Văn An", birth_date=birth, sex="M",
                                              id_number=id_number, address="12 Lê Lợi, Bến Nghé", ward=WARD))
    verify_profile(db, official.id, citizen.id, id_number)
    db.commit()
    return citizen
