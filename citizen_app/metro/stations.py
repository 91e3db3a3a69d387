"""The stations for riders: walking directions to each (a maps link with the station's coordinates, no script
from the map's site) and the stations a rider follows, whose service alerts reach them."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlmodel import Session, delete, select

from citizen_app.core.errors import NotAllowed
from citizen_app.metro.catalog import Station, data
from citizen_app.metro.fares import station_or_error
from citizen_app.metro.models import MetroStationFollow

MAPS_DIRECTIONS = "https://www.google.com/maps/dir/"


def walking_url(station: Station) -> str:
    """Google Maps' documented cross-platform directions URL (opens the Maps app on phones), walking to the
    station's coordinates from wherever the rider is."""
    return MAPS_DIRECTIONS + "?" + urlencode({"api": "1", "destination": f"{station.lat},{station.lon}",
                                              "travelmode": "walking"})


def _rider(user_id: int | None) -> int:
    if user_id is None:
        raise NotAllowed("error.login_required")
    return user_id


def followed(db: Session, user_id: int | None) -> set[str]:
    if user_id is None:
        return set()
    return set(db.exec(select(MetroStationFollow.station).where(MetroStationFollow.user_id == user_id)).all())


def follow(db: Session, user_id: int | None, code: str) -> None:
    rider = _rider(user_id)
    station = station_or_error(data(), code)
    if station.code not in followed(db, rider):
        db.add(MetroStationFollow(user_id=rider, station=station.code))


def unfollow(db: Session, user_id: int | None, code: str) -> None:
    db.exec(delete(MetroStationFollow).where(MetroStationFollow.user_id == _rider(user_id),
                                             MetroStationFollow.station == code))
