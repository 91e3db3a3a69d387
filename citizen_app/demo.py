"""Seed agencies (always) and demo accounts (for `make run`). Idempotent: re-running changes nothing.

Usage: python -m citizen_app.demo [--agencies-only]
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from sqlmodel import Session, delete, select

from citizen_app.core.config import ROOT, UnsafeConfiguration, env_flag, settings
from citizen_app.core.db import session_scope
from citizen_app.core.registry import import_pillar_modules, install_wiring
from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.identity.service import HASHER, find_by_identifier, parse_identifier

DEMO_PASSWORD = "Demo@2026cds"
DEMO_ON_HTTPS_ENV = "CDS_DEMO_ON_HTTPS_I_UNDERSTAND"


@dataclass(frozen=True)
class DemoUser:
    login: str
    full_name: str
    roles: tuple[str, ...]
    agency: str | None
    story: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("0903123456", "Lê Thị Mai", ("citizen",), None, "60 tuổi, chủ nhà trọ ở phường Bàn Cờ / 60, landlady"),
    DemoUser("0912000001", "Nguyễn Minh Khoa", ("citizen",), None, "sinh viên thuê trọ / student tenant"),
    DemoUser("0912000002", "Trần Thu Hà", ("citizen",), None, "sinh viên thuê trọ / student tenant"),
    DemoUser("0938000001", "Phạm Văn Bình", ("citizen", "official", "lead"), "ubnd-ban-co",
             "phó chủ tịch UBND phường Bàn Cờ (lãnh đạo) / ward vice-chair, lead"),
    DemoUser("0938000002", "Võ Thị Lan", ("citizen", "official", "lead"), "ca-ban-co",
             "cán bộ Công an phường Bàn Cờ (lãnh đạo) / ward police, lead"),
    DemoUser("0938000003", "Trương Ngọc Hân", ("citizen", "finance"), "ubnd-ban-co",
             "kế toán UBND phường Bàn Cờ (lệ phí, hoàn tiền) / ward finance officer"),
    DemoUser("0938000005", "Trần Minh Đức", ("citizen", "official"), "ca-ban-co",
             "phó trưởng Công an phường Bàn Cờ, duyệt lần hai / ward police deputy chief, second approver"),
    DemoUser("0938000004", "Lý Quốc Bảo", ("citizen", "finance"), "hurc1",
             "kế toán HURC1, vé metro / Metro Line 1 operator's finance officer"),
    DemoUser("0938000010", "Nguyễn Thị Thu", ("citizen", "official"), "ubnd-ban-co",
             "cán bộ hạ tầng đô thị UBND phường Bàn Cờ / ward infrastructure officer"),
    DemoUser("0938000006", "Đặng Văn Tâm", ("citizen", "official", "lead"), "so-gtvt",
             "trưởng phòng quản lý đường bộ, Sở Xây dựng / roads department head"),
    DemoUser("0938000007", "Huỳnh Minh Phúc", ("citizen", "official", "lead"), "sawaco",
             "trưởng ban tiếp nhận, SAWACO / water company desk lead"),
    DemoUser("0938000008", "Lâm Quốc Việt", ("citizen", "official", "lead"), "ca-tphcm",
             "cán bộ tiếp nhận tin báo, Công an TP.HCM / city police desk lead"),
    DemoUser("0938000009", "Mai Thanh Hương", ("citizen", "official", "lead"), "tt-1022",
             "điều phối viên Tổng đài 1022 / 1022 hotline dispatcher"),
    DemoUser("0938000011", "Hồ Thanh Tùng", ("citizen", "metro_operator"), "hurc1",
             "điều hành metro HURC1 (cổng soát vé, cảnh báo) / Metro Line 1 operations"),
    DemoUser("admin@congdanso.example", "Quản trị hệ thống", ("citizen", "admin"), None, "quản trị viên / admin"),
    DemoUser("0977000001", "Đỗ Quang Huy", ("citizen", "volunteer"), None, "tình nguyện viên tổ CNS / volunteer"),
)


def seed_agencies(db: Session) -> int:
    records = json.loads((ROOT / "data" / "agencies.json").read_text(encoding="utf-8"))["agencies"]
    added = 0
    for record in records:
        agency = db.exec(select(Agency).where(Agency.code == record["code"])).first()
        if agency is None:
            db.add(Agency(**record))
            added += 1
        else:
            for key, value in record.items():
                setattr(agency, key, value)
    db.flush()
    return added


def seed_user(db: Session, demo: DemoUser) -> UserAccount:
    ident = parse_identifier(demo.login)
    user = find_by_identifier(db, ident)
    if user is None:
        user = UserAccount(full_name=demo.full_name, password_hash=HASHER.hash(DEMO_PASSWORD),
                           **{ident.kind: ident.value})
        db.add(user)
        db.flush()
    agency = db.exec(select(Agency).where(Agency.code == demo.agency)).first() if demo.agency else None
    user.agency_id = agency.id if agency else None
    db.exec(delete(UserRole).where(UserRole.user_id == user.id))
    for role in demo.roles:
        db.add(UserRole(user_id=user.id, role=role))
    db.flush()
    return user


def seed_demo(db: Session) -> dict[str, UserAccount]:
    users = {demo.login: seed_user(db, demo) for demo in DEMO_USERS}
    for module in import_pillar_modules("demo_data"):
        module.seed(db, users)
    return users


def check_demo_allowed() -> None:
    """Demo accounts (an administrator among them) share a published password: never on a public site."""
    if settings().public_site and not env_flag(DEMO_ON_HTTPS_ENV):
        raise UnsafeConfiguration(
            f"PUBLIC_URL={settings().public_url} is a public site: demo accounts with the published password "
            f"would let anyone in as an administrator. Use --agencies-only, or set {DEMO_ON_HTTPS_ENV}=1 for a "
            "public demonstration.")


def main(argv: list[str]) -> None:
    if "--agencies-only" not in argv:
        check_demo_allowed()
    install_wiring()  # the demo's dossiers and reports notify and log like real ones
    with session_scope() as db:
        added = seed_agencies(db)
        if "--agencies-only" in argv:
            print(f"Agencies: {added} added")
            return
        seed_demo(db)
    print(f"Demo data ready (agencies added: {added}). All demo passwords: {DEMO_PASSWORD}")
    for demo in DEMO_USERS:
        print(f"  {demo.login:<26} {demo.full_name:<20} {', '.join(demo.roles):<20} {demo.story}")


if __name__ == "__main__":
    main(sys.argv[1:])
