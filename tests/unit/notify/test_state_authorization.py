"""Notification UI handlers authorize on the server: ids crafted in another user's browser change nothing."""

from __future__ import annotations

import base64

import reflex as rx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.identity import service as identity
from citizen_app.identity.models import UserAccount, UserRole
from citizen_app.identity.state import AuthState
from citizen_app.notify import service
from citizen_app.notify.models import NotifyNotification, NotifyPushSubscription
from citizen_app.notify.state import AnnounceState, BellState, NotifyCentreState, PushSettingsState


def _states(cookie: str = ""):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/notifications", "query": {}, "client_ip": "127.0.0.1"})

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    return sub


def _login(user_id: int, *, load_auth: bool = True):
    with session_scope() as db:
        token = identity.open_session(db, user_id)
    sub = _states(f"cds_sid={token}")
    if load_auth:
        AuthState.load_session.fn(sub(AuthState))
    return sub


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _subscription(n: int) -> dict:
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"endpoint": f"https://fcm.googleapis.com/fcm/send/device-{n}", "keys": {"p256dh": _b64(key),
                                                                                  "auth": _b64(bytes(16))}}


def _seed(engine) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as db:
        users = {}
        for name, role in (("mai", None), ("ha", None), ("binh", "official")):
            user = UserAccount(full_name=name.title(), email=f"{name}@example.vn")
            db.add(user)
            db.flush()
            if role:
                db.add(UserRole(user_id=user.id, role=role))
            users[name] = user.id
        for name in ("mai", "ha"):
            service.notify(db, users[name], "dossier_status", "notify.generic.title", "notify.generic.body", {},
                           f"/procedures?{name}")
        users["mai_note"] = db.exec(select(NotifyNotification.id).where(
            NotifyNotification.user_id == users["mai"])).one()
        users["mai_device"] = service.subscribe(db, users["mai"], _subscription(1)).id
        db.commit()
        return users


def _note_read(note_id: int) -> bool:
    with session_scope() as db:
        return db.get(NotifyNotification, note_id).read_at is not None


async def test_centre_shows_only_own_items_and_ignores_foreign_ids(app_db) -> None:
    ids = _seed(app_db)
    sub = _login(ids["ha"])
    centre = sub(NotifyCentreState)
    await NotifyCentreState.load.fn(centre)
    assert len(centre.items) == 1 and centre.items[0]["title_en"] == "HCMC Digital Citizen"
    assert sub(BellState).unread == 1
    await NotifyCentreState.mark_read.fn(centre, str(ids["mai_note"]))
    assert centre.error["en"] == "Not found."
    result = await NotifyCentreState.open_item.fn(centre, str(ids["mai_note"]))
    assert result is None and not _note_read(ids["mai_note"])

    mai = _login(ids["mai"])(NotifyCentreState)
    redirect = await NotifyCentreState.open_item.fn(mai, str(ids["mai_note"]))
    assert _note_read(ids["mai_note"]) and "/procedures?mai" in str(redirect)


async def test_bell_counts_from_the_session_cookie_even_before_on_load(app_db) -> None:
    ids = _seed(app_db)
    bell = _login(ids["mai"], load_auth=False)(BellState)
    await BellState.load.fn(bell)
    assert bell.unread == 1 and bell.badge == "1"
    anonymous = _states("cds_sid=forged")(BellState)
    await BellState.load.fn(anonymous)
    assert anonymous.unread == 0


async def test_devices_of_someone_else_cannot_be_changed(app_db) -> None:
    ids = _seed(app_db)
    other = _login(ids["ha"])(PushSettingsState)
    await PushSettingsState.remove_device.fn(other, str(ids["mai_device"]))
    await PushSettingsState.save_topics.fn(other, {"device_id": str(ids["mai_device"]), "topic_ticket_expiry": "on"})
    assert other.error["vi"] == "Không tìm thấy thiết bị nhận thông báo này."
    with session_scope() as db:
        assert db.get(NotifyPushSubscription, ids["mai_device"]) is not None
        assert service.list_devices(db, ids["mai"])[0].topics == service.TOPICS

    mine = _login(ids["mai"])(PushSettingsState)
    await PushSettingsState.save_topics.fn(mine, {"device_id": str(ids["mai_device"]), "topic_ticket_expiry": "on"})
    assert mine.error == {} and mine.devices[0]["topics"] == "ticket_expiry"
    await PushSettingsState.remove_device.fn(mine, str(ids["mai_device"]))
    assert mine.devices == []


async def test_after_subscribe_explains_failures(app_db) -> None:
    ids = _seed(app_db)
    state = _login(ids["ha"])(PushSettingsState)
    assert PushSettingsState.enable_push.fn(state, {}) is None and state.error["en"] == "Choose at least one topic."
    for outcome, text in (("denied", "blocks notifications"), ("unsupported", "cannot receive push"),
                          ("AbortError", "did not answer"), ("notify.error.endpoint_host", "push service is not")):
        await PushSettingsState.after_subscribe.fn(state, outcome)
        assert text in state.error["en"], outcome
    PushSettingsState.set_caps.fn(state, '{"push": true, "ios": true, "automated": false, "canInstall": false}')
    assert state.push_supported and state.ios_hint and state.checked


async def test_announcement_needs_staff_preview_and_confirmation(app_db) -> None:
    ids = _seed(app_db)
    form = {"title_vi": "Cắt nước", "body_vi": "Phường Bàn Cờ cắt nước 8h–12h.", "url": "/"}
    citizen = _login(ids["mai"])(AnnounceState)
    await AnnounceState.make_preview.fn(citizen, form)
    assert citizen.preview == {} and citizen.error["en"] == "You are not allowed to do this."
    await AnnounceState.send.fn(citizen, {"confirm": "on"})
    assert citizen.error["en"] == "Please preview and confirm before sending the announcement."

    official = _login(ids["binh"])(AnnounceState)
    await AnnounceState.make_preview.fn(official, form)
    assert official.preview["title_en"] == "Cắt nước" and "3" in official.preview["recipients_en"]
    await AnnounceState.send.fn(official, {})
    assert official.error["en"] == "Please preview and confirm before sending the announcement."
    await AnnounceState.send.fn(official, {"confirm": "on"})
    assert official.error == {} and "3" in official.sent["en"]
    with session_scope() as db:
        assert service.unread_count(db, ids["ha"]) == 2
