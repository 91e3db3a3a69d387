"""Data catalogs of the board (categories, states, templates, city outline, holidays), loaded once and validated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from citizen_app.core.config import ROOT

DATA = ROOT / "data"
ATTRIBUTE_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
OPEN311_TYPES = {"realtime", "batch", "blackbox"}


class CatalogError(ValueError):
    """A data file is malformed: raised at start-up, never at request time."""


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    order: int
    description_vi: str
    description_en: str
    values: tuple[tuple[str, str, str], ...]  # (key, name_vi, name_en)

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_vi


@dataclass(frozen=True)
class Category:
    code: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    group_vi: str
    group_en: str
    keywords: str
    agency: str
    deadline_working_days: int
    duplicate_radius_m: int
    open311_type: str
    emergency: str | None
    attributes: tuple[Attribute, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Stage:
    code: str
    label_vi: str
    label_en: str
    group: str
    open311: str
    terminal: bool
    next: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    code: str
    label_vi: str
    label_en: str
    kind: str
    needs_after_photo: bool
    needs_confirmation: bool
    categories: tuple[str, ...] = ()  # empty: any category

    def allowed_for(self, category_code: str) -> bool:
        return not self.categories or category_code in self.categories


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, Category]
    stages: dict[str, Stage]
    outcomes: dict[str, Outcome]
    initial_stage: str
    templates: dict[str, dict[str, str]]
    triage_working_days: int
    confirm_days: int
    default_radius_m: int
    polygons: tuple[tuple[tuple[float, float], ...], ...]
    bbox: dict[str, float]
    holidays: frozenset[date]
    extra_working_days: frozenset[date]
    open311: dict[str, Any]
    agencies: tuple[dict[str, Any], ...]

    def category(self, code: str) -> Category | None:
        return self.categories.get(code)

    def stage_label(self, code: str, lang: str) -> str:
        stage = self.stages[code]
        return stage.label_en if lang == "en" else stage.label_vi

    def outcome_label(self, code: str | None, lang: str) -> str:
        if not code:
            return ""
        outcome = self.outcomes[code]
        return outcome.label_en if lang == "en" else outcome.label_vi

    def open_stages(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages.values() if s.open311 == "open")

    def closed_stages(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages.values() if s.open311 == "closed")


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc


def _attribute(raw: dict[str, Any], where: str) -> Attribute:
    if raw.get("datatype") not in ATTRIBUTE_TYPES:
        raise CatalogError(f"{where}: bad datatype {raw.get('datatype')!r}")
    values = tuple((str(v["key"]), v["name_vi"], v["name_en"]) for v in raw.get("values", []))
    if raw["datatype"].endswith("valuelist") and not values:
        raise CatalogError(f"{where}: list attribute without values")
    return Attribute(str(raw["code"]), raw["datatype"], bool(raw.get("required")), int(raw["order"]),
                     raw["description_vi"], raw["description_en"], values)


def _category(raw: dict[str, Any]) -> Category:
    code = raw["code"]
    attributes = tuple(_attribute(a, f"category {code}") for a in raw.get("attributes", []))
    if len({a.code for a in attributes}) != len(attributes) or len({a.order for a in attributes}) != len(attributes):
        raise CatalogError(f"category {code}: attribute codes and orders must be unique")
    if raw.get("open311_type", "realtime") not in OPEN311_TYPES:
        raise CatalogError(f"category {code}: bad open311_type")
    return Category(code, raw["name_vi"], raw["name_en"], raw["description_vi"], raw["description_en"],
                    raw["group_vi"], raw["group_en"], raw.get("keywords", ""), raw["agency"],
                    int(raw["deadline_working_days"]), int(raw.get("duplicate_radius_m", 250)),
                    raw.get("open311_type", "realtime"), raw.get("emergency"), attributes)


def _states(raw: dict[str, Any]) -> tuple[dict[str, Stage], dict[str, Outcome], str]:
    stages = {s["code"]: Stage(s["code"], s["label_vi"], s["label_en"], s["group"], s["open311"],
                               bool(s["terminal"]), tuple(s["next"])) for s in raw["stages"]}
    for stage in stages.values():
        if stage.open311 not in ("open", "closed"):
            raise CatalogError(f"stage {stage.code}: open311 must be open or closed")
        for nxt in stage.next:
            if nxt not in stages:
                raise CatalogError(f"stage {stage.code}: unknown next stage {nxt}")
    outcomes = {o["code"]: Outcome(o["code"], o["label_vi"], o["label_en"], o["kind"],
                                   bool(o["needs_after_photo"]), bool(o["needs_confirmation"]),
                                   tuple(o.get("categories", ())))
                for o in raw["outcomes"]}
    if raw["initial"] not in stages:
        raise CatalogError("states: unknown initial stage")
    return stages, outcomes, raw["initial"]


def _dates(items: list[dict[str, Any]]) -> frozenset[date]:
    return frozenset(date.fromisoformat(item["date"]) for item in items)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    cats = _load(DATA / "feedback" / "categories.json")
    states = _load(DATA / "feedback" / "states.json")
    area = _load(DATA / "feedback" / "hcmc_area.json")
    holidays = _load(DATA / "holidays" / "vn_holidays.json")
    agencies_path = DATA / "agencies.json"
    agencies = tuple(_load(agencies_path).get("agencies", [])) if agencies_path.exists() else ()
    categories = {c["code"]: _category(c) for c in cats["categories"]}
    stages, outcomes, initial = _states(states)
    if any(set(o.categories) - set(categories) for o in outcomes.values()):
        raise CatalogError("states: an outcome names an unknown category")
    templates = {t["code"]: {"vi": t["vi"], "en": t["en"]}
                 for t in _load(DATA / "feedback" / "reply_templates.json")["templates"]}
    polygons = tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in area["polygons"])
    return Catalog(categories, stages, outcomes, initial, templates, int(cats["triage_working_days"]),
                   int(cats["confirm_days"]), int(cats["default_duplicate_radius_m"]), polygons, area["bbox"],
                   _dates(holidays["holidays"]), _dates(holidays.get("extra_working_days", [])),
                   _load(DATA / "feedback" / "open311.json"), agencies)
