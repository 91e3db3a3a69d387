from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.identity.models import Agency
from citizen_app.notify import service
from citizen_app.notify.models import TOPICS, NotifyNotification, NotifyOutbox, NotifyPushSubscription
from tests.unit.notify.pushkit import FakeBrowser, make_user

EP = "http://127.0.0.1:9/push/"


def _subscribe(db: Session, user_id: int, name: str, topics: list[str] | None = None) -> NotifyPushSubscription:
    row = service.subscribe(db, user_id, FakeBrowser().subscription(EP + name), topics, allow_loopback=True)
    db.commit()
    return row


def _count(db: Session, model: type) -> int:
    return len(db.exec(select(model)).all())


def test_subscribe_defaults_to_all_topics_and_upserts(db: Session) -> None:
    uid = make_user(db)
    row = _subscribe(db, uid, "a")
    assert service.list_devices(db, uid)[0].topics == TOPICS
    again = _subscribe(db, uid, "a", ["ticket_expiry"])
    assert again.id == row.id and _count(db, NotifyPushSubscription) == 1
    assert service.list_devices(db, uid)[0].topics == ("ticket_expiry",)
    service.subscribe(db, uid, FakeBrowser().subscription(EP + "a"), None, allow_loopback=True)  # keys rotate
    assert service.list_devices(db, uid)[0].topics == ("ticket_expiry",)


def test_malformed_subscription_stores_nothing(db: Session) -> None:
    uid = make_user(db)
    bad = FakeBrowser().subscription(EP + "x")
    bad["keys"]["auth"] = "AAAA"
    with pytest.raises(DomainError, match="auth_invalid"):
        service.subscribe(db, uid, bad, allow_loopback=True)
    with pytest.raises(DomainError, match="topic_unknown"):
        service.subscribe(db, uid, FakeBrowser().subscription(EP + "x"), ["spam"], allow_loopback=True)
    assert _count(db, NotifyPushSubscription) == 0


def test_endpoint_moves_to_the_new_login_and_replaces_keeps_topics(db: Session) -> None:
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    _subscribe(db, alice, "shared", ["dossier_status"])
    _subscribe(db, bob, "shared")
    assert service.list_devices(db, alice) == [] and len(service.list_devices(db, bob)) == 1
    service.subscribe(db, bob, FakeBrowser().subscription(EP + "renewed"), replaces=EP + "shared", allow_loopback=True)
    devices = service.list_devices(db, bob)
    assert [d.topics for d in devices] == [TOPICS] and _count(db, NotifyPushSubscription) == 1


def test_unsubscribe_only_own(db: Session) -> None:
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    _subscribe(db, alice, "a")
    assert service.unsubscribe(db, bob, EP + "a") is False
    assert service.unsubscribe(db, alice, EP + "a") is True
    assert _count(db, NotifyPushSubscription) == 0


def test_device_topics_and_removal_are_owner_only(db: Session) -> None:
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    row = _subscribe(db, alice, "a")
    with pytest.raises(NotFound):
        service.set_device_topics(db, bob, row.id, ["ticket_expiry"])
    assert service.set_device_topics(db, alice, row.id, ["ticket_expiry", "ticket_expiry"]) == ("ticket_expiry",)
    with pytest.raises(NotFound):
        service.remove_device(db, bob, row.id)
    service.remove_device(db, alice, row.id)
    assert service.list_devices(db, alice) == []


def test_notify_writes_in_app_row_and_outbox_per_subscribed_device(db: Session) -> None:
    uid = make_user(db, lang="vi")
    _subscribe(db, uid, "phone", ["dossier_status"])
    _subscribe(db, uid, "laptop", ["ticket_expiry"])
    _subscribe(db, make_user(db, "Other"), "other")
    row = service.notify(db, uid, "dossier_status", "notify.announcement.title", "notify.announcement.body",
                         {"title_vi": "Hồ sơ đã được duyệt", "title_en": "Approved", "body_vi": "Mời nhận kết quả",
                          "body_en": "Collect it"}, "/procedures/dossiers/42")
    db.commit()
    outbox = db.exec(select(NotifyOutbox)).all()
    assert len(outbox) == 1 and outbox[0].notification_id == row.id
    payload = json.loads(outbox[0].payload_json)
    assert payload["title"] == "Hồ sơ đã được duyệt" and payload["url"] == "/procedures/dossiers/42"
    assert payload["lang"] == "vi" and payload["tag"] == f"dossier_status-{row.id}"


def test_notify_is_part_of_the_callers_transaction(db: Session) -> None:
    uid = make_user(db)
    _subscribe(db, uid, "a")
    service.notify(db, uid, "feedback_updates", "notify.generic.title", "notify.generic.body", {}, "/feedback")
    db.rollback()
    assert _count(db, NotifyNotification) == 0 and _count(db, NotifyOutbox) == 0


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)", "/a\\b", "a"])
def test_notify_refuses_foreign_urls(db: Session, url: str) -> None:
    uid = make_user(db)
    with pytest.raises(DomainError, match="url_invalid"):
        service.notify(db, uid, "feedback_updates", "notify.generic.title", "notify.generic.body", {}, url)


def test_notify_refuses_unknown_topic_and_key(db: Session) -> None:
    uid = make_user(db)
    with pytest.raises(DomainError, match="topic_unknown"):
        service.notify(db, uid, "marketing", "notify.generic.title", "notify.generic.body")
    with pytest.raises(ValueError):
        service.notify(db, uid, "feedback_updates", "notify.no_such_key", "notify.generic.body")


def test_push_text_uses_the_users_language(db: Session) -> None:
    uid = make_user(db, lang="en")
    _subscribe(db, uid, "a")
    service.notify(db, uid, "ticket_expiry", "notify.generic.title", "notify.generic.body")
    payload = json.loads(db.exec(select(NotifyOutbox)).one().payload_json)
    assert payload == {**payload, "title": "HCMC Digital Citizen", "body": "You have a new notification.", "lang": "en"}


def test_notification_centre(db: Session) -> None:
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    ids = [service.notify(db, alice, "feedback_updates", "notify.generic.title", "notify.generic.body").id
           for _ in range(3)]
    db.commit()
    listed = service.list_notifications(db, alice, "en")
    assert [v.id for v in listed] == ids[::-1] and listed[0].title == "HCMC Digital Citizen"
    assert service.list_notifications(db, alice)[0].body == "Bạn có thông báo mới."
    assert [v.id for v in service.list_notifications(db, alice, before_id=ids[2], limit=1)] == [ids[1]]
    assert service.unread_count(db, alice) == 3
    with pytest.raises(NotFound):
        service.mark_read(db, bob, ids[0])
    service.mark_read(db, alice, ids[0])
    service.mark_read(db, alice, ids[0])
    assert service.unread_count(db, alice) == 2
    assert service.mark_all_read(db, alice) == 2
    assert service.unread_count(db, alice) == 0 and all(v.read for v in service.list_notifications(db, alice))
    assert service.list_notifications(db, bob) == []


def _official(db: Session) -> int:
    db.add(Agency(code="ubnd-q1", name_vi="UBND Quận 1", name_en="District 1 PC", kind="ward"))
    return make_user(db, "Cán bộ", roles=("official",))


def test_announcement_needs_official_or_admin(db: Session) -> None:
    citizen = make_user(db)
    for fn in (service.preview_announcement, service.send_announcement):
        with pytest.raises(NotAllowed):
            fn(db, citizen, "city_announcements", "Mất điện", "Khu vực Quận 1", "/")
        with pytest.raises(NotAllowed):
            fn(db, None, "city_announcements", "Mất điện", "Khu vực Quận 1", "/")


def test_announcement_preview_validation_confirm_and_send(db: Session) -> None:
    official = _official(db)
    vi_user, en_user = make_user(db, "An", "vi"), make_user(db, "Ann", "en")
    _subscribe(db, vi_user, "vi-phone")
    _subscribe(db, en_user, "en-phone", ["city_announcements"])
    _subscribe(db, en_user, "en-laptop", ["dossier_status"])
    title = {"vi": "Cấm đường Lê Lợi", "en": "Le Loi street closed"}
    body = {"vi": "Từ 20h đến 23h tối nay.", "en": "From 8pm to 11pm tonight."}
    preview = service.preview_announcement(db, official, "city_announcements", title, body, "/news/1")
    assert (preview.recipients, preview.devices, preview.title["en"]) == (3, 2, "Le Loi street closed")
    assert _count(db, NotifyNotification) == 0
    with pytest.raises(DomainError, match="confirm_required"):
        service.send_announcement(db, official, "city_announcements", title, body, "/news/1", confirm=False)
    with pytest.raises(DomainError, match="not_broadcast"):
        service.send_announcement(db, official, "dossier_status", title, body, "/news/1")
    with pytest.raises(DomainError, match="title_length"):
        service.preview_announcement(db, official, "city_announcements", "  ", body, "/")
    with pytest.raises(DomainError, match="body_length"):
        service.preview_announcement(db, official, "city_announcements", title, "x" * 301, "/")
    assert service.send_announcement(db, official, "city_announcements", title, body, "/news/1") == 3
    db.commit()
    payloads = sorted(json.loads(o.payload_json)["title"] for o in db.exec(select(NotifyOutbox)).all())
    assert payloads == ["Cấm đường Lê Lợi", "Le Loi street closed"]
    assert service.list_notifications(db, en_user, "vi")[0].body == "Từ 20h đến 23h tối nay."
