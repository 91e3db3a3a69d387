from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.identity.models import UserRole
from citizen_app.identity.service import open_session
from citizen_app.metro import api, devices, keys, purchase
from citizen_app.metro.phone import SimulatedPhone
from tests.unit.metro.helpers import make_user


class Harness:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.client = TestClient(Starlette(routes=api.build_routes(self.sessions)), base_url="http://testserver",
                                 headers={"origin": "http://testserver"})  # the rider's POST comes from our pages

    @contextmanager
    def sessions(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise


@pytest.fixture()
def harness(engine) -> Harness:
    return Harness(engine)


def _gate_token(db: Session, station: str = "L1-01") -> str:
    admin = make_user(db, "Admin")
    db.add(UserRole(user_id=admin, role="admin"))
    db.commit()
    token = devices.register_gate(db, admin, f"g-{station}", station)
    db.commit()
    return token


def _ticket(db: Session, product: str = "single") -> tuple[int, object, SimulatedPhone]:
    uid = make_user(db)
    phone = SimulatedPhone()
    ticket = purchase.create_order(db, uid, product, phone.device_key, origin="L1-01", destination="L1-08")
    purchase.fulfil_paid_order(db, ticket.order_ref)
    db.commit()
    return uid, ticket, phone


def test_gtfs_zip_and_keys(harness: Harness) -> None:
    response = harness.client.get("/gtfs.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "fare_leg_rules.txt" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    document = harness.client.get("/api/metro/keys.json").json()
    assert keys.public_keys_from_jwks(document).keys() == keys.issuer_public_keys().keys()
    assert "d" not in document["keys"][0]  # public only


def test_fare_endpoint(harness: Harness) -> None:
    body = harness.client.get("/api/metro/fare", params={"from": "L1-01", "to": "L1-14"}).json()
    assert body == {"origin": "L1-01", "destination": "L1-14", "cash_vnd": 20000, "cashless_vnd": 19000,
                    "is_estimate": True}
    bad = harness.client.get("/api/metro/fare", params={"from": "L1-01", "to": "X"},
                             headers={"accept-language": "en"})
    assert bad.status_code == 400 and bad.json()["message"]["en"] == "No such station on Line 1."


def test_gate_validate_flow(harness: Harness, db: Session) -> None:
    token = _gate_token(db)
    _uid, ticket, phone = _ticket(db)
    auth = {"authorization": f"Bearer {token}"}
    assert harness.client.post("/api/metro/gate/validate", json={"qr": "x", "direction": "in"}).status_code == 401
    garbage = harness.client.post("/api/metro/gate/validate", json={"qr": "garbage", "direction": "in"}, headers=auth)
    assert garbage.json()["admitted"] is False and garbage.json()["reason"] == "malformed"
    good = {"qr": phone.qr_text(ticket.payload), "direction": "in", "scan_id": "1"}
    first = harness.client.post("/api/metro/gate/validate", json=good, headers=auth).json()
    assert first["admitted"] and first["ticket_id"] == ticket.id and first["message_en"] == "Please go through."
    assert harness.client.post("/api/metro/gate/validate", json=good, headers=auth).json()["replay"] is True
    again = dict(good, scan_id="2", qr=phone.qr_text(ticket.payload))
    assert harness.client.post("/api/metro/gate/validate", json=again, headers=auth).json()["reason"] == "passback"
    text = harness.client.post("/api/metro/gate/validate", content="nope", headers=auth)
    assert text.status_code == 415  # the one contract: a body must be application/json


def test_token_gate_is_bound_to_its_station(harness: Harness, db: Session) -> None:
    token = _gate_token(db, "L1-05")  # the ticket below is L1-01 -> L1-08: L1-05 is not its origin
    _uid, ticket, phone = _ticket(db)
    body = {"qr": phone.qr_text(ticket.payload), "direction": "in", "scan_id": "s", "station": "L1-01"}
    answer = harness.client.post("/api/metro/gate/validate", json=body, headers={"authorization": f"Bearer {token}"})
    assert answer.json()["admitted"] is False and answer.json()["reason"] != "ok", answer.json()


def test_gate_sync_and_denylist(harness: Harness, db: Session) -> None:
    token = _gate_token(db)
    _uid, ticket, _phone = _ticket(db, "day_1")
    auth = {"authorization": f"Bearer {token}"}
    events = [{"scan_id": "g:1", "tid": ticket.id, "direction": "in", "station": "L1-01", "at": int(time.time())}]
    body = harness.client.post("/api/metro/gate/sync", json={"events": events}, headers=auth).json()
    assert body["results"][0]["status"] == "applied" and body["keys"]["keys"]
    resent = harness.client.post("/api/metro/gate/sync", json={"events": events}, headers=auth).json()
    assert resent["results"][0]["status"] == "duplicate"  # the route's transaction committed the upload
    assert harness.client.get("/api/metro/gate/denylist.json", headers=auth).json() == {"denylist": []}
    assert harness.client.get("/api/metro/gate/denylist.json").status_code == 401


def test_my_tickets_and_rebind(harness: Harness, db: Session) -> None:
    uid, ticket, _phone = _ticket(db, "day_3")
    assert harness.client.get("/api/metro/my/tickets").status_code == 401
    raw = open_session(db, uid)
    db.commit()
    harness.client.cookies.set("cds_sid", raw)
    listed = harness.client.get("/api/metro/my/tickets").json()["tickets"]
    assert [t["id"] for t in listed] == [ticket.id] and listed[0]["payload"]
    new_phone = SimulatedPhone()
    moved = harness.client.post(f"/api/metro/my/tickets/{ticket.id}/device", json={"device_key": new_phone.device_key})
    assert moved.status_code == 200 and moved.json()["device_key"] == new_phone.device_key
    other = harness.client.post("/api/metro/my/tickets/abc/device", json={"device_key": new_phone.device_key})
    assert other.status_code == 404
