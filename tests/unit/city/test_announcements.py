"""Announcements: who may publish where, ward-first listing, validity window, push through notify."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from citizen_app.city import service
from citizen_app.city.service import AnnouncementInput
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow
from citizen_app.notify.models import NotifyNotification
from tests.unit.city.helpers import make_user, seed_agencies


@pytest.fixture()
def people(db):
    seed_agencies(db)
    return {
        "binh": make_user(db, "0938000001", "Phạm Văn Bình", "citizen", "official", agency="ubnd-ban-co"),
        "city": make_user(db, "0938000009", "Cán bộ Thành phố", "citizen", "official", agency="ubnd-tphcm"),
        "admin": make_user(db, "admin@congdanso.example", "Quản trị", "citizen", "admin"),
        "mai": make_user(db, "0903123456", "Lê Thị Mai", "citizen", ward="Bàn Cờ"),
        "khoa": make_user(db, "0912000001", "Nguyễn Minh Khoa", "citizen", ward="Bến Thành"),
    }


def _ann(**kw) -> AnnouncementInput:
    base = {"title_vi": "Cúp nước", "body_vi": "Cúp nước khu phố 3 sáng thứ Bảy.", "audience": "ward", "ward": ""}
    return AnnouncementInput(**{**base, **kw})


def test_ward_official_publishes_for_own_ward_and_citizens_there_see_it_first(db, people) -> None:
    ward = service.publish_announcement(db, people["binh"], _ann())
    city = service.publish_announcement(db, people["admin"], _ann(title_vi="Lễ hội", audience="city"))
    db.commit()
    assert ward.ward == "Bàn Cờ" and ward.ward_key == "ban co"
    mine = service.list_announcements(db, service.citizen_ward(db, people["mai"]))
    assert [a.id for a in mine] == [ward.id, city.id] and mine[0].mine
    other = service.list_announcements(db, service.citizen_ward(db, people["khoa"]))
    assert [a.id for a in other] == [city.id]
    assert [a.id for a in service.list_announcements(db, "phuong ban co")][0] == ward.id


def test_ward_official_cannot_publish_elsewhere_or_city_wide(db, people) -> None:
    with pytest.raises(NotAllowed):
        service.publish_announcement(db, people["binh"], _ann(ward="Bến Thành"))
    with pytest.raises(NotAllowed):
        service.publish_announcement(db, people["binh"], _ann(audience="city"))
    with pytest.raises(NotAllowed):
        service.publish_announcement(db, people["mai"], _ann(ward="Bàn Cờ"))
    assert service.publish_announcement(db, people["city"], _ann(audience="city")).audience == "city"


def test_expired_and_future_and_withdrawn_are_hidden(db, people) -> None:
    now = utcnow()
    old = service.publish_announcement(db, people["admin"], _ann(audience="city", valid_from=now - timedelta(days=3)),
                                       now=now - timedelta(days=3))
    old.valid_until = now - timedelta(days=1)
    later = now + timedelta(days=2)
    future = service.publish_announcement(db, people["admin"], _ann(audience="city", valid_from=later))
    gone = service.publish_announcement(db, people["admin"], _ann(audience="city"))
    service.withdraw_announcement(db, people["admin"], gone.id)
    live = service.publish_announcement(db, people["admin"], _ann(audience="city", valid_until=now + timedelta(days=1)))
    db.commit()
    assert [a.id for a in service.list_announcements(db, "")] == [live.id]
    assert {a.id for a in service.managed_announcements(db, people["admin"])} == {old.id, future.id, gone.id, live.id}
    assert future.id not in {a.id for a in service.managed_announcements(db, people["binh"])}


@pytest.mark.parametrize(("kw", "code"), [
    ({"title_vi": ""}, "city.announce.title_length"),
    ({"body_vi": "x" * 2001}, "city.announce.body_length"),
    ({"audience": "planet"}, "city.announce.audience_invalid"),
    ({"valid_until": utcnow() - timedelta(hours=1)}, "city.announce.until_before_from"),
])
def test_bad_input_changes_nothing(db, people, kw, code) -> None:
    with pytest.raises(DomainError) as info:
        service.publish_announcement(db, people["admin"], _ann(**{"audience": "city", **kw}))
    assert info.value.code == code
    assert service.managed_announcements(db, people["admin"]) == []


def test_ward_push_reaches_only_that_ward_and_only_once(db, people) -> None:
    row = service.publish_announcement(db, people["binh"], _ann(push=True))
    db.commit()
    rows = db.exec(select(NotifyNotification)).all()
    assert {r.user_id for r in rows} == {people["mai"]} and rows[0].topic == "city_announcements"
    assert row.push_recipients == 1 and row.pushed_at is not None
    assert service.push_announcement(db, row) == 0


def test_scheduled_push_waits_for_the_job(db, people) -> None:
    start = utcnow() + timedelta(hours=2)
    service.publish_announcement(db, people["admin"], _ann(audience="city", push=True, valid_from=start))
    db.commit()
    assert db.exec(select(NotifyNotification)).all() == []
    assert service.push_due_announcements(db) == 0
    assert service.push_due_announcements(db, now=start + timedelta(minutes=1)) == 1
    assert len(db.exec(select(NotifyNotification)).all()) == 5  # every active user
    assert service.push_due_announcements(db, now=start + timedelta(minutes=2)) == 0


def test_local_day_is_vietnam_time() -> None:
    start = service.local_day("2026-12-01")
    assert start is not None and start.isoformat().startswith("2026-11-30T17:00")
    with pytest.raises(DomainError):
        service.local_day("01/12/2026")
