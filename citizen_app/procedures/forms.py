"""Answers against a procedure's form schema: normalising, conditions, repeatable groups, validation.

Answers are a plain dict: ``{field_id: value, group_id: [{field_id: value, ...}, ...]}``. Dates are
``dd/mm/yyyy`` strings, checkboxes booleans, numbers ints. Pure functions: no database, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from citizen_app.procedures.catalog import Procedure

PERSONAL_ID_RE = re.compile(r"^\d{12}$")
MOBILE_RE = re.compile(r"^0[35789]\d{8}$")
LANDLINE_RE = re.compile(r"^02\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DEFAULT_MAX_LENGTH = 500


@dataclass(frozen=True)
class FieldError:
    path: str  # "personal_id" or "tenants[1].personal_id" or "attachment:lawful_residence_proof"
    code: str  # i18n key
    params: dict[str, Any] = field(default_factory=dict)


# --- normalising -------------------------------------------------------------------------------


def nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


def parse_vn_date(value: str) -> date | None:
    match = DATE_RE.match(nfc(value))
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", nfc(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits


def _normalize_value(spec: dict, value: Any) -> Any:
    kind = spec["type"]
    if kind == "checkbox":
        return value in (True, "true", "on", "1", 1)
    if value is None:
        return None
    if kind == "number":
        text = nfc(value).replace(".", "").replace(",", "")
        return int(text) if re.fullmatch(r"-?\d{1,9}", text) else nfc(value)
    if kind == "personal_id":
        return re.sub(r"\s", "", nfc(value))
    if kind == "phone":
        return normalize_phone(value)
    if kind == "email":
        return nfc(value).lower()
    if kind == "date":
        parsed = parse_vn_date(value)
        return parsed.strftime("%d/%m/%Y") if parsed else nfc(value)
    return nfc(value)


_YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}


def value_text(spec: dict, value: Any, lang: str = "vi", agencies: dict[str, dict[str, str]] | None = None) -> str:
    """An answer as the citizen saw it: an option's label, yes/no, the receiving office's name, or the text."""
    if spec["type"] in ("select", "radio"):
        option = next((o for o in spec["options"] if o["value"] == value), None)
        return option["label"][lang] if option else str(value or "")
    if spec["type"] == "checkbox":
        return _YES_NO[lang][0 if value else 1]
    if spec["type"] == "agency" and agencies and value in agencies:
        return agencies[value][lang]
    return "" if value is None else str(value)


def normalize_fields(specs: list[dict], raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        fid = spec["id"]
        if spec["type"] == "group":
            items = raw.get(fid) or []
            out[fid] = [normalize_fields(spec["fields"], item if isinstance(item, dict) else {}) for item in items]
        elif fid in raw or spec["type"] == "checkbox":
            out[fid] = _normalize_value(spec, raw.get(fid))
    return out


def normalize_page(proc: Procedure, page_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    page = proc.page(page_id)
    return normalize_fields(page["fields"], raw) if page else {}


# --- conditions --------------------------------------------------------------------------------


def _lookup(name: str, answers: dict[str, Any], item: dict[str, Any] | None) -> Any:
    if item is not None and name in item:
        return item[name]
    return answers.get(name)


def condition_holds(cond: dict | None, answers: dict[str, Any], item: dict[str, Any] | None = None) -> bool:
    """``{"field", "equals"|"in"|"filled"}``, or ``{"all": [...]}`` / ``{"any": [...]}``. Item fields win."""
    if not cond:
        return True
    if "all" in cond:
        return all(condition_holds(c, answers, item) for c in cond["all"])
    if "any" in cond:
        return any(condition_holds(c, answers, item) for c in cond["any"])
    value = _lookup(cond["field"], answers, item)
    if "equals" in cond:
        expected = cond["equals"]
        return bool(value) is expected if isinstance(expected, bool) else value == expected
    if "in" in cond:
        return value in cond["in"]
    return _is_filled(value) == bool(cond["filled"])


def _is_filled(value: Any) -> bool:
    return value not in (None, "", [], False)


# --- validation --------------------------------------------------------------------------------


def _check_text(spec: dict, value: str, path: str) -> FieldError | None:
    limit = spec.get("max_length", DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        return FieldError(path, "procedures.err_too_long", {"n": limit})
    if "pattern" in spec and not re.fullmatch(spec["pattern"], value):
        return FieldError(path, "procedures.err_pattern")
    return None


def _check_date(spec: dict, value: Any, path: str, today: date) -> FieldError | None:
    parsed = parse_vn_date(value) if isinstance(value, str) else None
    if parsed is None:
        return FieldError(path, "procedures.err_date")
    if spec.get("not_future") and parsed > today:
        return FieldError(path, "procedures.err_date_future")
    if parsed.year < 1900:
        return FieldError(path, "procedures.err_date")
    return None


def _check_number(spec: dict, value: Any, path: str) -> FieldError | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return FieldError(path, "procedures.err_number")
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        return FieldError(path, "procedures.err_range", {"min": low, "max": high})
    return None


def _check_value(spec: dict, value: Any, path: str, today: date) -> FieldError | None:
    kind = spec["type"]
    if kind == "checkbox":
        return FieldError(path, "procedures.err_must_accept") if spec.get("must_be_true") and not value else None
    if kind == "number":
        return _check_number(spec, value, path)
    if not isinstance(value, str):
        return FieldError(path, "procedures.err_invalid")
    if kind == "personal_id":
        return None if PERSONAL_ID_RE.match(value) else FieldError(path, "procedures.err_personal_id")
    if kind == "phone":
        return None if MOBILE_RE.match(value) or LANDLINE_RE.match(value) else FieldError(path, "procedures.err_phone")
    if kind == "email":
        return None if EMAIL_RE.match(value) else FieldError(path, "procedures.err_email")
    if kind == "date":
        return _check_date(spec, value, path, today)
    if kind in ("select", "radio"):
        allowed = {o["value"] for o in spec["options"]}
        return None if value in allowed else FieldError(path, "procedures.err_option")
    return _check_text(spec, value, path)


def _check_group(spec: dict, answers: dict, path: str, today: date) -> list[FieldError]:
    items = answers.get(spec["id"]) or []
    if not isinstance(items, list):
        return [FieldError(path, "procedures.err_invalid")]
    errors: list[FieldError] = []
    if len(items) < spec["min_items"]:
        errors.append(FieldError(path, "procedures.err_group_min", {"n": spec["min_items"]}))
    if len(items) > spec["max_items"]:
        errors.append(FieldError(path, "procedures.err_group_max", {"n": spec["max_items"]}))
    for index, item in enumerate(items[: spec["max_items"]]):
        item = item if isinstance(item, dict) else {}
        prefix = f"{path}[{index}]."
        errors.extend(_check_fields(spec["fields"], answers, today, item=item, prefix=prefix))
    return errors


def _check_fields(specs: list[dict], answers: dict, today: date, *, item: dict | None = None,
                  prefix: str = "") -> list[FieldError]:
    errors: list[FieldError] = []
    source = item if item is not None else answers
    for spec in specs:
        path = prefix + spec["id"]
        if not condition_holds(spec.get("when"), answers, item):
            continue
        if spec["type"] == "group":
            errors.extend(_check_group(spec, answers, path, today))
            continue
        value = source.get(spec["id"])
        if not _is_filled(value) and spec["type"] != "checkbox":
            if spec.get("required"):
                errors.append(FieldError(path, "procedures.err_required"))
            continue
        error = _check_value(spec, value, path, today)
        if error:
            errors.append(error)
    return errors


def validate_page(proc: Procedure, page_id: str, answers: dict[str, Any], today: date) -> list[FieldError]:
    """Errors for one page; conditions may look at answers from any page."""
    page = proc.page(page_id)
    if page is None:
        return [FieldError("page", "procedures.err_unknown_page")]
    return _check_fields(page["fields"], answers, today)


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _rule_holds(rule: dict, answers: dict[str, Any], today: date) -> bool:
    value = answers.get(rule["field"])
    if rule["kind"] == "equals":
        expected = rule["value"]
        return bool(value) is expected if isinstance(expected, bool) else value == expected
    born = parse_vn_date(value) if isinstance(value, str) else None
    if born is None:
        return True  # the field check reports the bad date
    age = _age_on(born, today)
    if age >= rule["years"]:
        return True
    alt = rule.get("unless")
    return bool(alt) and condition_holds(alt, answers) and age >= alt["years"]


def required_attachments(proc: Procedure, answers: dict[str, Any]) -> list[dict]:
    return [a for a in proc.attachments if a["required"] and condition_holds(a.get("when"), answers)]


def validate_all(proc: Procedure, answers: dict[str, Any], attached: set[str], today: date) -> list[FieldError]:
    """Every page, eligibility rules and required attachments: the check made before submit."""
    errors: list[FieldError] = []
    for page in proc.pages:
        errors.extend(_check_fields(page["fields"], answers, today))
    for rule in proc.rules:
        if not _rule_holds(rule, answers, today):
            errors.append(FieldError(rule["field"], "procedures.err_rule", {"rule": rule["id"],
                                                                            "message": rule["message"]}))
    for att in required_attachments(proc, answers):
        if att["id"] not in attached:
            errors.append(FieldError(f"attachment:{att['id']}", "procedures.err_attachment_missing"))
    return errors


# --- prefill ------------------------------------------------------------------------------------


def prefill(proc: Procedure, profile: dict[str, Any]) -> dict[str, Any]:
    """Answers taken from the citizen's profile (``{"full_name", "date_of_birth", "personal_id", ...}``).

    Dates in the profile may be ``date``/``datetime`` objects or dd/mm/yyyy strings.
    """
    out: dict[str, Any] = {}
    for spec in proc.all_fields():
        key = spec.get("prefill")
        if not key or profile.get(key) in (None, ""):
            continue
        value = profile[key]
        if isinstance(value, datetime | date):
            value = value.strftime("%d/%m/%Y")
        out[spec["id"]] = _normalize_value(spec, value)
    return out


def field_label(proc: Procedure, path: str, lang: str) -> str:
    """Human label for an error path such as ``tenants[1].personal_id`` (used in error summaries)."""
    if path.startswith("attachment:"):
        aid = path.split(":", 1)[1]
        att = next((a for a in proc.attachments if a["id"] == aid), None)
        return att["label"][lang] if att else aid
    parts = re.findall(r"([a-z0-9_]+)(?:\[(\d+)\])?", path)
    specs = proc.all_fields()
    labels: list[str] = []
    for name, index in parts:
        spec = next((s for s in specs if s["id"] == name), None)
        if spec is None:
            break
        labels.append(spec["label"][lang] + (f" {int(index) + 1}" if index else ""))
        specs = spec.get("fields", [])
    return " — ".join(labels) or path


# --- the answers as the citizen reads them -----------------------------------------------------


def summary_rows(proc: Procedure, answers: dict[str, Any], lang: str = "vi",
                 agencies: dict[str, dict[str, str]] | None = None) -> list[tuple[str, str, str]]:
    """(top-level field id, label, value) of every visible answer, group items expanded."""
    rows: list[tuple[str, str, str]] = []
    for spec in proc.all_fields():
        if not condition_holds(spec.get("when"), answers):
            continue
        if spec["type"] == "group":
            for index, item in enumerate(answers.get(spec["id"]) or [], start=1):
                for sub in spec["fields"]:
                    if item.get(sub["id"]) not in (None, ""):
                        rows.append((spec["id"], f"{spec['label'][lang]} {index} — {sub['label'][lang]}",
                                     value_text(sub, item.get(sub["id"]), lang)))
            continue
        rows.append((spec["id"], spec["label"][lang], value_text(spec, answers.get(spec["id"]), lang, agencies)))
    return rows


def summary_lines(proc: Procedure, answers: dict[str, Any], lang: str = "vi",
                  agencies: dict[str, dict[str, str]] | None = None) -> list[tuple[str, str]]:
    return [(label, value) for _, label, value in summary_rows(proc, answers, lang, agencies)]
