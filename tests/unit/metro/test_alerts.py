"""Service alerts: the operator posts a disruption, riders holding a valid ticket or following an affected station
are told (in-app, and pushed on the metro alerts topic), and the alerts in force are a GTFS-Realtime ServiceAlerts
feed that MobilityData's official bindings parse."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from google.transit import gtfs_realtime_pb2
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import to_unix, utcnow
from citizen_app.metro import alerts, gate_service, stations
from citizen_app.notify import service as notify_service
from citizen_app.notify.models import NotifyNotification, NotifyOutbox
from tests.unit.metro.helpers import buy, make_staff, make_user
from tests.unit.notify.pushkit import FakeBrowser

TEXT = alerts.AlertText("Chậm chuyến do sự cố tín hiệu", "Delays: signalling fault",
                        "Tàu chạy chậm 10–15 phút giữa Thảo Điền và An Phú.",
                        "Trains run 10–15 minutes late between Thao Dien and An Phu.")


@pytest.fixture()
def operator(db: Session) -> int:
    return make_staff(db, "metro_operator", "hurc1")


def _told(db: Session) -> set[int]:
    return set(db.exec(select(NotifyNotification.user_id).where(NotifyNotification.topic == "metro_alerts")).all())


def test_riders_with_a_valid_ticket_and_followers_of_the_stations_are_told(db: Session, operator: int) -> None:
    now = utcnow()
    holder = make_user(db, "Có vé")
    buy(db, holder, "day_3", origin=None, destination=None, now=now)
    used = make_user(db, "Vé đã dùng")
    ticket, phone = buy(db, used, origin="L1-01", destination="L1-08", now=now)
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, to_unix(now)), "L1-01", "in",
                                         now=now).admitted
    later = now + timedelta(minutes=20)
    assert gate_service.validate_at_gate(db, phone.qr_text(ticket.payload, to_unix(later)), "L1-08", "out",
                                         now=later).admitted
    follower, elsewhere, nobody = make_user(db, "Theo dõi An Phú"), make_user(db, "Theo dõi Suối Tiên"), make_user(db)
    stations.follow(db, follower, "L1-07")
    stations.follow(db, elsewhere, "L1-14")
    device = notify_service.subscribe(db, follower, FakeBrowser().subscription("http://127.0.0.1:9/push/f"),
                                      ["metro_alerts"], allow_loopback=True)
    notify_service.subscribe(db, holder, FakeBrowser().subscription("http://127.0.0.1:9/push/h"), ["payments"],
                             allow_loopback=True)
    db.commit()

    alert = alerts.post_alert(db, operator, cause="TECHNICAL_PROBLEM", effect="SIGNIFICANT_DELAYS",
                              stations=["L1-07", "L1-06"], text=TEXT, now=now)
    db.commit()
    assert alert.stations == "L1-06,L1-07"  # line order
    assert _told(db) == {holder, follower} and alert.notified == 2
    assert {used, elsewhere, nobody}.isdisjoint(_told(db))
    pushes = db.exec(select(NotifyOutbox)).all()
    assert [p.subscription_id for p in pushes] == [device.id]  # only the device that chose the metro alerts topic
    payload = json.loads(pushes[0].payload_json)
    assert payload["title"] == "Metro số 1: Chậm chuyến do sự cố tín hiệu" and payload["url"] == "/metro/alerts"

    whole_line = alerts.post_alert(db, operator, cause="WEATHER", effect="REDUCED_SERVICE", stations=[],
                                   text=alerts.AlertText("Mưa lớn", "Heavy rain"), now=now)
    assert whole_line.notified == 3  # every follower, whatever the station, and the holder


def test_only_the_operator_posts_and_what_it_posts_is_checked(db: Session, operator: int) -> None:
    for outsider in (make_user(db), make_staff(db, "official", "ubnd-ban-co"), make_staff(db, "metro_operator")):
        with pytest.raises(NotAllowed):
            alerts.post_alert(db, outsider, cause="STRIKE", effect="NO_SERVICE", stations=[], text=TEXT)
    bad = [dict(cause="UNKNOWN_CAUSE", effect="NO_SERVICE"), dict(cause="STRIKE", effect="BOGUS")]
    for kinds in bad:
        with pytest.raises(DomainError, match="alert_kind"):
            alerts.post_alert(db, operator, stations=[], text=TEXT, **kinds)
    with pytest.raises(DomainError, match="alert_header"):
        alerts.post_alert(db, operator, cause="STRIKE", effect="NO_SERVICE", stations=[],
                          text=alerts.AlertText("  ", "x"))
    with pytest.raises(DomainError, match="station_unknown"):
        alerts.post_alert(db, operator, cause="STRIKE", effect="NO_SERVICE", stations=["L2-01"], text=TEXT)
    with pytest.raises(DomainError, match="alert_end"):
        alerts.post_alert(db, operator, cause="STRIKE", effect="NO_SERVICE", stations=[], text=TEXT,
                          ends_at=utcnow() - timedelta(minutes=1))


def test_the_feed_parses_with_the_official_bindings(db: Session, operator: int) -> None:
    now = utcnow().replace(microsecond=0)
    first = alerts.post_alert(db, operator, cause="MAINTENANCE", effect="NO_SERVICE", stations=["L1-14"], text=TEXT,
                              ends_at=now + timedelta(hours=2), now=now)
    alerts.post_alert(db, operator, cause="WEATHER", effect="REDUCED_SERVICE", stations=[],
                      text=alerts.AlertText("Mưa lớn", ""), now=now)
    ended = alerts.post_alert(db, operator, cause="STRIKE", effect="NO_SERVICE", stations=[], text=TEXT, now=now)
    alerts.end_alert(db, operator, ended.id, now=now + timedelta(seconds=1))
    db.commit()

    message = gtfs_realtime_pb2.FeedMessage()
    message.ParseFromString(alerts.feed(db, now + timedelta(minutes=1)).SerializeToString())
    assert message.header.gtfs_realtime_version == "2.0"
    assert message.header.incrementality == gtfs_realtime_pb2.FeedHeader.FULL_DATASET
    assert [e.id for e in message.entity] == [f"metro-alert-{ended.id - 1}", f"metro-alert-{first.id}"]
    line, station = message.entity[0].alert, message.entity[1].alert
    assert station.cause == gtfs_realtime_pb2.Alert.MAINTENANCE and station.effect == gtfs_realtime_pb2.Alert.NO_SERVICE
    assert [(e.agency_id, e.route_id, e.stop_id) for e in station.informed_entity] == [("HURC1", "L1", "L1-14")]
    assert [(e.route_id, e.HasField("stop_id")) for e in line.informed_entity] == [("L1", False)]
    assert (station.active_period[0].start, station.active_period[0].end) == (to_unix(now), to_unix(now) + 7200)
    assert {t.language: t.text for t in station.header_text.translation} == {
        "vi": "Chậm chuyến do sự cố tín hiệu", "en": "Delays: signalling fault"}
    assert {t.language: t.text for t in line.header_text.translation} == {"vi": "Mưa lớn", "en": "Mưa lớn"}
    assert station.url.translation[0].text.endswith("/metro/alerts")
    as_json = alerts.feed_json(message)
    assert as_json["entity"][1]["alert"]["effect"] == "NO_SERVICE"
    # once over, an alert leaves the feed
    assert [e.id for e in alerts.feed(db, now + timedelta(hours=3)).entity] == [f"metro-alert-{ended.id - 1}"]


def test_alerts_for_a_station_include_the_whole_line(db: Session, operator: int) -> None:
    alerts.post_alert(db, operator, cause="WEATHER", effect="REDUCED_SERVICE", stations=[], text=TEXT)
    alerts.post_alert(db, operator, cause="MAINTENANCE", effect="NO_SERVICE", stations=["L1-14"], text=TEXT)
    assert len(alerts.active_alerts(db, station="L1-14")) == 2
    assert len(alerts.active_alerts(db, station="L1-01")) == 1


def test_following_needs_a_login_and_a_real_station(db: Session) -> None:
    rider = make_user(db)
    with pytest.raises(NotAllowed):
        stations.follow(db, None, "L1-01")
    with pytest.raises(DomainError, match="station_unknown"):
        stations.follow(db, rider, "L9-01")
    stations.follow(db, rider, "L1-03")
    stations.follow(db, rider, "L1-03")  # twice is once
    assert stations.followed(db, rider) == {"L1-03"}
    stations.unfollow(db, rider, "L1-03")
    assert stations.followed(db, rider) == set()


def test_walking_directions_go_to_the_station_coordinates() -> None:
    from citizen_app.metro.catalog import data

    url = stations.walking_url(data().station("L1-01"))
    assert url == "https://www.google.com/maps/dir/?api=1&destination=10.77142%2C106.6983&travelmode=walking"
