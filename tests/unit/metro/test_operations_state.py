"""The operator console and the station pages authorize on the server: a crafted event from someone who is not the
line's operator registers, revokes or posts nothing; the enrolment QR is shown once, to the operator."""

from __future__ import annotations

from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.identity.models import Agency, UserRole
from citizen_app.metro.backoffice_state import MetroOperatorState
from citizen_app.metro.models import MetroAlert, MetroGate, MetroStationFollow
from citizen_app.metro.stations_state import MetroStationsState
from tests.unit.metro.test_state import _as, _seed


def _make_operator(engine, user_id: int) -> None:
    with Session(engine) as db:
        agency = Agency(code="hurc1", name_vi="HURC1", name_en="HURC1", kind="transport")
        db.add(agency)
        db.flush()
        db.add(UserRole(user_id=user_id, role="metro_operator"))
        from citizen_app.identity.models import UserAccount

        db.get(UserAccount, user_id).agency_id = agency.id
        db.commit()


async def test_only_the_operator_registers_and_sees_the_qr_once(app_db) -> None:
    ids = _seed(app_db)
    for outsider in (None, ids["khoa"], ids["binh"]):  # nobody, a rider, an official of a ward
        console = _as(outsider)(MetroOperatorState)
        await MetroOperatorState.register.fn(console, {"gate_id": "BT-G01", "station": "L1-01", "kind": "gate"})
        assert console.error and console.issued == {}
        await MetroOperatorState.post_alert.fn(console, {"cause": "STRIKE", "effect": "NO_SERVICE",
                                                         "header_vi": "Đình công"})
        await MetroOperatorState.revoke.fn(console, "BT-G01")
    with session_scope() as db:
        assert db.exec(select(MetroGate)).all() == [] and db.exec(select(MetroAlert)).all() == []

    _make_operator(app_db, ids["ha"])
    console = _as(ids["ha"])(MetroOperatorState)
    await MetroOperatorState.load.fn(console)
    assert console.error == {} and len(console.stations) == 14 and console.keys_info["signing"]
    await MetroOperatorState.register.fn(console, {"gate_id": "BT-G01", "station": "L1-01", "kind": "handheld",
                                                   "label": "Sân ga"})
    assert console.issued["gate"] == "BT-G01" and "#enrol=" in console.issued["url"]
    assert console.issued["qr"].startswith("data:image/png;base64,")
    assert [(d["id"], d["status"], d["kind_vi"]) for d in console.devices] == [
        ("BT-G01", "pending", "Máy soát vé cầm tay")]
    code = console.issued["url"].split("#enrol=")[1]
    with session_scope() as db:
        assert code not in str(db.get(MetroGate, "BT-G01").model_dump())  # only its hash is stored
    await MetroOperatorState.load.fn(console)  # leaving and coming back: the code is gone
    assert console.issued == {}

    await MetroOperatorState.post_alert.fn(console, {"cause": "MAINTENANCE", "effect": "NO_SERVICE",
                                                     "station_L1-14": "on", "header_vi": "Đóng ga Suối Tiên"})
    assert console.error == {} and [a["where_vi"] for a in console.alerts] == ["Ga Bến xe Suối Tiên"]
    await MetroOperatorState.end_alert.fn(console, console.alerts[0]["id"])
    assert console.alerts == []


async def test_following_a_station_needs_a_login(app_db) -> None:
    ids = _seed(app_db)
    anonymous = _as(None, {"code": "L1-05"})(MetroStationsState)
    await MetroStationsState.load_station.fn(anonymous)
    assert anonymous.station["code"] == "L1-05" and len(anonymous.next_trains) == 2
    await MetroStationsState.toggle_follow.fn(anonymous)
    assert anonymous.error and anonymous.station["followed"] == ""
    rider = _as(ids["khoa"], {"code": "L1-05"})(MetroStationsState)
    await MetroStationsState.load_station.fn(rider)
    await MetroStationsState.toggle_follow.fn(rider)
    assert rider.station["followed"] == "1"
    with session_scope() as db:
        assert [f.station for f in db.exec(select(MetroStationFollow)).all()] == ["L1-05"]
    unknown = _as(None, {"code": "L9-99"})(MetroStationsState)
    await MetroStationsState.load_station.fn(unknown)
    assert unknown.station == {} and unknown.error
