"""Thin states of the riders' station pages: the line map (/metro/stations), a station's next trains and timetable
(/metro/station?code=), and the service alerts in force (/metro/alerts)."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, to_local, utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.metro import alerts, schedule, stations
from citizen_app.metro.catalog import Station, data
from citizen_app.metro.models import MetroAlert
from citizen_app.metro.state import texts
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import param


def _names(code: str, prefix: str) -> dict[str, str]:
    station = data().station(code)
    return {f"{prefix}_vi": station.name_vi if station else code, f"{prefix}_en": station.name_en if station else code}


def _days(weekdays: frozenset[int], prefix: str) -> dict[str, str]:
    """"Thứ Hai – Thứ Năm" for a run of days, else the days listed."""
    days = sorted(weekdays)
    out = {}
    for lang in ("vi", "en"):
        names = [translate(f"metro.weekday.{d}", lang) for d in days]
        run = len(days) > 2 and days == list(range(days[0], days[-1] + 1))
        out[f"{prefix}_{lang}"] = f"{names[0]} – {names[-1]}" if run else ", ".join(names)
    return out


def station_row(station: Station, following: set[str]) -> dict[str, str]:
    return {"code": station.code, "index": str(station.index), "name_vi": station.name_vi,
            "name_en": station.name_en, "walk": stations.walking_url(station),
            "followed": "1" if station.code in following else ""}


def _where(codes: list[str]) -> dict[str, str]:
    if not codes:
        return texts("metro.alerts.whole_line", "where")
    names = [_names(code, "n") for code in codes]
    return {"where_vi": ", ".join(n["n_vi"] for n in names), "where_en": ", ".join(n["n_en"] for n in names)}


def alert_row(alert: MetroAlert) -> dict[str, str]:
    return {"id": str(alert.id), "header_vi": alert.header_vi, "header_en": alert.header_en,
            "description_vi": alert.description_vi, "description_en": alert.description_en,
            **texts(f"metro.alert.effect.{alert.effect}", "effect"), **_where(alerts.station_codes(alert)),
            "since": format_datetime(alert.starts_at),
            "until": format_datetime(alert.ends_at) if alert.ends_at else ""}


def _time(moment: datetime, today: datetime) -> str:
    return moment.strftime("%H:%M") if moment.date() == today.date() else moment.strftime("%H:%M (%d/%m)")


def next_train_rows(code: str, now: datetime) -> list[dict[str, str]]:
    rows = []
    for trains in schedule.next_trains(code, now):
        rows.append({**_names(trains.toward, "toward"),
                     "times": " · ".join(_time(t, now) for t in trains.times),
                     **(texts("metro.station.every", "every", minutes=trains.headway_minutes)
                        if trains.headway_minutes else {"every_vi": "", "every_en": ""})})
    return rows


def timetable_rows(code: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(first and last trains, intervals): one row per service days and direction, and per period."""
    ends, periods = [], []
    for table in schedule.timetable(code):
        days = _days(table.weekdays, "days")
        for direction in table.directions:
            toward = _names(direction.toward, "toward")
            ends.append({**days, **toward, "first": schedule.clock(direction.first),
                         "last": schedule.clock(direction.last)})
            periods += [{**days, **toward, "span": f"{schedule.clock(p.start)} – {schedule.clock(p.end)}",
                         **texts("metro.station.every", "every", minutes=p.headway_minutes)}
                        for p in direction.periods]
    return ends, periods


class MetroStationsState(FormErrorMixin, rx.State):
    """/metro/stations, /metro/station?code=…, /metro/alerts (public pages; following a station needs a login)."""

    stations: list[dict[str, str]] = []
    alerts: list[dict[str, str]] = []
    station: dict[str, str] = {}
    next_trains: list[dict[str, str]] = []
    first_last: list[dict[str, str]] = []
    periods: list[dict[str, str]] = []
    logged_in_rider: bool = False

    @rx.event
    async def load_map(self):
        user_id, _ = await acting_user(self)
        with read_scope() as db:
            following = stations.followed(db, user_id)
            set_changed(self, stations=[station_row(s, following) for s in data().stations],
                        alerts=[alert_row(a) for a in alerts.active_alerts(db)], logged_in_rider=user_id is not None)

    @rx.event
    async def load_station(self):
        self.error = {}
        user_id, _ = await acting_user(self)
        station = data().station(param(self, "code")[:16])
        if station is None:
            self.station, self.next_trains, self.first_last, self.periods = {}, [], [], []
            self.error = both("metro.error.station_unknown")
            return
        with read_scope() as db:
            row = station_row(station, stations.followed(db, user_id))
            found = [alert_row(a) for a in alerts.active_alerts(db, station=station.code)]
        ends, periods = timetable_rows(station.code)
        set_changed(self, station=row, alerts=found, next_trains=next_train_rows(station.code, to_local(utcnow())),
                    first_last=ends, periods=periods, logged_in_rider=user_id is not None)

    @rx.event
    async def toggle_follow(self):
        user_id, _ = await acting_user(self)
        code = self.station.get("code", "")
        try:
            with session_scope() as db:
                if self.station.get("followed"):
                    stations.unfollow(db, user_id, code)
                else:
                    stations.follow(db, user_id, code)
                following = stations.followed(db, user_id)
        except DomainError as exc:
            self._fail(exc)
            return
        self.station = {**self.station, "followed": "1" if code in following else ""}

    @rx.event
    def load_alerts(self):
        with read_scope() as db:
            set_changed(self, alerts=[alert_row(a) for a in alerts.active_alerts(db)])
