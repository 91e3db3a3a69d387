from __future__ import annotations

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.identity.service import open_session
from citizen_app.notify.api import make_routes
from citizen_app.notify.models import NotifyPushSubscription
from citizen_app.notify.service import list_devices
from citizen_app.notify.vapid import public_key_b64
from tests.unit.notify.pushkit import FakeBrowser, make_user

ORIGIN = "https://congdanso.test"
EP = "http://127.0.0.1:9/push/"


@pytest.fixture()
def client(db_factory) -> TestClient:
    app = Starlette(routes=make_routes(db_factory))
    return TestClient(app, base_url=ORIGIN)


def _login(db: Session, client: TestClient, lang: str = "vi") -> int:
    uid = make_user(db, lang=lang)
    token = open_session(db, uid)
    db.commit()
    client.cookies.set("cds_sid", token)
    return uid


def _post(client: TestClient, path: str, body: object, origin: str | None = ORIGIN, **headers: str):
    if origin:
        headers["Origin"] = origin
    return client.post(path, json=body, headers=headers)


def test_public_key(client: TestClient) -> None:
    res = client.get("/api/push/vapid-public-key")
    assert res.status_code == 200 and res.json() == {"publicKey": public_key_b64()}


def test_subscribe_and_unsubscribe(db: Session, client: TestClient, loopback) -> None:
    uid = _login(db, client)
    sub = FakeBrowser().subscription(EP + "a")
    res = _post(client, "/api/push/subscribe", {"subscription": sub, "topics": ["dossier_status"],
                                                 "deviceLabel": "Điện thoại"})
    assert res.status_code == 200, res.text
    assert res.json()["topics"] == ["dossier_status"] and res.json()["message"] == "Đã bật thông báo trên thiết bị này."
    assert res.headers["cache-control"] == "no-store"
    assert [d.device_label for d in list_devices(db, uid)] == ["Điện thoại"]
    res = _post(client, "/api/push/unsubscribe", {"endpoint": EP + "a"})
    assert res.json()["removed"] is True
    assert _post(client, "/api/push/unsubscribe", {"endpoint": EP + "a"}).json()["removed"] is False


def test_needs_login(db: Session, client: TestClient, loopback) -> None:
    res = _post(client, "/api/push/subscribe", {"subscription": FakeBrowser().subscription(EP + "a")})
    assert res.status_code == 401 and res.json()["error"] == "error.login_required"
    client.cookies.set("cds_sid", "forged")
    assert _post(client, "/api/push/subscribe", {"subscription": {}}).status_code == 401


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null", ORIGIN + ".evil.example"])
def test_origin_is_checked(db: Session, client: TestClient, loopback, origin: str | None) -> None:
    _login(db, client)
    res = _post(client, "/api/push/subscribe", {"subscription": FakeBrowser().subscription(EP + "a")}, origin)
    assert res.status_code == 403 and res.json()["error"] == "error.origin"
    assert db.exec(select(NotifyPushSubscription)).all() == []


def test_malformed_subscription_refused_with_translated_error(db: Session, client: TestClient, loopback) -> None:
    _login(db, client, lang="en")
    sub = FakeBrowser().subscription(EP + "a")
    sub["keys"]["p256dh"] = sub["keys"]["p256dh"][:-4]
    res = _post(client, "/api/push/subscribe", {"subscription": sub}, **{"Accept-Language": "vi"})
    assert res.status_code == 400 and res.json()["error"] == "notify.error.p256dh_invalid"
    assert res.json()["message"]["vi"] == "Khoá mã hoá (p256dh) của trình duyệt không hợp lệ."
    res = _post(client, "/api/push/subscribe", {"subscription": FakeBrowser().subscription("http://10.1.1.1/x")},
                **{"Accept-Language": "en"})
    assert res.json()["message"]["en"] == "The push endpoint must use HTTPS."
    res = _post(client, "/api/push/subscribe", {"subscription": FakeBrowser().subscription(EP + "b"),
                                                "topics": ["spam"]})
    assert res.status_code == 400 and "spam" in res.json()["message"]["en"]
    db.expire_all()
    assert db.exec(select(NotifyPushSubscription)).all() == []


def test_body_checks(db: Session, client: TestClient) -> None:
    _login(db, client)
    headers = {"Origin": ORIGIN}
    res = client.post("/api/push/subscribe", content=b"{}", headers={**headers, "Content-Type": "text/plain"})
    assert res.status_code == 415
    res = client.post("/api/push/subscribe", content=b"{nope", headers={**headers, "Content-Type": "application/json"})
    assert res.status_code == 400 and res.json()["error"] == "error.bad_json"
    res = client.post("/api/push/subscribe", content=b"[1]", headers={**headers, "Content-Type": "application/json"})
    assert res.status_code == 400
    big = b'{"x": "' + b"a" * 9000 + b'"}'
    res = client.post("/api/push/subscribe", content=big, headers={**headers, "Content-Type": "application/json"})
    assert res.status_code == 413
    assert _post(client, "/api/push/unsubscribe", {"endpoint": 5}).status_code == 400
