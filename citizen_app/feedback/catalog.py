"""Data catalogs of the board (categories, states, routing, templates, city outline; the holiday file is checked
with them), loaded once and validated.

The models below describe each file; ``CatalogError`` names the file and the field of any problem. The rules
that depend on a report's stage (is it open, does its deadline run, which actions an official has) are derived
here from ``states.json`` and nowhere else: ``Catalog.is_open``, ``Catalog.deadline_runs``, ``Catalog.actions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from citizen_app.city.text import ward_key
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
from citizen_app.feedback.geo import Point
from citizen_app.feedback.routing_table import RoutingFile, RoutingTable

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
    actions: tuple[str, ...] = ()


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
    routing: RoutingTable

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

    def stages_in(self, *groups: str) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages.values() if s.group in groups)

    def is_open(self, stage: str) -> bool:
        """Not finished: shown as open on the board and in Open311, a citizen may say "me too"."""
        return self.stages[stage].group != CLOSED

    def deadline_runs(self, stage: str) -> bool:
        """The agency owes an answer: the report can be overdue and is escalated when it is."""
        return self.stages[stage].group == OWED

    def waits_for_reporter(self, stage: str) -> bool:
        """Answered: the reporter may confirm or dispute."""
        return self.stages[stage].group == ANSWERED

    def actions(self, stage: str) -> tuple[str, ...]:
        """What an official of the handling agency may do in this stage."""
        return self.stages[stage].actions

    def open311_status(self, stage: str) -> str:
        return self.stages[stage].open311


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
                        self.group_vi, self.group_en, self.keywords, self.deadline_working_days,
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


OWED, ANSWERED, CLOSED = "open", "answered", "closed"
ACTION_TARGETS: dict[str, tuple[str, ...]] = {
    # the officials' actions the services implement, with the stages each may move a report to
    "accept": ("triaged",), "start_work": ("in_progress",), "answer": ("awaiting_confirmation", "closed"),
    "refuse": ("closed",), "merge": ("closed",), "reroute": ("received",), "progress": (), "priority": (),
    "assign": (), "respond": (), "note": (),
}
Action = Literal[tuple(ACTION_TARGETS)]  # type: ignore[valid-type]


class StageSpec(CatalogModel):
    code: str
    label_vi: Text
    label_en: Text
    group: Literal["open", "answered", "closed"]
    open311: Literal["open", "closed"]
    terminal: bool
    next: list[str]
    actions: list[Action] = []

    @model_validator(mode="after")
    def _consistent(self) -> StageSpec:
        closed = self.group == CLOSED
        if (self.open311 == "closed") != closed:
            raise invalid(f"must be {'closed' if closed else 'open'} for a stage of the {self.group!r} group",
                          "open311")
        if self.terminal != closed:
            raise invalid(f"must be {str(closed).lower()} for a stage of the {self.group!r} group", "terminal")
        if closed and self.next:
            raise invalid("a closed stage leads nowhere", "next")
        return self


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
        if next(s for s in self.stages if s.code == self.initial).group != OWED:
            raise invalid(f"a new report must wait for the agency: {self.initial!r} is not in the 'open' group",
                          "initial")
        return self

    @model_validator(mode="after")
    def _actions_reach_next(self) -> StatesFile:
        for index, stage in enumerate(self.stages):
            for position, action in enumerate(stage.actions):
                for target in ACTION_TARGETS[action]:
                    if target != stage.code and target not in stage.next:
                        raise invalid(f"{action!r} moves a report to {target!r}, which is not in next", "stages",
                                      index, "actions", position)
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
    routing: RoutingFile = Field(alias="feedback/routing.json")
    agencies: AgenciesFile | None = Field(None, alias="agencies.json")

    @model_validator(mode="after")
    def _routing_categories_exist(self) -> BoardFiles:
        codes = {category.code for category in self.categories.categories}
        for index, rule in enumerate(self.routing.rules):
            for position, code in enumerate(rule.categories):
                if code not in codes:
                    raise invalid(f"unknown category {code!r}", "feedback/routing.json", "rules", index,
                                  "categories", position)
        return self

    @model_validator(mode="after")
    def _routing_agencies_exist(self) -> BoardFiles:
        if self.agencies is None:
            return self
        known = {agency.code: agency for agency in self.agencies.agencies}
        places: list[tuple[str, tuple[str | int, ...]]] = [(self.routing.intake, ("intake",))]
        places += [(rule.agency, ("rules", i, "agency")) for i, rule in enumerate(self.routing.rules)]
        places += [(team.agency, ("teams", i, "agency")) for i, team in enumerate(self.routing.teams)]
        places += [(ward.committee, ("wards", i, "committee")) for i, ward in enumerate(self.routing.wards)]
        for code, place in places:
            if code not in known:
                raise invalid(f"unknown agency {code!r} (not in agencies.json)", "feedback/routing.json", *place)
        for index, ward in enumerate(self.routing.wards):
            committee = known[ward.committee]
            if committee.kind != "ward" or ward_key(committee.ward) != ward.key:
                raise invalid(f"{ward.committee!r} is not the People's Committee of {ward.name!r} in agencies.json "
                              "(kind 'ward' and the same ward)", "feedback/routing.json", "wards", index, "committee")
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
        stages={s.code: Stage(s.code, s.label_vi, s.label_en, s.group, s.open311, s.terminal, tuple(s.next),
                              tuple(s.actions)) for s in states.stages},
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
        routing=RoutingTable.from_file(files.routing),
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The validated catalogue, loaded once per process."""
    return build_catalog()
