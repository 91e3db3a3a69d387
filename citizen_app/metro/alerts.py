"""Service alerts: the operator posts a disruption, riders concerned are told, and the alerts are published as a
GTFS-Realtime ServiceAlerts feed (``/gtfs-rt/alerts.pb``, ``?format=json`` for people), built with MobilityData's
official bindings (``gtfs-realtime-bindings``).

Riders concerned: those holding a ticket valid now (active, not expired, not a used single) and those following
one of the stations affected (any station, for an alert on the whole line). They get an in-app notification and a
push on their devices that chose the "metro_alerts" topic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf import json_format
from google.transit import gtfs_realtime_pb2 as rt
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import to_unix, utcnow
from citizen_app.metro.backoffice import require_operator
from citizen_app.metro.catalog import data
from citizen_app.metro.gate import PHASE_DONE
from citizen_app.metro.models import MetroAlert, MetroStationFollow, MetroTicket

# The GTFS-Realtime vocabularies, minus the "unknown" values (the operator says what happened).
CAUSES = tuple(v.name for v in rt.Alert.Cause.DESCRIPTOR.values if v.name != "UNKNOWN_CAUSE")
EFFECTS = tuple(v.name for v in rt.Alert.Effect.DESCRIPTOR.values if v.name != "UNKNOWN_EFFECT")
TOPIC = "metro_alerts"
HEADER_MAX, DESCRIPTION_MAX = 120, 1000
ALERTS_PATH = "/metro/alerts"
FEED_PATH = "/gtfs-rt/alerts.pb"


@dataclass(frozen=True)
class AlertText:
    header_vi: str
    header_en: str
    description_vi: str = ""
    description_en: str = ""

    def checked(self) -> AlertText:
        header_vi, header_en = self.header_vi.strip(), (self.header_en or self.header_vi).strip()
        if not (0 < len(header_vi) <= HEADER_MAX and len(header_en) <= HEADER_MAX):
            raise DomainError("metro.error.alert_header", max=HEADER_MAX)
        description_vi = self.description_vi.strip()
        description_en = (self.description_en or self.description_vi).strip()
        if len(description_vi) > DESCRIPTION_MAX or len(description_en) > DESCRIPTION_MAX:
            raise DomainError("metro.error.alert_description", max=DESCRIPTION_MAX)
        return AlertText(header_vi, header_en, description_vi, description_en)


def _stations(codes: Iterable[str]) -> list[str]:
    metro, chosen = data(), []
    for code in codes:
        if metro.station(code) is None:
            raise DomainError("metro.error.station_unknown")
        if code not in chosen:
            chosen.append(code)
    return [s.code for s in metro.stations if s.code in chosen]  # line order


def station_codes(alert: MetroAlert) -> list[str]:
    return [c for c in alert.stations.split(",") if c]


def is_active(alert: MetroAlert, now: datetime) -> bool:
    return alert.starts_at <= now and (alert.ends_at is None or alert.ends_at > now)


def riders_concerned(db: Session, stations: list[str], now: datetime) -> set[int]:
    holders = db.exec(select(MetroTicket.user_id).where(
        MetroTicket.status == "active", col(MetroTicket.valid_until) > now, MetroTicket.phase != PHASE_DONE)).all()
    follows = select(MetroStationFollow.user_id)
    if stations:
        follows = follows.where(col(MetroStationFollow.station).in_(stations))
    return set(holders) | set(db.exec(follows).all())


def post_alert(db: Session, actor_id: int | None, *, cause: str, effect: str, stations: Iterable[str],
               text: AlertText, ends_at: datetime | None = None, now: datetime | None = None) -> MetroAlert:
    """Publish a disruption now (until ``ends_at``, or until ended) and tell the riders concerned."""
    from citizen_app.notify.service import notify_many

    actor = require_operator(db, actor_id)
    now = now or utcnow()
    if cause not in CAUSES or effect not in EFFECTS:
        raise DomainError("metro.error.alert_kind")
    if ends_at is not None and ends_at <= now:
        raise DomainError("metro.error.alert_end")
    text, codes = text.checked(), _stations(stations)
    alert = MetroAlert(cause=cause, effect=effect, stations=",".join(codes), header_vi=text.header_vi,
                       header_en=text.header_en, description_vi=text.description_vi,
                       description_en=text.description_en, starts_at=now, ends_at=ends_at, created_by=actor,
                       created_at=now)
    db.add(alert)
    db.flush()
    alert.notified = notify_many(db, riders_concerned(db, codes, now), TOPIC, "metro.alert.notice_title",
                                 "metro.alert.notice_body",
                                 {"header_vi": text.header_vi, "header_en": text.header_en}, url=ALERTS_PATH)
    return alert


def end_alert(db: Session, actor_id: int | None, alert_id: int, now: datetime | None = None) -> None:
    require_operator(db, actor_id)
    alert = db.get(MetroAlert, alert_id)
    if alert is None:
        raise NotFound("metro.error.alert_unknown")
    now = now or utcnow()
    if alert.ends_at is None or alert.ends_at > now:
        alert.ends_at = now
        db.add(alert)


_IN_FORCE = (select(MetroAlert).where(col(MetroAlert.starts_at) <= bindparam("now"),
                                      col(MetroAlert.ends_at).is_(None) | (col(MetroAlert.ends_at) > bindparam("now")))
             .order_by(col(MetroAlert.id).desc()))  # every /metro page load: built once (core/db.py)


def active_alerts(db: Session, now: datetime | None = None, station: str | None = None) -> list[MetroAlert]:
    """Alerts in force now, newest first; with ``station``: those on that station or on the whole line."""
    rows = db.exec(_IN_FORCE, params={"now": now or utcnow()}).all()
    return [a for a in rows if station is None or not a.stations or station in station_codes(a)]


# --- GTFS-Realtime --------------------------------------------------------------------------------------------


def _translated(target: rt.TranslatedString, vi: str, en: str) -> None:
    for lang, text in (("vi", vi), ("en", en)):
        if text:
            target.translation.add(text=text, language=lang)


def feed_message(alerts: list[MetroAlert], now: datetime) -> rt.FeedMessage:
    """A full-dataset ServiceAlerts feed: one entity per alert in force, on the route or on each station."""
    metro = data()
    feed = rt.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.header.incrementality = rt.FeedHeader.FULL_DATASET
    feed.header.timestamp = to_unix(now)
    for alert in alerts:
        entity = feed.entity.add(id=f"metro-alert-{alert.id}")
        body = entity.alert
        period = body.active_period.add(start=to_unix(alert.starts_at))
        if alert.ends_at is not None:
            period.end = to_unix(alert.ends_at)
        codes = station_codes(alert)
        for code in codes or [None]:
            selector = body.informed_entity.add(agency_id=metro.gtfs_agency_id, route_id=metro.route_id)
            if code:
                selector.stop_id = code
        body.cause = rt.Alert.Cause.Value(alert.cause)
        body.effect = rt.Alert.Effect.Value(alert.effect)
        body.url.translation.add(text=f"{settings().public_url}{ALERTS_PATH}")
        _translated(body.header_text, alert.header_vi, alert.header_en)
        _translated(body.description_text, alert.description_vi, alert.description_en)
    return feed


def feed(db: Session, now: datetime | None = None) -> rt.FeedMessage:
    now = now or utcnow()
    return feed_message(active_alerts(db, now), now)


def feed_json(message: rt.FeedMessage) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)
