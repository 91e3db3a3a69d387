"""POST /api/feedback/reports: a report queued on the phone while offline, sent with its photos when the
connection returns (assets/outbox.js). Once per idempotency key, only by the person who queued it."""

from __future__ import annotations

import base64
import io
import uuid

import pytest
from PIL import Image
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from citizen_app.feedback import api, outbox
from citizen_app.feedback.models import FeedbackPhoto, FeedbackReport, FeedbackSubmission
from citizen_app.feedback.photos import read_image
from citizen_app.identity.service import device_owner_tag, open_session
from tests.api.helpers import ORIGIN, route_client
from tests.unit.feedback.fixtures import BEN_THANH, jpeg_with_gps

URL = "/api/feedback/reports"


@pytest.fixture()
def client(engine, monkeypatch) -> TestClient:
    return route_client(engine, monkeypatch, api)


def _login(db: Session, client: TestClient, user_id: int) -> None:
    token = open_session(db, user_id)
    db.commit()
    client.cookies.set("cds_sid", token)


def _form(**overrides) -> dict:
    form = {"category_code": "road_damage", "title": "Ổ gà sâu trước chợ Bến Thành",
            "description": "Ổ gà rộng nửa mét, xe máy phải lách.", "lat": str(BEN_THANH[0]), "lon": str(BEN_THANH[1]),
            "address": "Trước cửa Nam chợ", "ward": "Bến Thành", "hide_name": "1", "attr_severity": "high"}
    form.update(overrides)
    return form


def _photo(data: bytes) -> dict:
    return {"type": "image/jpeg", "data": base64.b64encode(data).decode()}


def _item(user_id: int, key: str | None = None, photos: list[bytes] | None = None, **form) -> dict:
    return {"key": key or uuid.uuid4().hex, "owner": device_owner_tag(user_id), "report": _form(**form),
            "photos": [_photo(p) for p in photos or []]}


def _post(client: TestClient, body: dict, origin: str | None = ORIGIN):
    if origin is None:
        client.headers.pop("origin", None)
    return client.post(URL, json=body, headers={"Origin": origin} if origin else {})


def _reports(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(FeedbackReport)).one()


def test_queued_report_is_filed_once_with_its_photos(db: Session, client: TestClient, world) -> None:
    _login(db, client, world.citizen)
    body = _item(world.citizen, photos=[jpeg_with_gps(), jpeg_with_gps((300, 200))])

    first = _post(client, body)
    assert first.status_code == 201, first.text
    report_id = first.json()["id"]
    assert first.json() == {"id": report_id, "href": f"/feedback/{report_id}", "created": True}
    again = _post(client, body)  # the answer was lost, or the service worker sent it too
    assert again.status_code == 200 and again.json() == {"id": report_id, "href": f"/feedback/{report_id}",
                                                         "created": False}

    assert _reports(db) == 1
    report = db.get(FeedbackReport, report_id)
    assert report.reporter_id == world.citizen and report.hide_name and report.channel == "web"
    assert report.title == "Ổ gà sâu trước chợ Bến Thành" and '"severity": "high"' in report.attributes_json
    photos = db.exec(select(FeedbackPhoto).where(FeedbackPhoto.report_id == report_id)).all()
    assert len(photos) == 2
    for photo in photos:
        assert not Image.open(io.BytesIO(read_image(photo.storage_name))).getexif()  # GPS and maker gone
    assert db.exec(select(func.count()).select_from(FeedbackSubmission)).one() == 1


def test_the_same_key_sent_at_once_makes_one_report(db: Session, client: TestClient, world,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The page and Background Sync send the item at the same moment: both pass the "sent before?" check, the
    second insert of the key fails, and that request answers with the report the first one made."""
    _login(db, client, world.citizen)
    body = _item(world.citizen)
    assert _post(client, body).status_code == 201
    real = outbox.previous
    calls: list[str] = []

    def racing(session: Session, user_id: int, key: str):
        calls.append(key)
        return None if len(calls) == 1 else real(session, user_id, key)  # the first check ran before the commit

    monkeypatch.setattr(outbox, "previous", racing)
    second = _post(client, body)
    assert second.status_code == 200 and second.json()["created"] is False, second.text
    assert len(calls) == 2 and _reports(db) == 1


def test_keys_are_per_person(db: Session, client: TestClient, world) -> None:
    key = uuid.uuid4().hex
    _login(db, client, world.citizen)
    assert _post(client, _item(world.citizen, key)).status_code == 201
    _login(db, client, world.neighbour)
    assert _post(client, _item(world.neighbour, key, title="Đèn đường hỏng cả dãy")).status_code == 201
    assert _reports(db) == 2


def test_another_persons_item_is_never_filed(db: Session, client: TestClient, world) -> None:
    """A shared phone: what the last person queued must not be filed under the one logged in now."""
    _login(db, client, world.neighbour)
    answer = _post(client, _item(world.citizen))
    assert answer.status_code == 409 and answer.json()["error"] == "feedback.outbox_other_user"
    assert _reports(db) == 0


def test_refusals_store_nothing(db: Session, client: TestClient, world) -> None:
    _login(db, client, world.citizen)
    photos_before = db.exec(select(func.count()).select_from(FeedbackPhoto)).one()
    too_short = _post(client, _item(world.citizen, title="Ổ", photos=[jpeg_with_gps()]))
    assert too_short.status_code == 400 and too_short.json()["error"] == "feedback.title_required"
    not_image = _post(client, {**_item(world.citizen), "photos": [_photo(b"GIF89a not a photo")]})
    assert not_image.status_code == 400 and not_image.json()["error"] == "feedback.photo_type"
    bad_key = _post(client, _item(world.citizen, key="short"))
    assert bad_key.status_code == 400 and bad_key.json()["error"] == "feedback.outbox_bad_key"
    six = _post(client, _item(world.citizen, photos=[jpeg_with_gps()] * 6))
    assert six.status_code == 400 and six.json()["error"] == "feedback.too_many_photos"
    assert _reports(db) == 0
    db.expire_all()
    assert db.exec(select(func.count()).select_from(FeedbackPhoto)).one() == photos_before


def test_cookie_and_origin_are_required(db: Session, client: TestClient, world) -> None:
    assert _post(client, _item(world.citizen)).status_code == 401
    _login(db, client, world.citizen)
    assert _post(client, _item(world.citizen), origin="https://evil.example").status_code == 403
    assert _post(client, _item(world.citizen), origin=None).status_code == 403
    assert _reports(db) == 0


def test_a_logout_made_offline_stops_the_session_here(db: Session, client: TestClient, world) -> None:
    """session.js sets cds_logout when the person logged out without a connection: the session cookie still
    travels, but no report is filed under it any more."""
    _login(db, client, world.citizen)
    client.cookies.set("cds_logout", "1")
    assert _post(client, _item(world.citizen)).status_code == 401
    assert _reports(db) == 0
