"""Plain view records for the procedures pages (no Reflex import: easy to test, small to send).

Each text the page shows comes in both languages (``*_vi`` / ``*_en``) so the browser switches
language without a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from citizen_app.core.timeutil import format_vnd
from citizen_app.i18n.catalog import translate
from citizen_app.procedures import forms, service
from citizen_app.procedures.catalog import Procedure
from citizen_app.procedures.models import ProcDossier


@dataclass
class OptionView:
    value: str = ""
    label_vi: str = ""
    label_en: str = ""


@dataclass
class FieldView:
    id: str = ""
    kind: str = "text"
    key: str = ""
    label_vi: str = ""
    label_en: str = ""
    hint_vi: str = ""
    hint_en: str = ""
    value: str = ""
    checked: bool = False
    required: bool = False
    input_mode: str = "text"
    options: list[OptionView] = field(default_factory=list)
    error_vi: str = ""
    error_en: str = ""


@dataclass
class ProcCard:
    code: str = ""
    name_vi: str = ""
    name_en: str = ""
    time_vi: str = ""
    time_en: str = ""
    fee_vi: str = ""
    fee_en: str = ""


@dataclass
class Row:
    """A generic labelled row (check your answers, dossier details)."""

    label_vi: str = ""
    label_en: str = ""
    value: str = ""
    href: str = ""


def _i18n(value: dict[str, str] | None) -> tuple[str, str]:
    value = value or {}
    return value.get("vi", ""), value.get("en", value.get("vi", ""))


def time_text(proc: Procedure) -> tuple[str, str]:
    spec = proc.processing_time
    if spec["unit"] == "same_day":
        return "Trong ngày làm việc", "Same working day"
    if spec["unit"] == "working_days":
        return f"{spec['value']} ngày làm việc", f"{spec['value']} working days"
    return f"{spec['value']} ngày", f"{spec['value']} days"


def fee_text(proc: Procedure) -> tuple[str, str]:
    rate = proc.fees["online"]
    if rate["per"] == "page":
        first = rate["tiers"][0]["amount"]
        return f"{format_vnd(first)}/trang (nộp trực tuyến)", f"{format_vnd(first)}/page (online)"
    if rate["amount"] == 0:
        return "Miễn phí", "Free"
    if rate["per"] == "person":
        return f"{format_vnd(rate['amount'])}/người (nộp trực tuyến)", f"{format_vnd(rate['amount'])}/person (online)"
    return f"{format_vnd(rate['amount'])} (nộp trực tuyến)", f"{format_vnd(rate['amount'])} (online)"


def proc_card(proc: Procedure) -> ProcCard:
    time_vi, time_en = time_text(proc)
    fee_vi, fee_en = fee_text(proc)
    return ProcCard(proc.code, proc.name["vi"], proc.name["en"], time_vi, time_en, fee_vi, fee_en)


def _options(db: Session, spec: dict) -> list[OptionView]:
    if spec["type"] == "agency":
        return [OptionView(a.code, a.name_vi, a.name_en) for a in service.agency_options(db, spec["agency_kind"])]
    return [OptionView(o["value"], *_i18n(o["label"])) for o in spec.get("options", [])]


def _input_mode(kind: str) -> str:
    return {"personal_id": "numeric", "phone": "tel", "number": "numeric", "email": "email"}.get(kind, "text")


def field_view(db: Session, spec: dict, value: Any, key: str, error: tuple[str, str] = ("", "")) -> FieldView:
    label_vi, label_en = _i18n(spec["label"])
    hint_vi, hint_en = _i18n(spec.get("hint"))
    text = "" if value is None or isinstance(value, bool) else str(value)
    return FieldView(id=spec["id"], kind=spec["type"], key=key, label_vi=label_vi, label_en=label_en,
                     hint_vi=hint_vi, hint_en=hint_en, value=text, checked=value is True,
                     required=bool(spec.get("required")), input_mode=_input_mode(spec["type"]),
                     options=_options(db, spec), error_vi=error[0], error_en=error[1])


def error_texts(proc: Procedure, error: forms.FieldError) -> tuple[str, str]:
    """"<field label>: <problem>" in both languages (rule messages come from the catalogue)."""
    out = []
    for lang in ("vi", "en"):
        if error.code == "procedures.err_rule":
            problem = error.params["message"][lang]
        else:
            problem = translate(error.code, lang, **error.params)
        out.append(f"{forms.field_label(proc, error.path, lang)}: {problem}")
    return out[0], out[1]


def visible(spec: dict, answers: dict[str, Any], page_ids: set[str]) -> bool:
    """Show a field when its condition holds, or when it depends on an answer on the same page."""
    cond = spec.get("when")
    if not cond or forms.condition_holds(cond, answers):
        return True
    return bool(_fields_in(cond) & page_ids)


def _fields_in(cond: dict) -> set[str]:
    if "all" in cond or "any" in cond:
        return set().union(*(_fields_in(c) for c in cond.get("all", cond.get("any", []))))
    return {cond["field"]}


def status_text(code: int) -> tuple[str, str]:
    status = service.statuses.status_table().statuses[code]
    return status.vi, status.en


def dossier_href(dossier: ProcDossier) -> str:
    if dossier.status == service.statuses.DRAFT:
        return f"/procedures/draft/{dossier.id}/{dossier.current_page or 'receiver'}"
    return f"/procedures/dossiers/{dossier.id}"


def local_date(value: datetime | None) -> str:
    return service.to_local(value).strftime("%d/%m/%Y") if value else ""
