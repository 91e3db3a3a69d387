"""Open311 GeoReport v2 conformance (our profile in shared/reference/open311.md)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlmodel import func, select
from starlette.testclient import TestClient

from citizen_app.core.timeutil import utcnow
from citizen_app.feedback import api, backoffice
from citizen_app.feedback.models import FeedbackReport
from citizen_app.identity.service import open_session
from tests.api.helpers import route_client
from tests.unit.feedback.fixtures import new_report, png_bytes

BASE = "/open311/v2"


@pytest.fixture()
def client(engine, monkeypatch) -> TestClient:
    return route_client(engine, monkeypatch, api)


@pytest.fixture()
def api_key(db, world) -> str:
    _, raw = backoffice.issue_api_key(db, world.admin, "Ứng dụng thử nghiệm")
    db.commit()
    return raw


def count_reports(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(FeedbackReport)).one()


def test_discovery_in_both_formats(client):
    j = client.get(f"{BASE}/discovery.json")
    x = client.get(f"{BASE}/discovery.xml")
    assert j.headers["content-type"].split(";")[0] == "application/json"
    assert x.headers["content-type"].split(";")[0] == "text/xml"
    data = j.json()
    root = ET.fromstring(x.content)
    assert root.tag == "discovery" and x.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert root.findtext("contact") == data["contact"] and root.findtext("key_service") == data["key_service"]
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    assert root.find("endpoints/endpoint/formats/format").text == "text/xml"
    assert data["changeset"].endswith("+07:00")


def test_services_and_definition(client):
    services = client.get(f"{BASE}/services.json").json()
    codes = [s["service_code"] for s in services]
    assert "road_damage" in codes and "fire_emergency" not in codes
    assert all(isinstance(s["service_code"], str) and s["type"] == "realtime" for s in services)
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == len(services)
    definition = client.get(f"{BASE}/services/road_damage.json").json()
    attr = definition["attributes"][0]
    assert attr["code"] == "severity" and attr["required"] is True and attr["values"][0]["key"] == "low"
    xml_def = ET.fromstring(client.get(f"{BASE}/services/road_damage.xml").content)
    assert xml_def.tag == "service_definition"
    assert xml_def.find("attributes/attribute/values/value/key").text == "low"
    missing = client.get(f"{BASE}/services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == "404"
    missing_xml = client.get(f"{BASE}/services/nope.xml")
    assert missing_xml.status_code == 404 and ET.fromstring(missing_xml.content).tag == "errors"


def test_post_without_valid_key_is_403_and_stores_nothing(client, db, world, api_key):
    form = {"service_code": "flooding", "lat": "10.7725", "long": "106.698", "description": "Ngập"}
    for key in (None, "", "wrong"):
        body = dict(form, **({"api_key": key} if key is not None else {}))
        resp = client.post(f"{BASE}/requests.json", data=body)
        assert resp.status_code == 403 and resp.json()[0]["code"] == "403"
    xml_resp = client.post(f"{BASE}/requests.xml", data=dict(form, api_key="bad"))
    assert xml_resp.status_code == 403 and ET.fromstring(xml_resp.content).find("error/description").text
    assert count_reports(db) == 0


@pytest.mark.parametrize("form,status", [
    ({"service_code": "nope", "lat": "10.7725", "long": "106.698"}, 404),
    ({"lat": "10.7725", "long": "106.698"}, 400),
    ({"service_code": "flooding"}, 400),
    ({"service_code": "flooding", "lat": "10.7725"}, 400),
    ({"service_code": "flooding", "lat": "21.03", "long": "105.85"}, 400),
    ({"service_code": "road_damage", "lat": "10.7725", "long": "106.698"}, 400),  # required attribute
    ({"service_code": "road_damage", "lat": "10.7725", "long": "106.698", "attribute[severity]": "x"}, 400),
    ({"service_code": "flooding", "lat": "10.7725", "long": "106.698", "description": "a" * 4001}, 400),
    ({"service_code": "fire_emergency", "lat": "10.7725", "long": "106.698"}, 400),
])
def test_post_bad_input_is_rejected_with_error_list(client, db, api_key, form, status):
    resp = client.post(f"{BASE}/requests.json", data=dict(form, api_key=api_key))
    assert resp.status_code == status, resp.text
    assert isinstance(resp.json(), list) and resp.json()[0]["description"]
    assert count_reports(db) == 0


def test_post_creates_request_in_triage_queue_and_round_trips(client, db, world, api_key):
    resp = client.post(f"{BASE}/requests.json", data={
        "api_key": api_key, "service_code": "road_damage", "lat": "10.7725", "long": "106.698",
        "attribute[severity]": "high", "description": "Ổ gà ở đường Nguyễn Huệ, gọi 0901234567",
        "email": "dan@example.vn", "first_name": "Dân", "address_string": "1 Nguyễn Huệ"})
    assert resp.status_code == 200, resp.text
    created = resp.json()
    assert len(created) == 1 and isinstance(created[0]["service_request_id"], str) and "token" not in created[0]
    rid = created[0]["service_request_id"]
    queue = backoffice.official_queue(db, world.official)
    assert [str(r.id) for r in queue] == [rid] and queue[0].stage == "received" and queue[0].channel == "open311"
    one = client.get(f"{BASE}/requests/{rid}.json").json()
    assert len(one) == 1
    item = one[0]
    assert item["service_request_id"] == rid and item["status"] == "open" and item["service_code"] == "road_damage"
    assert "Nguyễn Huệ" in item["description"] and "0901234567" not in item["description"]
    assert "dan@example.vn" not in json.dumps(one) and "Dân" not in json.dumps(one)
    assert item["requested_datetime"].endswith("+07:00") and item["expected_datetime"].endswith("+07:00")
    assert item["lat"] == 10.7725 and item["long"] == 106.698
    xml_one = ET.fromstring(client.get(f"{BASE}/requests/{rid}.xml").content)
    assert xml_one.tag == "service_requests" and xml_one.find("request/service_request_id").text == rid
    token = db.get(FeedbackReport, int(rid)).token
    tok = client.get(f"{BASE}/tokens/{token}.json").json()
    assert tok == [{"service_request_id": rid, "token": token}]
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404


def test_post_with_address_only(client, db, api_key):
    resp = client.post(f"{BASE}/requests.xml", data={"api_key": api_key, "service_code": "garbage",
                                                     "address_string": "Hẻm 45 Cách Mạng Tháng Tám, Bàn Cờ"})
    assert resp.status_code == 200
    rid = ET.fromstring(resp.content).find("request/service_request_id").text
    assert client.get(f"{BASE}/requests/{rid}.json").json()[0]["address"].startswith("Hẻm 45")


def test_get_requests_filters_windows_and_errors(client, db, world):
    a = new_report(db, world.citizen)
    b = new_report(db, world.citizen, category_code="garbage", attributes={})
    old = new_report(db, world.citizen)
    old.created_at = utcnow() - timedelta(days=100)
    backoffice.refuse_report(db, world.official, a.id, "Không đủ thông tin để xử lý.")
    db.commit()
    all_ids = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert all_ids == [str(b.id), str(a.id)]  # default 90-day window hides the old one
    closed = client.get(f"{BASE}/requests.json", params={"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [str(a.id)] and closed[0]["status_notes"]
    garbage = client.get(f"{BASE}/requests.json", params={"service_code": "garbage"}).json()
    assert [r["service_request_id"] for r in garbage] == [str(b.id)]
    override = client.get(f"{BASE}/requests.json", params={"service_request_id": f"{old.id},{b.id}",
                                                            "status": "closed", "service_code": "x"}).json()
    assert sorted(r["service_request_id"] for r in override) == sorted([str(old.id), str(b.id)])
    too_long = client.get(f"{BASE}/requests.json", params={"start_date": "2025-01-01T00:00:00+07:00",
                                                            "end_date": "2025-06-01T00:00:00+07:00"})
    assert too_long.status_code == 400 and too_long.json()[0]["code"] == "400"
    assert client.get(f"{BASE}/requests.json", params={"status": "maybe"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", params={"start_date": "yesterday"}).status_code == 400
    start = (utcnow() - timedelta(days=120)).isoformat()
    ranged = client.get(f"{BASE}/requests.json", params={"start_date": start, "status": ""}).json()
    assert [r["service_request_id"] for r in ranged] == [str(old.id)]
    empty_params = client.get(f"{BASE}/requests.json", params={"service_code": "", "jurisdiction_id": ""})
    assert len(empty_params.json()) == 2
    xml_list = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert xml_list.tag == "service_requests" and len(xml_list.findall("request")) == 2
    assert client.get(f"{BASE}/requests/999999.json").status_code == 404
    assert client.get(f"{BASE}/requests/abc.xml").status_code == 404
    assert client.get(f"{BASE}/requests.csv").status_code == 400
    paged = client.get(f"{BASE}/requests.json", params={"page_size": "1", "page": "2"}).json()
    assert [r["service_request_id"] for r in paged] == [str(a.id)]
    ext = client.get(f"{BASE}/requests/{a.id}.json", params={"extensions": "true"}).json()[0]
    assert [n["type"] for n in ext["notes"]] == ["received", "refused"]


def test_default_window_caps_at_1000(client, db, world):
    now = utcnow()
    rows = [FeedbackReport(category_code="garbage", agency_code="ubnd-ban-co", title="Rác", description="Rác",
                           public_title="Rác", public_description="Rác", lat=10.77, lon=106.69,
                           created_at=now - timedelta(minutes=i), updated_at=now) for i in range(1005)]
    db.add_all(rows)
    db.commit()
    assert len(client.get(f"{BASE}/requests.json").json()) == 1000


def test_photo_route_respects_visibility(client, db, world):
    from citizen_app.feedback import service

    photo = service.upload_photo(db, world.citizen, png_bytes())
    db.commit()
    assert client.get(f"/api/feedback/photos/{photo.id}").status_code == 404  # not attached yet
    raw = open_session(db, world.citizen)
    db.commit()
    mine = client.get(f"/api/feedback/photos/{photo.id}", cookies={"cds_sid": raw})
    assert mine.status_code == 200 and mine.headers["content-type"] == "image/jpeg"
    client.cookies.clear()
    report = new_report(db, world.citizen, photo_ids=[photo.id])
    thumb = client.get(f"/api/feedback/photos/{photo.id}/thumb")
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"
    backoffice.refuse_report(db, world.official, report.id, "Ảnh chứa thông tin cá nhân của người khác.", hide=True)
    db.commit()
    assert client.get(f"/api/feedback/photos/{photo.id}").status_code == 404
    assert client.get(f"/api/feedback/photos/{photo.id}", cookies={"cds_sid": raw}).status_code == 200


def test_map_feed_and_scorecard_csv(client, db, world):
    report = new_report(db, world.citizen)
    data = client.get("/api/feedback/map.json", params={"bbox": "106.68,10.76,106.71,10.78"}).json()
    assert [p["id"] for p in data["points"]] == [str(report.id)]
    assert client.get("/api/feedback/map.json", params={"bbox": "1,2"}).status_code == 400
    csv = client.get("/api/feedback/scorecard.csv")
    assert csv.status_code == 200 and csv.text.startswith("agency_code,")


def test_map_feed_takes_the_boards_filters(client, db, world):
    late = new_report(db, world.citizen)
    fresh = new_report(db, world.citizen, ward="Bàn Cờ")
    late.due_at = utcnow() - timedelta(hours=1)
    db.commit()
    box = {"bbox": "106.68,10.76,106.71,10.78"}

    def shown(**filters: str) -> list[str]:
        response = client.get("/api/feedback/map.json", params={**box, **filters})
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["points"]]

    assert shown(status="overdue") == [str(late.id)]
    assert shown(ward="ban co") == [str(fresh.id)]
    assert sorted(shown(status="new", agency="so-gtvt")) == sorted([str(late.id), str(fresh.id)])
    assert shown(category="noise") == [] and shown(to="2000-01-01") == []
    assert client.get("/api/feedback/map.json", params={**box, "status": "maybe"}).status_code == 400


def test_an_update_photo_is_never_cached_publicly_and_goes_with_its_update(client, db, world):
    from citizen_app.feedback import service, updates

    report = new_report(db, world.citizen)
    photo = service.upload_photo(db, world.neighbour, png_bytes(), kind="update")
    update = updates.add_update(db, world.neighbour, report.id, "", [photo.id])
    db.commit()
    seen = client.get(f"/api/feedback/photos/{photo.id}/thumb")
    assert seen.status_code == 200 and seen.headers["cache-control"] == "private, no-store"
    updates.hide_update(db, world.official, update.id, "Ảnh không liên quan")
    db.commit()
    assert client.get(f"/api/feedback/photos/{photo.id}").status_code == 404


def test_issue_examples_never_leave_through_open311_or_the_map(client, db, world, api_key):
    """Issue 17: the public HTTP output (Open311 list and item with extensions, XML, map feed) carries none of the
    issue's examples, while the agency's reply keeps its own hotline."""
    from tests.unit.feedback.test_privacy import LEAKY, MASKED, assert_clean

    resp = client.post(f"{BASE}/requests.json", data={
        "api_key": api_key, "service_code": "road_damage", "lat": "10.7725", "long": "106.698",
        "attribute[severity]": "high", "description": LEAKY, "address_string": "12 Lê Lợi, sđt0912345678",
        "email": "khoa.nguyen@example.com", "phone": "0912345678", "first_name": "Khoa"})
    rid = resp.json()[0]["service_request_id"]
    flood = new_report(db, world.citizen, category_code="flooding", title="Ngập, zalo0912345678",
                       attributes={"water_depth_cm": "84912345678"})
    backoffice.post_public_response(db, world.official, rid, "Đã tiếp nhận. Đường dây nóng: 028 3822 1234.")
    db.commit()
    listed = client.get(f"{BASE}/requests.json").json()
    item = client.get(f"{BASE}/requests/{rid}.json", params={"extensions": "true"}).json()[0]
    flood_item = client.get(f"{BASE}/requests/{flood.id}.json", params={"extensions": "true"}).json()[0]
    xml = client.get(f"{BASE}/requests.xml").text
    points = client.get("/api/feedback/map.json", params={"bbox": "106.6,10.7,106.8,10.8"}).json()["points"]
    assert item["description"] == MASKED and item["address"] == "12 Lê Lợi, sđt[***]"
    assert item["service_notice"] == "Đã tiếp nhận. Đường dây nóng: 028 3822 1234."
    assert flood_item["attributes"] == [{"code": "water_depth_cm", "value": "[***]"}]
    public = json.dumps([listed, item, flood_item, points], ensure_ascii=False).replace("028 3822 1234", "")
    assert_clean(public, xml.replace("028 3822 1234", ""))
    assert {p["title"] for p in points} >= {"Ngập, zalo[***]"}
