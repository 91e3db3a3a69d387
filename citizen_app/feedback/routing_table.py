"""The routing table (``data/feedback/routing.json``): which agency handles a new report, as data.

The models validate the file (a ``CatalogError`` names the field); cross-file checks (categories and agencies
exist, a committee is its ward's) are in ``catalog.BoardFiles``. ``RoutingTable`` answers without a database:
the first rule matching the report's category and each condition it sets (ward, district, road class, area)
names the agency, otherwise the ward's People's Committee, otherwise (a ward not listed) the intake agency.
Whether an agency has anyone to do the work needs the database: ``routing.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, model_validator

from citizen_app.city.text import ward_key
from citizen_app.core.catalog import CatalogModel, Text, invalid, require_unique
from citizen_app.feedback.geo import Point, in_polygons
from citizen_app.feedback.text import fold

CONDITIONS = ("ward", "district", "road_class", "area")
_WORD = re.compile(r"\w+")


def words(text: str | None) -> str:
    """Folded words joined by single spaces, for whole-word matching: 'Hẻm 185, CMT8' -> 'hem 185 cmt8'."""
    return " ".join(_WORD.findall(fold(text or "")))


# --- the file -------------------------------------------------------------------------------------


class WardSpec(CatalogModel):
    name: Text
    committee: Text  # agency code of the ward's People's Committee: the fallback for its reports
    district: str = ""

    @property
    def key(self) -> str:
        return ward_key(self.name)


class RoadClassSpec(CatalogModel):
    code: Text
    name_vi: Text
    name_en: Text
    match: list[Text] = Field(min_length=1)  # street names or words found in the address


class AreaSpec(CatalogModel):
    code: Text
    name_vi: Text
    name_en: Text
    polygon: Annotated[list[Point], Field(min_length=3)]


class RuleSpec(CatalogModel):
    categories: list[Text] = Field(min_length=1)
    ward: str | None = None
    district: str | None = None
    road_class: str | None = None
    area: str | None = None
    agency: Text

    @model_validator(mode="after")
    def _ward_or_district(self) -> RuleSpec:
        if self.ward and self.district:
            raise invalid("set ward or district, not both (a ward implies its district)", "district")
        return self


class TeamSpec(CatalogModel):
    agency: Text
    code: Text
    name_vi: Text
    name_en: Text

    @property
    def ident(self) -> tuple[str, str]:
        return self.agency, self.code


class RoutingFile(CatalogModel):
    intake: Text  # agency for reports from a ward not listed
    wards: list[WardSpec] = Field(min_length=1)
    road_classes: list[RoadClassSpec] = []
    areas: list[AreaSpec] = []
    rules: list[RuleSpec] = []
    teams: list[TeamSpec] = []

    @model_validator(mode="after")
    def _unique(self) -> RoutingFile:
        require_unique(self.wards, "key", "wards")
        require_unique(self.road_classes, "code", "road_classes")
        require_unique(self.areas, "code", "areas")
        require_unique(self.teams, "ident", "teams")
        return self

    @model_validator(mode="after")
    def _rule_references(self) -> RoutingFile:
        known = {"ward": {w.key for w in self.wards}, "district": {w.district for w in self.wards if w.district},
                 "road_class": {c.code for c in self.road_classes}, "area": {a.code for a in self.areas}}
        for index, rule in enumerate(self.rules):
            for name in CONDITIONS:
                value = getattr(rule, name)
                if value is not None and (ward_key(value) if name == "ward" else value) not in known[name]:
                    raise invalid(f"unknown {name.replace('_', ' ')} {value!r}", "rules", index, name)
        return self

    @model_validator(mode="after")
    def _no_dead_rules(self) -> RoutingFile:
        district_of = {w.key: w.district for w in self.wards}
        for later_index, later in enumerate(self.rules):
            for index, earlier in enumerate(self.rules[:later_index]):
                if _covers(earlier, later, district_of):
                    raise invalid(f"never applies: rules[{index}] matches every report it would", "rules",
                                  later_index)
        return self


def _covers(earlier: RuleSpec, later: RuleSpec, district_of: dict[str, str]) -> bool:
    """Every report ``later`` matches is matched by ``earlier`` first."""
    if not set(later.categories) <= set(earlier.categories):
        return False
    later_district = later.district or (district_of.get(ward_key(later.ward)) if later.ward else None)
    wanted = {"ward": ward_key(later.ward) if later.ward else None, "district": later_district,
              "road_class": later.road_class, "area": later.area}
    have = {"ward": ward_key(earlier.ward) if earlier.ward else None, "district": earlier.district,
            "road_class": earlier.road_class, "area": earlier.area}
    return all(have[name] is None or have[name] == wanted[name] for name in CONDITIONS)


# --- the table the app asks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ward:
    name: str
    key: str
    district: str
    committee: str


@dataclass(frozen=True)
class Team:
    agency: str
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Rule:
    categories: frozenset[str]
    ward: str | None  # ward key
    district: str | None
    road_class: str | None
    area: str | None
    agency: str

    def matches(self, category: str, ward: Ward | None, road_class: str | None, areas: frozenset[str]) -> bool:
        return (category in self.categories
                and (self.ward is None or (ward is not None and ward.key == self.ward))
                and (self.district is None or (ward is not None and ward.district == self.district))
                and (self.road_class is None or road_class == self.road_class)
                and (self.area is None or self.area in areas))


@dataclass(frozen=True)
class Route:
    """Where a report goes: ``agency`` by ``rule`` (its index; None: no rule matched, the fallback applies), and
    ``fallback``, who takes the report when ``agency`` has no active official."""

    agency: str
    fallback: str
    rule: int | None
    ward: Ward | None


@dataclass(frozen=True)
class RoutingTable:
    intake: str
    wards: tuple[Ward, ...]
    road_classes: tuple[tuple[str, tuple[str, ...]], ...]  # (code, folded phrases), tried in order
    areas: tuple[tuple[str, tuple[tuple[float, float], ...]], ...]  # (code, ring of (lon, lat))
    rules: tuple[Rule, ...]
    teams: tuple[Team, ...]

    @classmethod
    def from_file(cls, spec: RoutingFile) -> RoutingTable:
        return cls(
            intake=spec.intake,
            wards=tuple(Ward(w.name, w.key, w.district, w.committee) for w in spec.wards),
            road_classes=tuple((c.code, tuple(words(m) for m in c.match)) for c in spec.road_classes),
            areas=tuple((a.code, tuple((p[0], p[1]) for p in a.polygon)) for a in spec.areas),
            rules=tuple(Rule(frozenset(r.categories), ward_key(r.ward) if r.ward else None, r.district, r.road_class,
                             r.area, r.agency) for r in spec.rules),
            teams=tuple(Team(t.agency, t.code, t.name_vi, t.name_en) for t in spec.teams),
        )

    def ward(self, typed: str | None) -> Ward | None:
        """The listed ward a citizen typed ('phường Bàn Cờ', 'ban co' …), or None."""
        key = ward_key(typed)
        return next((w for w in self.wards if w.key == key), None) if key else None

    def ward_of_committee(self, agency_code: str | None) -> Ward | None:
        return next((w for w in self.wards if w.committee == agency_code), None) if agency_code else None

    def road_class(self, address: str | None) -> str | None:
        text = f" {words(address)} "
        for code, phrases in self.road_classes:
            if any(f" {phrase} " in text for phrase in phrases):
                return code
        return None

    def areas_at(self, lat: float | None, lon: float | None) -> frozenset[str]:
        if lat is None or lon is None:
            return frozenset()
        return frozenset(code for code, ring in self.areas if in_polygons(lat, lon, (ring,)))

    def fallback(self, ward: Ward | None) -> str:
        return ward.committee if ward else self.intake

    def route(self, category: str, ward_text: str | None, address: str = "", lat: float | None = None,
              lon: float | None = None) -> Route:
        ward = self.ward(ward_text)
        agency, rule = self._first_match(category, ward, self.road_class(address), self.areas_at(lat, lon))
        return Route(agency, self.intake if rule is None else self.fallback(ward), rule, ward)

    def _first_match(self, category: str, ward: Ward | None, road_class: str | None,
                     areas: frozenset[str]) -> tuple[str, int | None]:
        for index, rule in enumerate(self.rules):
            if rule.matches(category, ward, road_class, areas):
                return rule.agency, index
        return self.fallback(ward), None

    def fallbacks_of(self, agency: str) -> frozenset[str]:
        """Who takes the reports routed to ``agency`` when it has no active official: the committees of the
        wards its rules cover, and the intake for reports from wards not listed (nobody for the intake itself)."""
        found: set[str] = set()
        for rule in (r for r in self.rules if r.agency == agency):
            found |= {w.committee for w in self.wards if (rule.ward is None or w.key == rule.ward)
                      and (rule.district is None or w.district == rule.district)}
            if rule.ward is None and rule.district is None:
                found.add(self.intake)
        if any(w.committee == agency for w in self.wards):
            found.add(self.intake)
        return frozenset(found - {agency})

    def targets(self) -> frozenset[str]:
        """Every agency a report can be routed to: rule targets, committees and the intake."""
        return frozenset({r.agency for r in self.rules} | {w.committee for w in self.wards} | {self.intake})

    def coverage(self, categories: tuple[str, ...]) -> list[tuple[str, str, str, str, str]]:
        """(category, ward name, road class, area, agency) for every combination; '' is "none": a ward not listed,
        an address of no class, a point in no area."""
        wards: list[Ward | None] = [*self.wards, None]
        classes = ["", *(code for code, _ in self.road_classes)]
        areas = ["", *(code for code, _ in self.areas)]
        rows = []
        for category in categories:
            for ward in wards:
                for road_class in classes:
                    for area in areas:
                        agency, _ = self._first_match(category, ward, road_class or None,
                                                      frozenset({area} if area else ()))
                        rows.append((category, ward.name if ward else "", road_class, area, agency))
        return rows

    def teams_of(self, agency_code: str) -> tuple[Team, ...]:
        return tuple(t for t in self.teams if t.agency == agency_code)

    def team(self, agency_code: str, code: str) -> Team | None:
        return next((t for t in self.teams if t.agency == agency_code and t.code == code), None)
