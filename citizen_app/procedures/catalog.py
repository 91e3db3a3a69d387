"""The procedure catalogue: one JSON file per procedure under ``data/procedures/``.

``load_catalog()`` validates every file at start-up with the models below and raises ``CatalogError``
naming the file and the field path, so a broken schema is found by the operator, never by a citizen at
submit time. Callers get ``Procedure``: the file's own dicts, checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, model_validator

from citizen_app.core.catalog import (
    CatalogError,
    CatalogModel,
    IsoDate,
    Loc,
    Translated,
    file_label,
    invalid,
    load_file,
    read_json,
    require_unique,
    validate_catalog,
)
from citizen_app.core.config import ROOT

__all__ = ["CatalogError", "Procedure", "agency_kinds", "agency_serves", "catalog", "get_procedure",
           "load_catalog", "validate_procedure"]

CATALOG_DIR = ROOT / "data" / "procedures"
STATUS_FILE = CATALOG_DIR / "_meta" / "statuses.json"
AGENCY_KINDS_FILE = CATALOG_DIR / "_meta" / "agency_kinds.json"

FieldType = Literal["text", "textarea", "date", "select", "radio", "checkbox", "personal_id", "phone", "email",
                    "number", "agency", "group"]
AgencyKind = Literal["ward_police", "ward_committee"]
AGENCY_KINDS = frozenset(get_args(AgencyKind))
OPTION_TYPES = frozenset({"select", "radio"})
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _snake_case(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError("must be snake_case")
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from exc
    return value


SnakeId = Annotated[str, AfterValidator(_snake_case)]


class Condition(CatalogModel):
    """``{"field", "equals" | "in" | "filled"}``, or ``{"all": [...]}`` / ``{"any": [...]}`` (see forms.py)."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    field: str | None = None
    equals: Any = None
    in_: list[Any] | None = Field(None, alias="in")
    filled: bool | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combined = [k for k in ("all", "any") if k in self.model_fields_set]
        if combined:
            if len(self.model_fields_set) > 1:
                raise invalid("use either all, any, or field with equals / in / filled")
            if not getattr(self, combined[0]):
                raise invalid("must not be empty", combined[0])
            return self
        if self.field is None:
            raise invalid("missing", "field")
        if not {"equals", "in_", "filled"} & self.model_fields_set:
            raise invalid("needs one of equals / in / filled")
        return self

    def references(self) -> Iterator[tuple[Loc, str]]:
        """(place below this condition, field id) for every field the condition reads."""
        for key in ("all", "any"):
            for index, sub in enumerate(getattr(self, key) or ()):
                for loc, name in sub.references():
                    yield (key, index, *loc), name
        if self.field is not None:
            yield ("field",), self.field


class AgeException(Condition):
    """A rule's ``unless``: the condition, and the age that then suffices."""

    years: int


class Option(CatalogModel):
    value: str
    label: Translated


class FormField(CatalogModel):
    id: SnakeId
    type: FieldType
    label: Translated
    hint: Translated | None = None
    required: bool = False
    when: Condition | None = None
    prefill: str | None = None
    options: list[Option] | None = None
    agency_kind: AgencyKind | None = None
    pattern: Annotated[str, AfterValidator(_regex)] | None = None
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    not_future: bool = False
    must_be_true: bool = False
    min_items: int | None = None
    max_items: int | None = None
    item_label: Translated | None = None
    fields: list[FormField] | None = None

    @model_validator(mode="before")
    @classmethod
    def _flat_groups(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("type") == "group" and isinstance(data.get("fields"), list):
            for index, sub in enumerate(data["fields"]):
                if isinstance(sub, dict) and sub.get("type") == "group":
                    raise invalid("groups cannot be nested", "fields", index, "type")
        return data

    @model_validator(mode="after")
    def _needs_of_type(self) -> FormField:
        if self.type in OPTION_TYPES and not self.options:
            raise invalid("missing" if self.options is None else "must not be empty", "options")
        if self.type == "agency" and self.agency_kind is None:
            raise invalid(f"missing: must be one of {sorted(AGENCY_KINDS)}", "agency_kind")
        if self.type == "group":
            for key in ("min_items", "max_items", "item_label", "fields"):
                if getattr(self, key) is None:
                    raise invalid("missing", key)
            require_unique(self.fields or [], "id", "fields")
        return self


class FormPage(CatalogModel):
    id: str
    title: Translated
    fields: list[FormField]


class Form(CatalogModel):
    pages: list[FormPage] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Form:
        require_unique(self.pages, "id", "pages")
        seen: set[str] = set()
        for pi, page in enumerate(self.pages):
            for fi, field in enumerate(page.fields):
                if field.id in seen:
                    raise invalid(f"duplicate field id {field.id!r}", "pages", pi, "fields", fi, "id")
                seen.add(field.id)
        return self

    def top_fields(self) -> Iterator[tuple[Loc, FormField]]:
        for pi, page in enumerate(self.pages):
            for fi, field in enumerate(page.fields):
                yield ("form", "pages", pi, "fields", fi), field


class ProcessingTime(CatalogModel):
    value: int
    unit: Literal["working_days", "calendar_days", "same_day"]
    cutoff_15h: bool
    pause_mode: Literal["resume", "restart"]


class PageTier(CatalogModel):
    from_page: int
    amount: int = Field(ge=0)


class FeeRate(CatalogModel):
    per: Literal["dossier", "person", "page"]
    amount: int | None = None
    group: str | None = None
    pages_field: str | None = None
    copies_field: str | None = None
    tiers: list[PageTier] | None = None
    cap_per_copy: int | None = None

    @model_validator(mode="after")
    def _needs_of_per(self) -> FeeRate:
        needed = ("pages_field", "copies_field", "tiers", "cap_per_copy") if self.per == "page" else ("amount",)
        for key in needed + (("group",) if self.per == "person" else ()):
            if getattr(self, key) is None:
                raise invalid("missing", key)
        if self.amount is not None and self.amount < 0:
            raise invalid("must not be negative", "amount")
        return self


class Exemption(CatalogModel):
    id: str
    text_vi: str
    source: str
    verbatim_verified: bool = False
    applies_when: Condition | None = None


class Fees(CatalogModel):
    currency: Literal["VND"] = "VND"
    pay_at: Literal["submit", "none", "after_accept"]
    paper: FeeRate
    online: FeeRate
    text_vi: str
    source: str
    exemptions: list[Exemption]


class Attachment(CatalogModel):
    id: str
    label: Translated
    hint: Translated | None = None
    required: bool
    accept: list[str]
    max_bytes: int = Field(gt=0)
    when: Condition | None = None


class Rule(CatalogModel):
    id: str | None = None
    kind: Literal["age_at_least", "equals"]
    field: str
    message: Translated
    years: int | None = None
    value: Any = None
    unless: AgeException | None = None

    @model_validator(mode="after")
    def _needs_of_kind(self) -> Rule:
        if self.kind == "age_at_least" and self.years is None:
            raise invalid("missing", "years")
        if self.kind == "equals" and "value" not in self.model_fields_set:
            raise invalid("missing", "value")
        return self


# Placeholders a result template may use besides the form's top-level fields (filled by ``documents.py``).
DERIVED_PLACEHOLDERS = frozenset({"agency_name", "ward", "city", "applicant_name", "dossier_number", "stay_from",
                                  "stay_to"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class ResultLine(CatalogModel):
    """One "label: value" line of the result; ``value`` is Vietnamese text with ``{field}`` placeholders."""

    label: Translated
    value: str


class Validity(CatalogModel):
    """The period the result covers (e.g. a stay): from a date field, for a number of months read from each listed
    person's row (or the top level). The result credential lives exactly as long."""

    from_field: str
    months_field: str


class ResultDocument(CatalogModel):
    """The result document's template (docs/TRUST.md, "Document templates")."""

    title: Translated
    form: str | None = None  # the official form it follows, e.g. "CT07"
    form_note: str | None = None  # printed at the top right, e.g. "Mẫu CT07 ban hành kèm theo Thông tư …"
    number_code: str = Field("KQ", pattern=r"^[A-Z0-9-]{1,12}$")  # numbers read "<n>/<year>/<code>-<AGENCY>"
    intro: Translated | None = None
    lines: list[ResultLine] = []
    list_group: str | None = None  # the repeatable group of people the result lists (and who are told)
    list_declarant: bool = False  # the declarant heads that list
    validity: Validity | None = None
    signer_title: Translated

    def placeholders(self) -> Iterator[tuple[Loc, str]]:
        texts = [(("intro", lang), text) for lang, text in (self.intro.model_dump().items() if self.intro else ())]
        texts += [(("lines", index, "value"), line.value) for index, line in enumerate(self.lines)]
        for loc, text in texts:
            for name in _PLACEHOLDER.findall(text):
                yield loc, name


class Approval(CatalogModel):
    """Who approves a result: one official of the receiving agency, or (``second_approver``) a first official
    proposes and a different official of the same agency confirms before the result is signed."""

    second_approver: bool = False


class ProcedureFile(CatalogModel):
    """One ``data/procedures/<code>.json``."""

    code: SnakeId
    national_code: str
    name: Translated
    agency_kind: AgencyKind
    level: Literal["toan_trinh", "mot_phan"]
    form_name: str | None = None
    variant_of: str | None = None
    processing_time: ProcessingTime
    fees: Fees
    legal_basis: list[str]
    source_url: str
    last_verified_at: IsoDate
    keywords: str = ""
    attachments: list[Attachment]
    form: Form
    rules: list[Rule] = []
    result: ResultDocument
    approval: Approval = Approval()
    in_person_steps: list[Translated] = []
    verify_notes: list[str] = []

    @model_validator(mode="after")
    def _references(self) -> ProcedureFile:
        require_unique(self.attachments, "id", "attachments")
        top = {field.id for _, field in self.form.top_fields()}
        groups = {field.id for _, field in self.form.top_fields() if field.type == "group"}
        for place, condition, known in self._conditions(top):
            for loc, name in condition.references():
                if name not in known:
                    raise invalid(f"unknown field {name!r}", *place, *loc)
        for channel in ("paper", "online"):
            rate: FeeRate = getattr(self.fees, channel)
            for key in ("pages_field", "copies_field"):
                if getattr(rate, key) is not None and getattr(rate, key) not in top:
                    raise invalid("unknown field", "fees", channel, key)
            if rate.per == "person" and rate.group not in groups:
                raise invalid("must name a repeatable group of the form", "fees", channel, "group")
        for index, rule in enumerate(self.rules):
            if rule.field not in top:
                raise invalid("unknown field", "rules", index, "field")
        if self.result.list_group is not None and self.result.list_group not in groups:
            raise invalid("must name a repeatable group of the form", "result", "list_group")
        self._check_template(top)
        return self

    def _check_template(self, top: set[str]) -> None:
        for loc, name in self.result.placeholders():
            if name not in top and name not in DERIVED_PLACEHOLDERS:
                raise invalid(f"unknown placeholder {{{name}}}", "result", *loc)
        validity = self.result.validity
        if validity is None:
            return
        types = {field.id: field.type for _, field in self.form.top_fields()}
        if types.get(validity.from_field) != "date":
            raise invalid("must name a date field of the form", "result", "validity", "from_field")
        group = next((f for _, f in self.form.top_fields() if f.id == self.result.list_group), None)
        in_rows = {sub.id: sub.type for sub in (group.fields or ())} if group else {}
        if in_rows.get(validity.months_field, types.get(validity.months_field)) != "number":
            raise invalid("must name a number field of the form or of the listed people",
                          "result", "validity", "months_field")

    def _conditions(self, top: set[str]) -> Iterator[tuple[Loc, Condition, set[str]]]:
        """Every condition of the file, where it is, and the field ids it may read (a group's own, too)."""
        everything = top | {sub.id for _, field in self.form.top_fields() for sub in field.fields or ()}
        for place, field in self.form.top_fields():
            if field.when:
                yield (*place, "when"), field.when, top
            local = {sub.id for sub in field.fields or ()} | top
            for si, sub in enumerate(field.fields or ()):
                if sub.when:
                    yield (*place, "fields", si, "when"), sub.when, local
        for index, attachment in enumerate(self.attachments):
            if attachment.when:
                yield ("attachments", index, "when"), attachment.when, top
        for index, rule in enumerate(self.rules):
            if rule.unless:
                yield ("rules", index, "unless"), rule.unless, top
        for index, exemption in enumerate(self.fees.exemptions):
            if exemption.applies_when:
                yield ("fees", "exemptions", index, "applies_when"), exemption.applies_when, everything


class AgencyMatch(CatalogModel):
    kind: str
    ward_required: bool = False


class AgencyKindsFile(CatalogModel):
    """``_meta/agency_kinds.json``: which agencies (``kind``, ward set or not) serve each procedure agency kind."""

    ward_police: list[AgencyMatch] = Field(min_length=1)
    ward_committee: list[AgencyMatch] = Field(min_length=1)


@dataclass(frozen=True)
class Procedure:
    code: str
    national_code: str
    name: dict[str, str]
    agency_kind: str
    level: str
    processing_time: dict[str, Any]
    fees: dict[str, Any]
    legal_basis: list[str]
    source_url: str
    last_verified_at: str
    attachments: list[dict[str, Any]]
    pages: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    result: dict[str, Any]
    raw: dict[str, Any]

    @property
    def cutoff_15h(self) -> bool:
        return bool(self.processing_time.get("cutoff_15h"))

    @property
    def pause_mode(self) -> str:
        return self.processing_time.get("pause_mode", "resume")

    @property
    def second_approver(self) -> bool:
        """A second official of the agency must confirm an approval (``approval.second_approver`` in the file)."""
        return bool((self.raw.get("approval") or {}).get("second_approver"))

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name["vi"]

    def page(self, page_id: str) -> dict[str, Any] | None:
        return next((p for p in self.pages if p["id"] == page_id), None)

    def all_fields(self) -> list[dict[str, Any]]:
        return [f for p in self.pages for f in p["fields"]]


def validate_procedure(data: Any, file: str) -> Procedure:
    """The procedure in ``data`` (one file's JSON), checked against ``ProcedureFile``."""
    validate_catalog(data, ProcedureFile, file)
    return Procedure(code=data["code"], national_code=data["national_code"], name=data["name"],
                     agency_kind=data["agency_kind"], level=data["level"], processing_time=data["processing_time"],
                     fees=data["fees"], legal_basis=data["legal_basis"], source_url=data["source_url"],
                     last_verified_at=data["last_verified_at"], attachments=data["attachments"],
                     pages=data["form"]["pages"], rules=data.get("rules", []), result=data["result"], raw=data)


def load_catalog(directory: Path | None = None) -> dict[str, Procedure]:
    """Read and validate every ``*.json`` in the folder; raise ``CatalogError`` naming the file and field."""
    folder = directory or CATALOG_DIR
    procedures: dict[str, Procedure] = {}
    for path in sorted(folder.glob("*.json")):
        proc = validate_procedure(read_json(path), file_label(path))
        if proc.code in procedures:
            raise CatalogError(file_label(path), "code", f"duplicate procedure code {proc.code!r}")
        procedures[proc.code] = proc
    if not procedures:
        raise CatalogError(file_label(folder), "(folder)", "no procedure files found")
    return procedures


@lru_cache(maxsize=1)
def catalog() -> dict[str, Procedure]:
    """The validated catalogue, loaded once per process."""
    return load_catalog()


@lru_cache(maxsize=1)
def agency_kinds() -> dict[str, list[dict[str, Any]]]:
    """``{procedure agency kind: [{"kind": agency.kind, "ward_required": bool}, ...]}``, checked."""
    rules = load_file(AGENCY_KINDS_FILE, AgencyKindsFile)
    return {kind: [match.model_dump() for match in getattr(rules, kind)] for kind in sorted(AGENCY_KINDS)}


def agency_serves(agency: Any, procedure_kind: str) -> bool:
    """Whether an agency row (``kind``, ``ward``) is of the procedure's agency kind, per the mapping file."""
    for match in agency_kinds().get(procedure_kind, []):
        if agency.kind == match["kind"] and (not match.get("ward_required") or bool(agency.ward)):
            return True
    return False


def get_procedure(code: str) -> Procedure:
    from citizen_app.core.errors import NotFound

    proc = catalog().get(code)
    if proc is None:
        raise NotFound("procedures.unknown_procedure")
    return proc
