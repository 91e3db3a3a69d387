"""The gate devices' HTTP routes: enrolment with the operator's one-time code, the regular pull (and what it
records), revoked credentials refused; the GTFS-Realtime alerts feed and its link from feed_info.txt."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest
from google.transit import gtfs_realtime_pb2
from sqlmodel import Session

from citizen_app.core.config import settings
from citizen_app.metro import alerts, devices, keys
from citizen_app.metro.models import MetroGate
from tests.api.metro.test_metro_api import Harness, _ticket
from tests.unit.metro.helpers import make_staff


@pytest.fixture()
def harness(engine) -> Harness:
    return Harness(engine)


@pytest.fixture()
def operator(db: Session) -> int:
    return make_staff(db, "metro_operator", "hurc1")


def _enrolment(db: Session, operator: int, gate_id: str = "BT-G01", station: str = "L1-01") -> devices.Enrolment:
    enrolment = devices.register_device(db, operator, gate_id, station, label="Lối vào A")
    db.commit()
    return enrolment


def test_enrol_with_the_qr_link_then_pull(harness: Harness, db: Session, operator: int) -> None:
    enrolment = _enrolment(db, operator)
    answer = harness.client.post("/api/metro/gate/enrol", json={"code": enrolment.url})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    token = body["token"]
    assert body["gate"] == {"id": "BT-G01", "station": "L1-01", "kind": "gate", "label": "Lối vào A",
                            "station_vi": "Ga Bến Thành", "station_en": "Ben Thanh"}
    assert keys.public_keys_from_jwks(body["keys"]).keys() == keys.issuer_public_keys().keys()
    assert body["rules"]["proof_window_seconds"] == 30 and body["denylist"] == []
    again = harness.client.post("/api/metro/gate/enrol", json={"code": enrolment.code})
    assert again.status_code == 401 and again.json()["error"] == "metro.error.enrol_code"

    auth = {"authorization": f"Bearer {token}"}
    pulled = harness.client.post("/api/metro/gate/pull", json={"queue": 3, "key_version": body["key_version"],
                                                               "denylist_version": body["denylist_version"]},
                                 headers=auth)
    assert pulled.status_code == 200 and pulled.json()["gate"]["id"] == "BT-G01"
    db.expire_all()
    row = db.get(MetroGate, "BT-G01")
    assert row.last_contact_at is not None and row.queue_depth == 3 and row.key_version == body["key_version"]
    [view] = devices.list_devices(db, operator)
    assert view.key_current and view.denylist_current and view.queue_depth == 3


def test_the_pull_needs_a_live_credential(harness: Harness, db: Session, operator: int) -> None:
    assert harness.client.post("/api/metro/gate/pull", json={}).status_code == 401
    wrong = {"authorization": "Bearer nope"}
    assert harness.client.post("/api/metro/gate/pull", json={}, headers=wrong).status_code == 401
    token = harness.client.post("/api/metro/gate/enrol", json={"code": _enrolment(db, operator).code}).json()["token"]
    auth = {"authorization": f"Bearer {token}"}
    assert harness.client.post("/api/metro/gate/pull", json={}, headers=auth).status_code == 200
    devices.revoke_device(db, operator, "BT-G01")
    db.commit()
    for path, body in (("/api/metro/gate/pull", {}), ("/api/metro/gate/sync", {"events": []})):
        refused = harness.client.post(path, json=body, headers=auth)
        assert refused.status_code == 401 and refused.json()["error"] == "metro.error.gate_auth", path


def test_an_enrolled_device_validates_and_syncs_reporting_its_queue(harness: Harness, db: Session,
                                                                    operator: int) -> None:
    token = harness.client.post("/api/metro/gate/enrol", json={"code": _enrolment(db, operator).code}).json()["token"]
    _uid, ticket, phone = _ticket(db, "day_1")
    auth = {"authorization": f"Bearer {token}"}
    decision = harness.client.post("/api/metro/gate/validate", json={"qr": phone.qr_text(ticket.payload),
                                                                     "direction": "in", "scan_id": "a1"}, headers=auth)
    assert decision.json()["admitted"] is True
    now = int(time.time())
    # the same scan queued offline (the online answer was lost), and an exit decided offline
    events = [{"scan_id": "BT-G01:a1", "tid": ticket.id, "direction": "in", "station": "L1-01", "at": now},
              {"scan_id": "BT-G01:b2", "tid": ticket.id, "direction": "out", "station": "L1-01", "at": now + 600}]
    synced = harness.client.post("/api/metro/gate/sync", json={"events": events, "queue": 0}, headers=auth).json()
    assert [r["status"] for r in synced["results"]] == ["duplicate", "applied"]
    db.expire_all()
    assert db.get(MetroGate, "BT-G01").queue_depth == 0 and db.get(MetroGate, "BT-G01").last_contact_at is not None


def test_another_gates_scan_ids_cannot_be_pre_empted(harness: Harness, db: Session, operator: int) -> None:
    """A gate's upload is namespaced to itself: it cannot mark another gate's future scan as a duplicate."""
    token_a = harness.client.post("/api/metro/gate/enrol", json={"code": _enrolment(db, operator).code}).json()["token"]
    token_b = harness.client.post("/api/metro/gate/enrol",
                                  json={"code": _enrolment(db, operator, "BT-G02").code}).json()["token"]
    _uid, ticket, _phone = _ticket(db, "day_1")
    now = int(time.time())
    forged = [{"scan_id": "BT-G02:x", "tid": ticket.id, "direction": "in", "station": "L1-01", "at": now}]
    harness.client.post("/api/metro/gate/sync", json={"events": forged}, headers={"authorization": f"Bearer {token_a}"})
    real = [{"scan_id": "BT-G02:x", "tid": ticket.id, "direction": "out", "station": "L1-01", "at": now + 60}]
    answer = harness.client.post("/api/metro/gate/sync", json={"events": real},
                                 headers={"authorization": f"Bearer {token_b}"}).json()
    assert answer["results"][0]["status"] == "applied"


def test_alerts_feed_protobuf_and_json_and_its_link_in_feed_info(harness: Harness, db: Session,
                                                                 operator: int) -> None:
    alerts.post_alert(db, operator, cause="TECHNICAL_PROBLEM", effect="SIGNIFICANT_DELAYS", stations=["L1-06"],
                      text=alerts.AlertText("Chậm chuyến", "Delays"))
    db.commit()
    response = harness.client.get("/gtfs-rt/alerts.pb")
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-protobuf"
    assert response.headers["cache-control"] == "public, max-age=30"
    feed = gtfs_realtime_pb2.FeedMessage()
    feed.ParseFromString(response.content)
    assert [e.alert.informed_entity[0].stop_id for e in feed.entity] == ["L1-06"]
    readable = harness.client.get("/gtfs-rt/alerts.pb", params={"format": "json"}).json()
    assert readable["entity"][0]["alert"]["cause"] == "TECHNICAL_PROBLEM"
    assert readable["header"]["gtfs_realtime_version"] == "2.0"
    archive = zipfile.ZipFile(io.BytesIO(harness.client.get("/gtfs.zip").content))
    [info] = list(csv.DictReader(io.StringIO(archive.read("feed_info.txt").decode("utf-8"))))
    assert info["feed_realtime_alerts_url"] == f"{settings().public_url}/gtfs-rt/alerts.pb"
