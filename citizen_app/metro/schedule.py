"""Next trains and each station's timetable, from the GTFS the app publishes (``/gtfs.zip``): ``calendar.txt``,
``trips.txt``, ``stop_times.txt`` (minutes from the first station) and ``frequencies.txt`` (the line runs by
headway, ``exact_times=0``, so every time is an estimate: "about every N minutes"). Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from citizen_app.core.catalog import CatalogModel, Text, file_label, invalid, validate_catalog
from citizen_app.metro.catalog import DATA_DIR, GtfsRow, read_tables

DAY = 24 * 3600
LOOKAHEAD_DAYS = 8  # a station with no train today shows the next day that has one


def _seconds(value: str) -> int:
    """GTFS time "HH:MM:SS" (hours may pass 24) as seconds after midnight of the service day."""
    parts = value.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or int(parts[1]) > 59 or int(parts[2]) > 59:
        raise ValueError(f"must be a GTFS time HH:MM:SS, not {value!r}")
    return int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])


def _gtfs_date(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError as exc:
        raise ValueError(f"must be a GTFS date YYYYMMDD, not {value!r}") from exc


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise ValueError(f"must be a whole number of seconds above 0, not {value!r}")
    return int(value)


Seconds = Annotated[int, BeforeValidator(_seconds)]
GtfsDate = Annotated[date, BeforeValidator(_gtfs_date)]
Flag = Literal["0", "1"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class CalendarRow(GtfsRow):
    service_id: Text
    monday: Flag
    tuesday: Flag
    wednesday: Flag
    thursday: Flag
    friday: Flag
    saturday: Flag
    sunday: Flag
    start_date: GtfsDate
    end_date: GtfsDate


class TripRow(GtfsRow):
    trip_id: Text
    service_id: Text
    direction_id: Flag


class FrequencyRow(GtfsRow):
    trip_id: Text
    start_time: Seconds
    end_time: Seconds
    headway_secs: Annotated[int, BeforeValidator(_positive)]


class StopTimeRow(GtfsRow):
    trip_id: Text
    stop_id: Text
    departure_time: Seconds


class ScheduleFiles(CatalogModel):
    calendar: dict[str, CalendarRow] = Field(alias="gtfs/calendar.txt")
    trips: dict[str, TripRow] = Field(alias="gtfs/trips.txt")
    frequencies: dict[str, FrequencyRow] = Field(alias="gtfs/frequencies.txt")
    stop_times: dict[str, StopTimeRow] = Field(alias="gtfs/stop_times.txt")

    @model_validator(mode="after")
    def _references(self) -> ScheduleFiles:
        services = {row.service_id for row in self.calendar.values()}
        trips = {row.trip_id for row in self.trips.values()}
        for line, trip in self.trips.items():
            if trip.service_id not in services:
                raise invalid("unknown service (not in gtfs/calendar.txt)", "gtfs/trips.txt", line, "service_id")
        for name, rows in (("gtfs/frequencies.txt", self.frequencies), ("gtfs/stop_times.txt", self.stop_times)):
            for line, row in rows.items():
                if row.trip_id not in trips:
                    raise invalid("unknown trip (not in gtfs/trips.txt)", name, line, "trip_id")
        for line, row in self.frequencies.items():
            if row.end_time <= row.start_time:
                raise invalid("must be after start_time", "gtfs/frequencies.txt", line, "end_time")
        return self


@dataclass(frozen=True, order=True)
class Window:
    """Trains leave the first station every ``headway`` seconds from ``start`` until before ``end``."""

    start: int
    end: int
    headway: int

    def departures(self) -> range:
        return range(self.start, self.end, self.headway)


@dataclass(frozen=True)
class Trip:
    trip_id: str
    service_id: str
    direction: int
    offsets: dict[str, int]  # stop -> seconds after the trip leaves its first stop
    terminus: str
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Service:
    service_id: str
    weekdays: frozenset[int]  # 0 = Monday
    start: date
    end: date

    def runs_on(self, day: date) -> bool:
        return self.start <= day <= self.end and day.weekday() in self.weekdays


@dataclass(frozen=True)
class Schedule:
    services: dict[str, Service]
    trips: tuple[Trip, ...]


def load(data_dir: Path = DATA_DIR) -> Schedule:
    files = validate_catalog(read_tables(data_dir, ScheduleFiles), ScheduleFiles, file_label(data_dir), per_file=True)
    services = {row.service_id: Service(row.service_id,
                                        frozenset(i for i, name in enumerate(WEEKDAYS) if getattr(row, name) == "1"),
                                        row.start_date, row.end_date) for row in files.calendar.values()}
    trips = []
    for row in files.trips.values():
        times = [st for st in files.stop_times.values() if st.trip_id == row.trip_id]
        if not times:
            continue
        first = times[0].departure_time
        windows = tuple(sorted(Window(f.start_time, f.end_time, f.headway_secs)
                               for f in files.frequencies.values() if f.trip_id == row.trip_id))
        trips.append(Trip(row.trip_id, row.service_id, int(row.direction_id),
                          {st.stop_id: st.departure_time - first for st in times}, times[-1].stop_id, windows))
    return Schedule(services, tuple(trips))


@lru_cache(maxsize=1)
def schedule() -> Schedule:
    return load()


def _trips_at(plan: Schedule, station: str, day: date | None = None) -> list[Trip]:
    """Trips that call at ``station`` and go on from it (not ending there), running on ``day`` if given."""
    return [t for t in plan.trips if station in t.offsets and t.terminus != station
            and (day is None or plan.services[t.service_id].runs_on(day))]


# --- next trains ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextTrains:
    direction: int
    toward: str  # the terminus station's code
    times: tuple[datetime, ...]  # estimated departures from the station (local time)
    headway_minutes: int | None  # the current interval, when a train is running now


def next_trains(station: str, now: datetime, count: int = 3, plan: Schedule | None = None) -> list[NextTrains]:
    """The next ``count`` departures from ``station`` in each direction after ``now`` (local, timezone-aware)."""
    plan = plan or schedule()
    result = []
    for direction in sorted({t.direction for t in _trips_at(plan, station)}):
        times: list[datetime] = []
        headway = None
        toward = next(t.terminus for t in _trips_at(plan, station) if t.direction == direction)
        for ahead in range(LOOKAHEAD_DAYS):
            day = now.date() + timedelta(days=ahead)
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=ahead)
            for trip in (t for t in _trips_at(plan, station, day) if t.direction == direction):
                offset = trip.offsets[station]
                for window in trip.windows:
                    if ahead == 0 and window.start + offset <= _secs(now) < window.end + offset:
                        headway = window.headway // 60
                    times += [midnight + timedelta(seconds=s + offset) for s in window.departures()]
            times = sorted(t for t in times if t >= now)
            if len(times) >= count:
                break
        result.append(NextTrains(direction, toward, tuple(times[:count]), headway))
    return result


def _secs(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


# --- timetable -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: int  # first and last departure of the period from this station, seconds after midnight
    end: int
    headway_minutes: int


@dataclass(frozen=True)
class DirectionTimetable:
    direction: int
    toward: str
    first: int  # first departure from this station, seconds after midnight
    last: int
    periods: tuple[Period, ...]


@dataclass(frozen=True)
class ServiceTimetable:
    weekdays: frozenset[int]
    directions: tuple[DirectionTimetable, ...]


def timetable(station: str, plan: Schedule | None = None) -> list[ServiceTimetable]:
    """Per service day pattern (Mon–Thu, Fri–Sun…), per direction: first and last train and the intervals."""
    plan = plan or schedule()
    tables = []
    for service in sorted(plan.services.values(), key=lambda s: min(s.weekdays, default=7)):
        directions = []
        for trip in sorted((t for t in _trips_at(plan, station) if t.service_id == service.service_id),
                           key=lambda t: t.direction):
            offset = trip.offsets[station]
            starts = [s for w in trip.windows for s in w.departures()]
            if not starts:
                continue
            periods = tuple(Period(w.start + offset, w.departures()[-1] + offset, w.headway // 60)
                            for w in trip.windows if w.departures())
            directions.append(DirectionTimetable(trip.direction, trip.terminus, min(starts) + offset,
                                                 max(starts) + offset, periods))
        if directions:
            tables.append(ServiceTimetable(service.weekdays, tuple(directions)))
    return tables


def clock(seconds: int) -> str:
    """``HH:MM`` of seconds after midnight (a GTFS service day may pass 24:00: shown as the next day's time)."""
    minutes = seconds // 60
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
