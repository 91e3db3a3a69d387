"""Help near you: ward offices and community digital-technology teams, from ``data/city/help_points.json``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlencode

from pydantic import model_validator

from citizen_app.city.text import contains_all, fold, ward_key
from citizen_app.core.catalog import CatalogModel, Text, invalid, load_file, require_unique
from citizen_app.core.config import ROOT
from citizen_app.core.errors import DomainError

HELP_FILE = ROOT / "data" / "city" / "help_points.json"
Kind = Literal["ward_office", "digital_team"]
KINDS = get_args(Kind)


@dataclass(frozen=True)
class Topic:
    code: str
    vi: str
    en: str


@dataclass(frozen=True)
class HelpPoint:
    code: str
    kind: str
    ward: str
    name_vi: str
    name_en: str
    address: str
    hours_vi: str
    hours_en: str
    phone: str
    email: str
    helps_with: tuple[str, ...]
    lat: float | None
    lon: float | None

    @property
    def map_url(self) -> str:
        """OpenStreetMap, opened only when the citizen follows the link (nothing is fetched by the app)."""
        if self.lat is None or self.lon is None:
            return "https://www.openstreetmap.org/search?" + urlencode({"query": self.address})
        return (f"https://www.openstreetmap.org/?mlat={self.lat:.5f}&mlon={self.lon:.5f}"
                f"#map=18/{self.lat:.5f}/{self.lon:.5f}")


@dataclass(frozen=True)
class Directory:
    sample: bool
    topics: dict[str, Topic]
    points: tuple[HelpPoint, ...]

    def point(self, code: str) -> HelpPoint | None:
        return next((p for p in self.points if p.code == code), None)

    def wards(self) -> list[str]:
        return sorted({p.ward for p in self.points}, key=fold)


class TopicSpec(CatalogModel):
    code: str
    vi: Text
    en: Text


class HelpPointSpec(CatalogModel):
    code: str
    kind: Kind
    ward: Text
    name_vi: Text
    name_en: Text
    address: Text
    hours_vi: str
    hours_en: str
    phone: str = ""
    email: str = ""
    helps_with: list[str]
    lat: float | None = None
    lon: float | None = None


class HelpFile(CatalogModel):
    """``data/city/help_points.json``."""

    sample_data: bool = False
    topics: list[TopicSpec]
    points: list[HelpPointSpec]

    @model_validator(mode="after")
    def _references(self) -> HelpFile:
        require_unique(self.topics, "code", "topics")
        require_unique(self.points, "code", "points")
        topics = {topic.code for topic in self.topics}
        for index, point in enumerate(self.points):
            for position, topic in enumerate(point.helps_with):
                if topic not in topics:
                    raise invalid(f"unknown topic {topic!r}", "points", index, "helps_with", position)
        return self


@lru_cache(maxsize=1)
def directory(path: Path = HELP_FILE) -> Directory:
    raw = load_file(path, HelpFile)
    topics = {t.code: Topic(t.code, t.vi, t.en) for t in raw.topics}
    points = tuple(HelpPoint(p.code, p.kind, p.ward, p.name_vi, p.name_en, p.address, p.hours_vi, p.hours_en,
                             p.phone, p.email, tuple(p.helps_with), p.lat, p.lon) for p in raw.points)
    return Directory(raw.sample_data, topics, points)


def search_points(query: str = "", ward: str = "", kind: str = "") -> list[HelpPoint]:
    """Filter by ward (diacritic-insensitive, 'phường' optional), kind and free text; the ward's own first."""
    if kind and kind not in KINDS:
        raise DomainError("city.help.kind_invalid")
    wanted = ward_key(ward)
    found = []
    for point in directory().points:
        if kind and point.kind != kind:
            continue
        if wanted and ward_key(point.ward) != wanted:
            continue
        topics = " ".join(f"{directory().topics[t].vi} {directory().topics[t].en}" for t in point.helps_with)
        if query and not contains_all(f"{point.name_vi} {point.name_en} {point.ward} {point.address} {topics}", query):
            continue
        found.append(point)
    return sorted(found, key=lambda p: (fold(p.ward), p.kind != "digital_team", p.code))


def team(code: str) -> HelpPoint:
    point = directory().point(code)
    if point is None or point.kind != "digital_team":
        raise DomainError("city.help.team_unknown")
    return point
