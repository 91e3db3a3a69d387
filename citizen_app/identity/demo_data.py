"""Demo identity profiles: Mrs. Mai (60, level 2) and the two students (Khoa level 2, Hà level 1).

Idempotent: an existing profile is left as it is.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from citizen_app.identity.desk import verify_profile
from citizen_app.identity.models import UserAccount
from citizen_app.identity.profile import ProfileInput, get_profile, save_profile

VERIFIER_LOGIN = "0938000002"  # Võ Thị Lan, Công an phường Bàn Cờ, checks the ID cards of her ward

PROFILES: tuple[tuple[str, ProfileInput, bool], ...] = (
    ("0903123456", ProfileInput(full_name="Lê Thị Mai", birth_date=date(1966, 3, 8), sex="F",
                                id_number="079166001234", address="12 Cao Thắng, phường Bàn Cờ, TP.HCM",
                                ward="Bàn Cờ", phone="0903123456"), True),
    ("0912000001", ProfileInput(full_name="Nguyễn Minh Khoa", birth_date=date(2005, 9, 2), sex="M",
                                id_number="079205004321", address="45/3 Nguyễn Thiện Thuật, phường Bàn Cờ, TP.HCM",
                                ward="Bàn Cờ", phone="0912000001"), True),
    ("0912000002", ProfileInput(full_name="Trần Thu Hà", birth_date=date(2006, 1, 15), sex="F",
                                id_number="079306005678", address="45/3 Nguyễn Thiện Thuật, phường Bàn Cờ, TP.HCM",
                                ward="Bàn Cờ", phone="0912000002"), False),
)


def seed(db: Session, users: dict[str, UserAccount]) -> None:
    verifier = users.get(VERIFIER_LOGIN)
    for login, data, verified in PROFILES:
        user = users.get(login)
        if user is None or get_profile(db, user.id) is not None:
            continue
        save_profile(db, user.id, data)
        if verified and verifier is not None:
            verify_profile(db, verifier.id, user.id, data.id_number)
    db.flush()
