"""Demo data: a Bàn Cờ ward announcement, a city-wide one, and volunteer Huy in the Bàn Cờ team. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from citizen_app.city import service
from citizen_app.city.models import CityAnnouncement, CityTeamMember
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.models import UserAccount

WARD_TITLE = "Tạm ngừng cấp nước khu phố 3 sáng Chủ nhật"
CITY_TITLE = "Cảnh báo lừa đảo giả danh sàn thương mại điện tử"


def _announce(db: Session, author: UserAccount, data: service.AnnouncementInput) -> None:
    if db.exec(select(CityAnnouncement).where(CityAnnouncement.title_vi == data.title_vi)).first() is None:
        service.publish_announcement(db, author.id, data)


def seed(db: Session, users: dict[str, UserAccount]) -> None:
    official, admin, volunteer = users.get("0938000001"), users.get("admin@congdanso.example"), users.get("0977000001")
    until = utcnow() + timedelta(days=30)
    if official is not None:
        _announce(db, official, service.AnnouncementInput(
            title_vi=WARD_TITLE, title_en="Water supply paused in quarter 3 on Sunday morning",
            body_vi="Để sửa đường ống, khu phố 3 phường Bàn Cờ tạm ngừng cấp nước từ 7:00 đến 11:00 sáng Chủ nhật.",
            body_en="To repair a pipe, quarter 3 of Ban Co ward has no water from 7:00 to 11:00 on Sunday morning.",
            audience="ward", ward="Bàn Cờ", valid_until=until))
    if admin is not None:
        _announce(db, admin, service.AnnouncementInput(
            title_vi=CITY_TITLE, title_en="Warning: scams impersonating online marketplaces",
            body_vi="Không bấm đường dẫn lạ, không chuyển tiền để 'nhận quà'. "
                    "Kiểm tra đường dẫn ở mục Mua sắm an toàn.",
            body_en="Don't tap strange links or pay to 'claim a gift'. Check links in Shop safely.",
            audience="city", valid_until=until))
    if volunteer is not None and db.exec(select(CityTeamMember).where(CityTeamMember.user_id == volunteer.id)).first() \
            is None:
        db.add(CityTeamMember(team_code="cns-ban-co", user_id=volunteer.id, added_by=admin.id if admin else None))
    db.flush()
