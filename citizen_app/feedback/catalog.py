"""Data catalogs of the board (categories, states, templates, city outline; the holiday file is checked with them),
loaded once and validated.

The models below describe each file; ``CatalogError`` names the file and the field of any problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from citizen_app.core.catalog import (
    CatalogError,
    CatalogModel,
    Text,
    file_label,
    invalid,
    read_json,
    require_unique,
    validate_catalog,
)
from citizen_app.core.config import ROOT
from citizen_app.core.holidays import holidays

__all__ = ["CatalogError", "Catalog", "Category", "build_catalog", "load_catalog"]

DATA = ROOT / "data"


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


class AttributeValue(CatalogModel):
    key: str
    name_vi: Text
    name_en: Text


class AttributeSpec(CatalogModel):
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool = False
    order: int
    description_vi: Text
    description_en: Text
    values: list[AttributeValue] = []

    @model_validator(mode="after")
    def _list_has_values(self) -> AttributeSpec:
        if self.datatype.endswith("valuelist") and not self.values:
            raise invalid("list attribute without values", "values")
        return self


class CategorySpec(CatalogModel):
    code: str
    group_vi: Text
    group_en: Text
    name_vi: Text
    name_en: Text
    description_vi: Text
    description_en: Text
    keywords: str = ""
    agency: str
    deadline_working_days: int = Field(ge=0)
    duplicate_radius_m: int = Field(250, ge=0)  # 0: the default radius
    open311_type: Literal["realtime", "batch", "blackbox"] = "realtime"
    emergency: str | None = None
    attributes: list[AttributeSpec] = []

    @model_validator(mode="after")
    def _unique_attributes(self) -> CategorySpec:
        require_unique(self.attributes, "code", "attributes")
        require_unique(self.attributes, "order", "attributes")
        return self

    def category(self) -> Category:
        attributes = tuple(Attribute(a.code, a.datatype, a.required, a.order, a.description_vi, a.description_en,
                                     tuple((v.key, v.name_vi, v.name_en) for v in a.values))
                           for a in self.attributes)
        return Category(self.code, self.name_vi, self.name_en, self.description_vi, self.description_en,
                        self.group_vi, self.group_en, self.keywords, self.agency, self.deadline_working_days,
                        self.duplicate_radius_m, self.open311_type, self.emergency, attributes)


class CategoriesFile(CatalogModel):
    triage_working_days: int = Field(ge=0)
    confirm_days: int = Field(ge=0)
    default_duplicate_radius_m: int = Field(gt=0)
    categories: list[CategorySpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> CategoriesFile:
        require_unique(self.categories, "code", "categories")
        return self


class StageSpec(CatalogModel):
    code: str
    label_vi: Text
    label_en: Text
    group: str
    open311: Literal["open", "closed"]
    terminal: bool
    next: list[str]


class OutcomeSpec(CatalogModel):
    code: str
    label_vi: Text
    label_en: Text
    kind: str
    needs_after_photo: bool
    needs_confirmation: bool
    categories: list[str] = []  # the categories it may close; empty: any


class StatesFile(CatalogModel):
    """Two-track status: the stages a report moves through, and the outcomes an agency records."""

    initial: str
    stages: list[StageSpec] = Field(min_length=1)
    outcomes: list[OutcomeSpec]

    @model_validator(mode="after")
    def _references(self) -> StatesFile:
        require_unique(self.stages, "code", "stages")
        require_unique(self.outcomes, "code", "outcomes")
        codes = {stage.code for stage in self.stages}
        for index, stage in enumerate(self.stages):
            for position, nxt in enumerate(stage.next):
                if nxt not in codes:
                    raise invalid(f"unknown next stage {nxt!r}", "stages", index, "next", position)
        if self.initial not in codes:
            raise invalid(f"unknown stage {self.initial!r}", "initial")
        return self


class Template(CatalogModel):
    code: str
    vi: Text
    en: Text


class TemplatesFile(CatalogModel):
    templates: list[Template]

    @model_validator(mode="after")
    def _unique_codes(self) -> TemplatesFile:
        require_unique(self.templates, "code", "templates")
        return self


Point = Annotated[list[float], Field(min_length=2, max_length=2)]  # [lon, lat]


class BBox(CatalogModel):
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


class AreaFile(CatalogModel):
    """The city's outline: rings of ``[lon, lat]`` points."""

    bbox: BBox
    polygons: list[Annotated[list[Point], Field(min_length=3)]] = Field(min_length=1)


class Open311File(CatalogModel):
    changeset: str
    contact_vi: str
    key_service_vi: str
    path: str
    specification: str
    type: str
    max_window_days: int = Field(gt=0)
    max_requests: int = Field(gt=0)


class AgencyRecord(CatalogModel):
    code: str
    name_vi: Text
    name_en: Text
    kind: str
    ward: str
    parent_code: str | None


class AgenciesFile(CatalogModel):
    """``data/agencies.json``, shared: the agencies seeded into the database."""

    agencies: list[AgencyRecord]

    @model_validator(mode="after")
    def _references(self) -> AgenciesFile:
        require_unique(self.agencies, "code", "agencies")
        codes = {agency.code for agency in self.agencies}
        for index, agency in enumerate(self.agencies):
            if agency.parent_code is not None and agency.parent_code not in codes:
                raise invalid(f"unknown agency {agency.parent_code!r}", "agencies", index, "parent_code")
        return self


class BoardFiles(CatalogModel):
    """The board's data files together (keyed by their place under ``data/``), for checks across files."""

    categories: CategoriesFile = Field(alias="feedback/categories.json")
    states: StatesFile = Field(alias="feedback/states.json")
    area: AreaFile = Field(alias="feedback/hcmc_area.json")
    templates: TemplatesFile = Field(alias="feedback/reply_templates.json")
    open311: Open311File = Field(alias="feedback/open311.json")
    agencies: AgenciesFile | None = Field(None, alias="agencies.json")

    @model_validator(mode="after")
    def _agencies_exist(self) -> BoardFiles:
        if self.agencies is None:
            return self
        codes = {agency.code for agency in self.agencies.agencies}
        for index, category in enumerate(self.categories.categories):
            if category.agency not in codes:
                raise invalid(f"unknown agency {category.agency!r} (not in agencies.json)",
                              "feedback/categories.json", "categories", index, "agency")
        return self

    @model_validator(mode="after")
    def _outcome_categories_exist(self) -> BoardFiles:
        codes = {category.code for category in self.categories.categories}
        for index, outcome in enumerate(self.states.outcomes):
            for position, code in enumerate(outcome.categories):
                if code not in codes:
                    raise invalid(f"unknown category {code!r}", "feedback/states.json", "outcomes", index,
                                  "categories", position)
        return self


FILES = tuple(info.alias for info in BoardFiles.model_fields.values() if info.alias)


def build_catalog(data_dir: Path = DATA) -> Catalog:
    """Read and check the board's files under ``data_dir``; ``CatalogError`` names the file and the field."""
    folder = file_label(data_dir)
    raw = {name: read_json(data_dir / name, f"{folder}/{name}") for name in FILES
           if name != "agencies.json" or (data_dir / name).exists()}
    files = validate_catalog(raw, BoardFiles, folder, per_file=True)
    holidays(data_dir / "holidays" / "vn_holidays.json")  # the deadlines count on it (core/workdays.py)
    states = files.states
    return Catalog(
        categories={c.code: c.category() for c in files.categories.categories},
        stages={s.code: Stage(s.code, s.label_vi, s.label_en, s.group, s.open311, s.terminal, tuple(s.next))
                for s in states.stages},
        outcomes={o.code: Outcome(o.code, o.label_vi, o.label_en, o.kind, o.needs_after_photo, o.needs_confirmation,
                                  tuple(o.categories))
                  for o in states.outcomes},
        initial_stage=states.initial,
        templates={t.code: {"vi": t.vi, "en": t.en} for t in files.templates.templates},
        triage_working_days=files.categories.triage_working_days, confirm_days=files.categories.confirm_days,
        default_radius_m=files.categories.default_duplicate_radius_m,
        polygons=tuple(tuple((p[0], p[1]) for p in ring) for ring in files.area.polygons),
        bbox=files.area.bbox.model_dump(),
        open311=files.open311.model_dump(), agencies=tuple(raw.get("agencies.json", {}).get("agencies", ())),
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The validated catalogue, loaded once per process."""
    return build_catalog()
