"""The procedure catalogue: one JSON file per procedure under ``data/procedures/``.

``load_catalog()`` validates every file at start-up and raises ``CatalogError`` naming the file and the
field path, so a broken schema is found by the operator, never by a citizen at submit time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from citizen_app.core.config import ROOT

CATALOG_DIR = ROOT / "data" / "procedures"
STATUS_FILE = CATALOG_DIR / "_meta" / "statuses.json"
AGENCY_KINDS_FILE = CATALOG_DIR / "_meta" / "agency_kinds.json"

FIELD_TYPES = frozenset({"text", "textarea", "date", "select", "radio", "checkbox", "personal_id", "phone",
                         "email", "number", "agency", "group"})
OPTION_TYPES = frozenset({"select", "radio"})
TIME_UNITS = frozenset({"working_days", "calendar_days", "same_day"})
PAUSE_MODES = frozenset({"resume", "restart"})
FEE_PER = frozenset({"dossier", "person", "page"})
PAY_AT = frozenset({"submit", "none", "after_accept"})
AGENCY_KINDS = frozenset({"ward_police", "ward_committee"})
LEVELS = frozenset({"toan_trinh", "mot_phan"})
RULE_KINDS = frozenset({"age_at_least", "equals"})
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class CatalogError(ValueError):
    """A catalogue file is invalid. The message names the file and the field path."""

    def __init__(self, file: str, path: str, problem: str) -> None:
        super().__init__(f"{file}: {path}: {problem}")
        self.file = file
        self.path = path
        self.problem = problem


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

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name["vi"]

    def page(self, page_id: str) -> dict[str, Any] | None:
        return next((p for p in self.pages if p["id"] == page_id), None)

    def all_fields(self) -> list[dict[str, Any]]:
        return [f for p in self.pages for f in p["fields"]]


class _Checker:
    """Collects the file name so each error says where it happened."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, problem: str) -> None:
        raise CatalogError(self.file, path, problem)

    def need(self, obj: dict, key: str, path: str, kind: type | tuple[type, ...]) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            self.fail(f"{path}.{key}" if path else key, "missing")
        value = obj[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(f"{path}.{key}" if path else key, f"must be {getattr(kind, '__name__', kind)}")
        return value

    def i18n(self, obj: dict, key: str, path: str, required: bool = True) -> None:
        if key not in obj and not required:
            return
        value = self.need(obj, key, path, dict)
        for lang in ("vi", "en"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(f"{path}.{key}.{lang}", "missing translation")


def _check_condition(ck: _Checker, cond: Any, path: str, known: set[str]) -> None:
    if not isinstance(cond, dict):
        ck.fail(path, "condition must be an object")
    if "all" in cond or "any" in cond:
        items = cond.get("all", cond.get("any"))
        if not isinstance(items, list) or not items:
            ck.fail(path, "all/any must be a non-empty list")
        for i, sub in enumerate(items):
            _check_condition(ck, sub, f"{path}[{i}]", known)
        return
    field = ck.need(cond, "field", path, str)
    if field not in known:
        ck.fail(f"{path}.field", f"unknown field {field!r}")
    if not ({"equals", "in", "filled"} & cond.keys()):
        ck.fail(path, "needs one of equals / in / filled")


def _check_field(ck: _Checker, field: Any, path: str, seen: set[str]) -> None:
    if not isinstance(field, dict):
        ck.fail(path, "field must be an object")
    fid = ck.need(field, "id", path, str)
    if not _ID_RE.match(fid):
        ck.fail(f"{path}.id", "must be snake_case")
    if fid in seen:
        ck.fail(f"{path}.id", f"duplicate field id {fid!r}")
    seen.add(fid)
    ftype = ck.need(field, "type", path, str)
    if ftype not in FIELD_TYPES:
        ck.fail(f"{path}.type", f"unknown type {ftype!r}")
    ck.i18n(field, "label", path)
    ck.i18n(field, "hint", path, required=False)
    if ftype in OPTION_TYPES:
        options = ck.need(field, "options", path, list)
        if not options:
            ck.fail(f"{path}.options", "must not be empty")
        for i, option in enumerate(options):
            ck.need(option, "value", f"{path}.options[{i}]", str)
            ck.i18n(option, "label", f"{path}.options[{i}]")
    if ftype == "agency" and field.get("agency_kind") not in AGENCY_KINDS:
        ck.fail(f"{path}.agency_kind", f"must be one of {sorted(AGENCY_KINDS)}")
    if "pattern" in field:
        try:
            re.compile(field["pattern"])
        except re.error as exc:
            ck.fail(f"{path}.pattern", f"invalid regular expression: {exc}")
    if ftype == "group":
        ck.need(field, "min_items", path, int)
        ck.need(field, "max_items", path, int)
        inner = ck.need(field, "fields", path, list)
        inner_seen: set[str] = set()
        for i, sub in enumerate(inner):
            if isinstance(sub, dict) and sub.get("type") == "group":
                ck.fail(f"{path}.fields[{i}].type", "groups cannot be nested")
            _check_field(ck, sub, f"{path}.fields[{i}]", inner_seen)


def _check_conditions_everywhere(ck: _Checker, data: dict, top_ids: set[str]) -> None:
    for pi, page in enumerate(data["form"]["pages"]):
        for fi, field in enumerate(page["fields"]):
            base = f"form.pages[{pi}].fields[{fi}]"
            if "when" in field:
                _check_condition(ck, field["when"], f"{base}.when", top_ids)
            if field["type"] == "group":
                local = {f["id"] for f in field["fields"]} | top_ids
                for si, sub in enumerate(field["fields"]):
                    if "when" in sub:
                        _check_condition(ck, sub["when"], f"{base}.fields[{si}].when", local)
    for ai, att in enumerate(data["attachments"]):
        if "when" in att:
            _check_condition(ck, att["when"], f"attachments[{ai}].when", top_ids)


def _check_form(ck: _Checker, data: dict) -> set[str]:
    form = ck.need(data, "form", "", dict)
    pages = ck.need(form, "pages", "form", list)
    if not pages:
        ck.fail("form.pages", "must not be empty")
    seen: set[str] = set()
    page_ids: set[str] = set()
    for pi, page in enumerate(pages):
        pid = ck.need(page, "id", f"form.pages[{pi}]", str)
        if pid in page_ids:
            ck.fail(f"form.pages[{pi}].id", f"duplicate page id {pid!r}")
        page_ids.add(pid)
        ck.i18n(page, "title", f"form.pages[{pi}]")
        for fi, field in enumerate(ck.need(page, "fields", f"form.pages[{pi}]", list)):
            _check_field(ck, field, f"form.pages[{pi}].fields[{fi}]", seen)
    return seen


def _check_time(ck: _Checker, data: dict) -> None:
    time = ck.need(data, "processing_time", "", dict)
    ck.need(time, "value", "processing_time", int)
    if time.get("unit") not in TIME_UNITS:
        ck.fail("processing_time.unit", f"must be one of {sorted(TIME_UNITS)}")
    ck.need(time, "cutoff_15h", "processing_time", bool)
    if time.get("pause_mode") not in PAUSE_MODES:
        ck.fail("processing_time.pause_mode", f"must be one of {sorted(PAUSE_MODES)}")


def _check_fee_rate(ck: _Checker, rate: Any, path: str, groups: set[str], top_ids: set[str]) -> None:
    if not isinstance(rate, dict):
        ck.fail(path, "must be an object")
    per = rate.get("per")
    if per not in FEE_PER:
        ck.fail(f"{path}.per", f"must be one of {sorted(FEE_PER)}")
    if per == "page":
        for key in ("pages_field", "copies_field"):
            if ck.need(rate, key, path, str) not in top_ids:
                ck.fail(f"{path}.{key}", "unknown field")
        ck.need(rate, "tiers", path, list)
        ck.need(rate, "cap_per_copy", path, int)
        return
    if ck.need(rate, "amount", path, int) < 0:
        ck.fail(f"{path}.amount", "must not be negative")
    if per == "person" and ck.need(rate, "group", path, str) not in groups:
        ck.fail(f"{path}.group", "must name a repeatable group of the form")


def _check_fees(ck: _Checker, data: dict, top_ids: set[str]) -> None:
    fees = ck.need(data, "fees", "", dict)
    if fees.get("pay_at") not in PAY_AT:
        ck.fail("fees.pay_at", f"must be one of {sorted(PAY_AT)}")
    ck.need(fees, "text_vi", "fees", str)
    ck.need(fees, "source", "fees", str)
    groups = {f["id"] for f in _top_fields(data) if f["type"] == "group"}
    for channel in ("paper", "online"):
        _check_fee_rate(ck, ck.need(fees, channel, "fees", dict), f"fees.{channel}", groups, top_ids)
    for i, exemption in enumerate(ck.need(fees, "exemptions", "fees", list)):
        ck.need(exemption, "id", f"fees.exemptions[{i}]", str)
        ck.need(exemption, "text_vi", f"fees.exemptions[{i}]", str)
        ck.need(exemption, "source", f"fees.exemptions[{i}]", str)


def _top_fields(data: dict) -> list[dict]:
    return [f for p in data["form"]["pages"] for f in p["fields"]]


def _check_attachments(ck: _Checker, data: dict) -> None:
    seen: set[str] = set()
    for i, att in enumerate(ck.need(data, "attachments", "", list)):
        aid = ck.need(att, "id", f"attachments[{i}]", str)
        if aid in seen:
            ck.fail(f"attachments[{i}].id", f"duplicate attachment id {aid!r}")
        seen.add(aid)
        ck.i18n(att, "label", f"attachments[{i}]")
        ck.need(att, "required", f"attachments[{i}]", bool)
        ck.need(att, "accept", f"attachments[{i}]", list)
        if ck.need(att, "max_bytes", f"attachments[{i}]", int) <= 0:
            ck.fail(f"attachments[{i}].max_bytes", "must be positive")


def _check_rules(ck: _Checker, data: dict, top_ids: set[str]) -> None:
    for i, rule in enumerate(data.get("rules", [])):
        if rule.get("kind") not in RULE_KINDS:
            ck.fail(f"rules[{i}].kind", f"must be one of {sorted(RULE_KINDS)}")
        if ck.need(rule, "field", f"rules[{i}]", str) not in top_ids:
            ck.fail(f"rules[{i}].field", "unknown field")
        ck.i18n(rule, "message", f"rules[{i}]")


def validate_procedure(data: Any, file: str) -> Procedure:
    ck = _Checker(file)
    if not isinstance(data, dict):
        ck.fail("(root)", "must be a JSON object")
    code = ck.need(data, "code", "", str)
    if not _ID_RE.match(code):
        ck.fail("code", "must be snake_case")
    ck.need(data, "national_code", "", str)
    ck.i18n(data, "name", "")
    if data.get("agency_kind") not in AGENCY_KINDS:
        ck.fail("agency_kind", f"must be one of {sorted(AGENCY_KINDS)}")
    if data.get("level") not in LEVELS:
        ck.fail("level", f"must be one of {sorted(LEVELS)}")
    _check_time(ck, data)
    ck.need(data, "legal_basis", "", list)
    ck.need(data, "source_url", "", str)
    try:
        date.fromisoformat(ck.need(data, "last_verified_at", "", str))
    except ValueError:
        ck.fail("last_verified_at", "must be an ISO date (yyyy-mm-dd)")
    seen = _check_form(ck, data)
    top_ids = {f["id"] for f in _top_fields(data)}
    _check_attachments(ck, data)
    _check_conditions_everywhere(ck, data, top_ids)
    _check_fees(ck, data, seen)
    _check_rules(ck, data, top_ids)
    result = ck.need(data, "result", "", dict)
    ck.i18n(result, "title", "result")
    return Procedure(code=code, national_code=data["national_code"], name=data["name"],
                     agency_kind=data["agency_kind"], level=data["level"], processing_time=data["processing_time"],
                     fees=data["fees"], legal_basis=data["legal_basis"], source_url=data["source_url"],
                     last_verified_at=data["last_verified_at"], attachments=data["attachments"],
                     pages=data["form"]["pages"], rules=data.get("rules", []), result=result, raw=data)


def load_catalog(directory: Path | None = None) -> dict[str, Procedure]:
    """Read and validate every ``*.json`` in the folder; raise ``CatalogError`` on the first problem."""
    folder = directory or CATALOG_DIR
    procedures: dict[str, Procedure] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CatalogError(path.name, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from exc
        proc = validate_procedure(data, path.name)
        if proc.code in procedures:
            raise CatalogError(path.name, "code", f"duplicate procedure code {proc.code!r}")
        procedures[proc.code] = proc
    if not procedures:
        raise CatalogError(str(folder), "(folder)", "no procedure files found")
    return procedures


@lru_cache(maxsize=1)
def catalog() -> dict[str, Procedure]:
    """The validated catalogue, loaded once per process."""
    return load_catalog()


def parse_agency_kinds(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``{procedure agency kind: [{"kind": agency.kind, "ward_required": bool}, ...]}``, checked."""
    rules = {k: v for k, v in data.items() if not k.startswith("_")}
    if set(rules) != AGENCY_KINDS:
        raise CatalogError("agency_kinds.json", "(root)", f"must map exactly {sorted(AGENCY_KINDS)}")
    for kind, matches in rules.items():
        if not isinstance(matches, list) or not matches:
            raise CatalogError("agency_kinds.json", kind, "must be a non-empty list")
        for i, match in enumerate(matches):
            if not isinstance(match, dict) or not isinstance(match.get("kind"), str):
                raise CatalogError("agency_kinds.json", f"{kind}[{i}].kind", "missing")
    return rules


@lru_cache(maxsize=1)
def agency_kinds() -> dict[str, list[dict[str, Any]]]:
    return parse_agency_kinds(json.loads(AGENCY_KINDS_FILE.read_text(encoding="utf-8")))


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
