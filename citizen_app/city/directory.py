"""Help near you: ward offices and community digital-technology teams, from ``data/city/help_points.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from citizen_app.city.text import contains_all, fold, ward_key
from citizen_app.core.config import ROOT
from citizen_app.core.errors import DomainError

HELP_FILE = ROOT / "data" / "city" / "help_points.json"
KINDS = ("ward_office", "digital_team")


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


def _point(raw: dict, topics: dict[str, Topic]) -> HelpPoint:
    if raw["kind"] not in KINDS:
        raise ValueError(f"help_points.json: {raw.get('code')}: unknown kind {raw['kind']!r}")
    unknown = [t for t in raw["helps_with"] if t not in topics]
    if unknown:
        raise ValueError(f"help_points.json: {raw['code']}: unknown topics {unknown}")
    lat, lon = raw.get("lat"), raw.get("lon")
    return HelpPoint(raw["code"], raw["kind"], raw["ward"], raw["name_vi"], raw["name_en"], raw["address"],
                     raw["hours_vi"], raw["hours_en"], raw.get("phone", ""), raw.get("email", ""),
                     tuple(raw["helps_with"]), float(lat) if lat is not None else None,
                     float(lon) if lon is not None else None)


@lru_cache(maxsize=1)
def directory() -> Directory:
    raw = json.loads(HELP_FILE.read_text(encoding="utf-8"))
    topics = {t["code"]: Topic(t["code"], t["vi"], t["en"]) for t in raw["topics"]}
    points = tuple(_point(p, topics) for p in raw["points"])
    if len({p.code for p in points}) != len(points):
        raise ValueError("help_points.json: duplicate codes")
    return Directory(bool(raw.get("sample_data")), topics, points)


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
