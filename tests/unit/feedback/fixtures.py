"""Fixtures for the feedback board: agencies from data/agencies.json, users with roles, photos."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from PIL import Image
from sqlmodel import Session, select

from citizen_app.feedback import service
from citizen_app.feedback.catalog import DATA
from citizen_app.identity.models import Agency, UserAccount, UserRole

BEN_THANH = (10.7725, 106.6980)


@dataclass
class World:
    citizen: int
    neighbour: int
    stranger: int
    official: int  # so-gtvt (roads)
    other_official: int  # ca-ban-co (police)
    supervisor: int  # ubnd-tphcm, parent of so-gtvt
    admin: int


def seed_agencies(db: Session) -> None:
    for raw in json.loads((DATA / "agencies.json").read_text(encoding="utf-8"))["agencies"]:
        db.add(Agency(code=raw["code"], name_vi=raw["name_vi"], name_en=raw["name_en"], kind=raw["kind"],
                      ward=raw["ward"], parent_code=raw["parent_code"]))
    db.flush()


def make_user(db: Session, name: str, *roles: str, agency: str | None = None, phone: str | None = None) -> int:
    agency_id = None
    if agency:
        agency_id = db.exec(select(Agency.id).where(Agency.code == agency)).one()
    user = UserAccount(full_name=name, phone=phone, agency_id=agency_id)
    db.add(user)
    db.flush()
    for role in {"citizen", *roles}:
        db.add(UserRole(user_id=user.id, role=role))
    db.flush()
    return user.id


@pytest.fixture()
def world(db: Session) -> World:
    seed_agencies(db)
    w = World(
        citizen=make_user(db, "Nguyễn Văn An", phone="0901234567"),
        neighbour=make_user(db, "Trần Thị Bình"),
        stranger=make_user(db, "Lê Văn Cường"),
        official=make_user(db, "Cán bộ Sở", "official", agency="so-gtvt"),
        other_official=make_user(db, "Cán bộ Công an", "official", agency="ca-ban-co"),
        supervisor=make_user(db, "Lãnh đạo TP", "official", agency="ubnd-tphcm"),
        admin=make_user(db, "Quản trị", "admin"),
    )
    db.commit()
    return w


@pytest.fixture()
def notices():
    sent: list[service.FeedbackNotice] = []
    with service.NOTICE.replaced(lambda _db, notice: sent.append(notice)):
        yield sent


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (10.0, 46.0, 21.0), "E", (106.0, 41.0, 52.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def report_input(**overrides) -> service.ReportInput:
    data = {"category_code": "road_damage", "title": "Ổ gà lớn trên đường Lê Lợi",
            "description": "Ổ gà sâu khoảng 20cm giữa đường, xe máy dễ té. Gọi tôi 0901 234 567 nếu cần.",
            "lat": BEN_THANH[0], "lon": BEN_THANH[1], "address": "12 Lê Lợi", "ward": "Bến Thành",
            "attributes": {"severity": "high"}}
    data.update(overrides)
    return service.ReportInput(**data)


def new_report(db: Session, user_id: int, **overrides):
    report = service.create_report(db, user_id, report_input(**overrides))
    db.commit()
    return report


@dataclass
class BanCo:
    """phường Bàn Cờ staffed like the demo: the ward committee (a lead and an officer), ward police, the roads
    department and the 1022 intake."""

    citizen: int
    binh: int  # UBND phường Bàn Cờ, lead
    thu: int  # UBND phường Bàn Cờ
    lan: int  # Công an phường Bàn Cờ
    tam: int  # Sở Xây dựng (giao thông)
    huong: int  # Tổng đài 1022 (intake)
    admin: int


@pytest.fixture()
def ban_co(db: Session) -> BanCo:
    seed_agencies(db)
    w = BanCo(
        citizen=make_user(db, "Lê Thị Mai", phone="0903123456"),
        binh=make_user(db, "Phạm Văn Bình", "official", "lead", agency="ubnd-ban-co"),
        thu=make_user(db, "Nguyễn Thị Thu", "official", agency="ubnd-ban-co"),
        lan=make_user(db, "Võ Thị Lan", "official", agency="ca-ban-co"),
        tam=make_user(db, "Đặng Văn Tâm", "official", agency="so-gtvt"),
        huong=make_user(db, "Mai Thanh Hương", "official", agency="tt-1022"),
        admin=make_user(db, "Quản trị", "admin"),
    )
    db.commit()
    return w


def pothole(db: Session, user_id: int, address: str = "Hẻm 185 Cách Mạng Tháng Tám", ward: str = "phường Bàn Cờ",
            **overrides):
    """A pothole reported in phường Bàn Cờ (in an alley: the ward's; on Cách Mạng Tháng Tám: the roads dept's)."""
    return new_report(db, user_id, title="Ổ gà sâu giữa hẻm", address=address, ward=ward, lat=10.7745,
                      lon=106.6842, **overrides)
