"""Fixtures for the procedures pillar: agencies, accounts with roles, and answer builders."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.procedures.hooks import ACTIVITY, NOTIFY

PDF = b"%PDF-1.4\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 200
# Tuesday 2 Dec 2025, 09:00 in Vietnam (02:00 UTC)
MORNING = datetime(2025, 12, 2, 2, 0, tzinfo=UTC)
SIGN_PASSWORD = "Ky-so-2026-xanh"
# The stay began a few days ago, so a result delivered today still covers it (its credential lives until it ends).
STAY_FROM = (date.today() - timedelta(days=5)).strftime("%d/%m/%Y")


def sign(db, citizen_id: int, dossier_id: int, now: datetime | None = None, password: str | None = None) -> None:
    """The citizen signs the dossier as it stands, through the real signing flow: ``service.submit`` takes
    nothing else. Without their ``password`` they are given one; a verified profile is added when missing."""
    from citizen_app.identity.models import IdentityProfile
    from citizen_app.identity.profile import get_profile
    from citizen_app.identity.service import HASHER
    from citizen_app.procedures import flow

    citizen = db.get(UserAccount, citizen_id)
    if password is None:
        password = SIGN_PASSWORD
        citizen.password_hash = HASHER.hash(password)
    if get_profile(db, citizen_id) is None:
        db.add(IdentityProfile(user_id=citizen_id, full_name=citizen.full_name, level=2))
        db.flush()
    view = flow.prepare_signature(db, citizen_id, dossier_id, now=now)
    with ThreadPoolExecutor(1) as pool:  # pyHanko calls asyncio.run, refused inside an async test's loop
        pool.submit(flow.approve_signature, db, citizen_id, dossier_id, view.id, password).result()


def _user(db, name: str, *roles: str, agency: Agency | None = None, phone: str | None = None) -> UserAccount:
    user = UserAccount(full_name=name, phone=phone, agency_id=agency.id if agency else None)
    db.add(user)
    db.flush()
    for role in ("citizen", *roles):
        db.add(UserRole(user_id=user.id, role=role))
    db.flush()
    return user


@pytest.fixture()
def world(db):
    police = Agency(code="CA-BAN-CO", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Ward Police",
                    kind="ward_police", ward="Bàn Cờ")
    other_police = Agency(code="CA-XUAN-HOA", name_vi="Công an phường Xuân Hòa", name_en="Xuan Hoa Ward Police",
                          kind="ward_police", ward="Xuân Hòa")
    committee = Agency(code="UB-BAN-CO", name_vi="UBND phường Bàn Cờ", name_en="Ban Co Ward People's Committee",
                       kind="ward_committee", ward="Bàn Cờ")
    db.add_all([police, other_police, committee])
    db.flush()
    ns = SimpleNamespace(
        police=police, other_police=other_police, committee=committee,
        mai=_user(db, "Nguyễn Thị Mai", phone="0912345678"),
        citizen=_user(db, "Trần Văn Bình", phone="0987654321"),
        officer=_user(db, "Lê Văn Cảnh", "official", agency=police),
        other_officer=_user(db, "Phạm Thị Dung", "official", agency=other_police),
        committee_officer=_user(db, "Võ Văn Em", "official", agency=committee),
        volunteer=_user(db, "Hoàng Tổ CNS", "volunteer"),
    )
    db.commit()
    return ns


@pytest.fixture()
def hooks():
    """Record what the pillar emits; restore the defaults afterwards."""
    seen = SimpleNamespace(activity=[], notify=[])
    with ACTIVITY.replaced(seen.activity.append), NOTIFY.replaced(seen.notify.append):
        yield seen


def tenant(name: str, born: str, pid: str, exemption: str = "none") -> dict:
    return {"full_name": name, "date_of_birth": born, "sex": "nu", "personal_id": pid, "stay_months": 12,
            "fee_exemption": exemption}


MAI_PAGES = {
    "receiver": {"receiver_agency": "CA-BAN-CO"},
    "owner": {"full_name": "Nguyễn Thị Mai", "date_of_birth": "12/03/1968", "sex": "nu",
              "personal_id": "079168001234", "phone": "0912 345 678", "owner_role": "owner"},
    "place": {"residence_address": "12 Nguyễn Đình Chiểu, khu phố 3", "stay_from": STAY_FROM},
    "tenants": {"tenants": [tenant("Lý Thị Hoa", "05/09/2005", "079305001111"),
                            tenant("Đặng Văn Khôi", "17/01/2006", "079206002222")]},
    "declaration": {"owner_consents": True},
}
