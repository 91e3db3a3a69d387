"""Plain rows for the feedback pages (no Reflex import): every value is a string, every label comes
in Vietnamese and English, dates are dd/mm/yyyy in local time. States only copy these into vars."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from citizen_app.core.db import run
from citizen_app.core.timeutil import format_date, format_datetime, to_local, utcnow
from citizen_app.feedback.board import BoardPage, PublicReport, ScoreRow, TimelineEntry, highlight
from citizen_app.feedback.catalog import load_catalog
from citizen_app.feedback.models import FeedbackAreaSubscription, FeedbackEvent, FeedbackPhoto, FeedbackReport
from citizen_app.feedback.routing import Assignee
from citizen_app.feedback.service import is_overdue, staffed_agencies
from citizen_app.feedback.text import mask_personal
from citizen_app.feedback.updates import UpdateView
from citizen_app.i18n.catalog import catalog as messages
from citizen_app.identity.models import Agency, UserAccount

Row = dict[str, str]
PHOTO_ROUTE = "/api/feedback/photos"
PRIORITY_KEYS = {
    0: "feedback.ui.priority_low",
    1: "feedback.ui.priority_normal",
    2: "feedback.ui.priority_high",
    3: "feedback.ui.priority_urgent",
}


def report_href(report_id: int) -> str:
    return f"/feedback/{report_id}"


def workbench_href(report_id: int) -> str:
    return f"/feedback/workbench/{report_id}"


def _msg(key: str) -> tuple[str, str]:
    texts = messages().get(key) or {"vi": key, "en": key}
    return texts["vi"], texts["en"]


def _pair(prefix: str, vi: str, en: str) -> Row:
    return {f"{prefix}_vi": vi, f"{prefix}_en": en}


def stage_pair(stage: str) -> tuple[str, str]:
    spec = load_catalog().stages.get(stage)
    return (spec.label_vi, spec.label_en) if spec else (stage, stage)


def outcome_pair(outcome: str | None) -> tuple[str, str]:
    spec = load_catalog().outcomes.get(outcome or "")
    return (spec.label_vi, spec.label_en) if spec else ("", "")


def category_pair(code: str) -> tuple[str, str]:
    spec = load_catalog().categories.get(code)
    return (spec.name_vi, spec.name_en) if spec else (code, code)


def category_labels(code: str) -> Row:
    return _pair("category", *category_pair(code))


_AGENCIES = Agency.__table__.c
_AGENCY_NAMES = sa_select(_AGENCIES.code, _AGENCIES.name_vi, _AGENCIES.name_en).order_by(_AGENCIES.code)  # core/db.py


def agency_names(db: Session) -> dict[str, tuple[str, str]]:
    return {code: (name_vi, name_en) for code, name_vi, name_en in run(db, _AGENCY_NAMES).all()}


@dataclass
class OptionView:
    value: str = ""
    label_vi: str = ""
    label_en: str = ""


@dataclass
class AttrView:
    """One question of a category (Open311 attribute) as a form field named ``attr_<code>``."""

    code: str = ""
    label_vi: str = ""
    label_en: str = ""
    datatype: str = "string"
    required: bool = False
    value: str = ""
    options: list[OptionView] = field(default_factory=list)


def attribute_fields(category_code: str, answers: dict[str, Any] | None = None) -> list[AttrView]:
    cat = load_catalog().categories.get(category_code or "")
    answers = answers or {}
    return [
        AttrView(
            a.code,
            a.description_vi,
            a.description_en,
            a.datatype,
            a.required,
            str(answers.get(a.code, "")),
            [OptionView(key, vi, en) for key, vi, en in a.values],
        )
        for a in (cat.attributes if cat else ())
    ]


def attribute_answers(category_code: str, form: dict[str, Any]) -> dict[str, Any]:
    """Answers from ``attr_<code>`` form fields; only the category's own questions, empty ones dropped."""
    cat = load_catalog().categories.get(category_code or "")
    answers: dict[str, Any] = {}
    for attr in cat.attributes if cat else ():
        value = str(form.get(f"attr_{attr.code}", "") or "").strip()[:2000]
        if value:
            answers[attr.code] = value
    return answers


# --- options ------------------------------------------------------------------------------------


def category_options(include_emergency: bool = True) -> list[Row]:
    rows = []
    for cat in load_catalog().categories.values():
        if cat.emergency and not include_emergency:
            continue
        rows.append({"value": cat.code, **_pair("label", cat.name_vi, cat.name_en), "emergency": cat.emergency or ""})
    return rows


def stage_options() -> list[Row]:
    return [{"value": code, **_pair("label", s.label_vi, s.label_en)} for code, s in load_catalog().stages.items()]


def outcome_options(category_code: str = "") -> list[Row]:
    """Outcomes an official may pick when closing a report of that category (duplicate/refused have their
    own actions)."""
    return [
        {"value": code, **_pair("label", o.label_vi, o.label_en)}
        for code, o in load_catalog().outcomes.items()
        if code not in ("duplicate", "refused") and o.allowed_for(category_code)
    ]


def agency_options(db: Session) -> list[Row]:
    return [{"value": code, **_pair("label", vi, en)} for code, (vi, en) in agency_names(db).items()]


AGENCY_MENU_SECONDS = 30.0  # how long a worker shows the board's agency menu without reading it again
_AGENCY_MENUS: WeakKeyDictionary[Any, tuple[float, list[Row]]] = WeakKeyDictionary()  # by database (engine)


def board_agency_options(db: Session, *, clock: Callable[[], float] = time.monotonic) -> list[Row]:
    """``agency_options`` for the board's filter menu, read from the database at most once every
    ``AGENCY_MENU_SECONDS`` per worker and database: the board is the most visited page and the agencies change
    only when an operator seeds or renames them, which every worker then shows within that time. Each call gets
    its own copy of the rows."""
    bind = db.get_bind()
    now = clock()
    held = _AGENCY_MENUS.get(bind)
    if held is None or not 0 <= now - held[0] < AGENCY_MENU_SECONDS:
        held = _AGENCY_MENUS[bind] = (now, agency_options(db))
    return [dict(row) for row in held[1]]


def reroute_options(db: Session, report: FeedbackReport) -> list[Row]:
    """Agencies a report can be proposed to: another agency with someone to accept it."""
    names = agency_names(db)
    staffed = staffed_agencies(db, names) - {report.agency_code}
    return [{"value": code, **_pair("label", vi, en)} for code, (vi, en) in names.items() if code in staffed]


def assignee_options(people: list[Assignee]) -> list[Row]:
    return [{"value": a.value, **_pair("label", a.name_vi, a.name_en)} for a in people]


QUEUE_KEYS = {
    "agency": "feedback.ui.queue.agency",
    "mine": "feedback.ui.queue.mine",
    "unassigned": "feedback.ui.queue.unassigned",
    "ward": "feedback.ui.queue.ward",
    "incoming": "feedback.ui.queue.incoming",
}


def queue_options(queues: tuple[str, ...]) -> list[Row]:
    return [{"value": q, **_pair("label", *_msg(QUEUE_KEYS[q]))} for q in queues]


def template_options() -> list[Row]:
    return [
        {"value": code, **_pair("label", *_msg(f"feedback.ui.template.{code}"))} for code in load_catalog().templates
    ]


def priority_options() -> list[Row]:
    return [{"value": str(p), **_pair("label", *_msg(key))} for p, key in PRIORITY_KEYS.items()]


# --- board --------------------------------------------------------------------------------------


@dataclass
class Part:
    """A piece of text; ``hit`` when it is a word the search found (shown highlighted)."""

    text: str = ""
    hit: bool = False


@dataclass
class BoardRowView:
    """One report in the board list: its title and excerpt cut into parts around the words found."""

    id: str = ""
    href: str = ""
    title: str = ""
    title_parts: list[Part] = field(default_factory=list)
    excerpt_parts: list[Part] = field(default_factory=list)
    category_vi: str = ""
    category_en: str = ""
    category_hit: bool = False  # a keyword of the query named this category
    stage_vi: str = ""
    stage_en: str = ""
    outcome_vi: str = ""
    outcome_en: str = ""
    ward: str = ""
    me_too: str = ""
    created: str = ""
    thumb: str = ""


def _parts(text: str, words: tuple[str, ...]) -> list[Part]:
    return [Part(piece, hit) for piece, hit in highlight(text, words)]


def board_rows(page: BoardPage) -> list[BoardRowView]:
    rows = []
    for item in page.items:
        stage_vi, stage_en = stage_pair(item.stage)
        out_vi, out_en = outcome_pair(item.outcome)
        cat_vi, cat_en = category_pair(item.category_code)
        rows.append(BoardRowView(
            str(item.report_id), report_href(item.report_id), item.title, _parts(item.title, page.words),
            _parts(item.excerpt, page.words), cat_vi, cat_en, item.category_code in page.keyword_categories,
            stage_vi, stage_en, out_vi, out_en, item.ward, str(item.me_too_count), format_date(item.created_at),
            f"{PHOTO_ROUTE}/{item.thumb_id}/thumb" if item.thumb_id else ""))
    return rows


def report_row(report: FeedbackReport, *, official: bool = False, original: bool | None = None) -> Row:
    """A compact row for 'my reports', 'followed' and the officials' queues (``original``: the unmasked title, for
    the handling agency; by default for every official row)."""
    stage_vi, stage_en = stage_pair(report.stage)
    out_vi, out_en = outcome_pair(report.outcome)
    cat_vi, cat_en = category_pair(report.category_code)
    row = {
        "id": str(report.id),
        "href": workbench_href(report.id) if official else report_href(report.id),
        "title": report.title if (official if original is None else original) else report.public_title,
        **_pair("category", cat_vi, cat_en),
        **_pair("stage", stage_vi, stage_en),
        **_pair("outcome", out_vi, out_en),
        "ward": report.ward,
        "created": format_date(report.created_at),
        "due": format_date(report.due_at) if report.due_at else "",
        "overdue": "1" if is_overdue(report) else "",
        "priority": str(report.priority),
    }
    row.update(_pair("priority", *_msg(PRIORITY_KEYS.get(report.priority, "feedback.ui.priority_normal"))))
    return row


def queue_rows(db: Session, reports: list[FeedbackReport], own_agency: str | None) -> list[Row]:
    """Overdue first, then the service's order (priority, then nearest deadline). Each row says which agency
    handles it, who works on it and whether a reroute waits; the title is the original only for the viewer's own
    agency's reports (``own_agency`` None: an admin, every report)."""
    agencies = agency_names(db)
    people = user_names(db, {r.assignee_id for r in reports if r.assignee_id})
    rows = []
    for report in reports:
        row = report_row(report, official=True, original=own_agency is None or report.agency_code == own_agency)
        row.update(_pair("agency", *agencies.get(report.agency_code, (report.agency_code,) * 2)))
        row.update(_pair("assignee", *assignee_pair(report, people)))
        row.update(_pair("pending", *agencies.get(report.pending_agency_code or "", ("", ""))))
        rows.append(row)
    return sorted(rows, key=lambda r: r["overdue"] != "1")


def user_names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.exec(select(UserAccount.id, UserAccount.full_name).where(col(UserAccount.id).in_(list(ids)))).all())


def assignee_pair(report: FeedbackReport, people: dict[int, str]) -> tuple[str, str]:
    """Who works on the report inside its agency: an official's name or a team's, or nobody yet."""
    if report.assignee_id:
        name = people.get(report.assignee_id, "")
        return name, name
    team = load_catalog().routing.team(report.agency_code, report.team_code) if report.team_code else None
    return (team.name_vi, team.name_en) if team else ("", "")


# --- one report ---------------------------------------------------------------------------------


def photo_rows(db: Session, photo_ids: tuple[int, ...] | list[int], kinds: tuple[str, ...] = ()) -> list[Row]:
    """The photos' rows; ``kinds``: their kinds in the same order, when the caller read them already (else read)."""
    if not photo_ids:
        return []
    if len(kinds) == len(photo_ids):
        known = dict(zip(photo_ids, kinds, strict=True))
    else:
        known = dict(db.exec(select(FeedbackPhoto.id, FeedbackPhoto.kind)
                             .where(col(FeedbackPhoto.id).in_(list(photo_ids)))).all())
    rows = []
    for pid in photo_ids:
        kind = known.get(pid, "report")
        rows.append(
            {
                "id": str(pid),
                "thumb": f"{PHOTO_ROUTE}/{pid}/thumb",
                "full": f"{PHOTO_ROUTE}/{pid}",
                "kind": kind,
                **_pair("alt", *_msg(f"feedback.ui.photo_kind.{kind}")),
            }
        )
    return rows


@dataclass
class UpdateRowView:
    id: str = ""
    at: str = ""
    author: str = ""  # "" when the name is hidden from this viewer
    name_hidden: bool = False
    text: str = ""
    photos: list[Row] = field(default_factory=list)
    hidden: bool = False
    hidden_reason: str = ""
    mine: bool = False


def update_rows(updates: list[UpdateView]) -> list[UpdateRowView]:
    return [UpdateRowView(str(u.update_id), format_datetime(u.at), u.author or "", u.name_hidden, u.text,
                          [{"id": str(p), "thumb": f"{PHOTO_ROUTE}/{p}/thumb", "full": f"{PHOTO_ROUTE}/{p}"}
                           for p in u.photo_ids], u.hidden, u.hidden_reason, u.mine) for u in updates]


def upload_rows(photo_ids: list[int]) -> list[Row]:
    """Photos uploaded but not yet attached (served only to their uploader)."""
    return [{"id": str(pid), "thumb": f"{PHOTO_ROUTE}/{pid}/thumb"} for pid in photo_ids]


@dataclass(frozen=True)
class Names:
    """Names a timeline shows: agencies (both languages) and, for officials only, people."""

    agencies: dict[str, tuple[str, str]]
    people: dict[int, str] = field(default_factory=dict)


def timeline_rows(db: Session, entries: list[TimelineEntry] | list[FeedbackEvent], *,
                  internal: bool = False) -> list[Row]:
    """The public timeline (``TimelineEntry``: agencies only) or the officials' (``FeedbackEvent``: who, too)."""
    people: set[int] = set()
    if internal:
        for e in entries:
            if isinstance(e, FeedbackEvent):
                people |= {uid for uid in (e.actor_id, e.target_user_id) if uid}
    names = Names(agency_names(db), user_names(db, people))
    return [timeline_row(e, names, internal=internal) for e in entries]


_DETAIL_KEYS = {
    "received": "feedback.ui.detail.sent_to",
    "rerouted": "feedback.ui.detail.taken_from",
    "reroute_proposed": "feedback.ui.detail.proposed_to",
    "reroute_returned": "feedback.ui.detail.returned_to",
    "assigned": "feedback.ui.detail.assigned_to",
    "reassigned": "feedback.ui.detail.assigned_to",
    "escalated": "feedback.ui.detail.leads_of",
}


def timeline_row(entry: TimelineEntry | FeedbackEvent, names: Names, *, internal: bool = False) -> Row:
    kind_vi, kind_en = _msg(f"feedback.ui.event.{entry.kind}")
    stage_vi, stage_en = stage_pair(entry.stage) if entry.stage else ("", "")
    actor = ""
    if isinstance(entry, FeedbackEvent):
        text, public = entry.text, entry.public
        photos = len([p for p in entry.photo_ids.split(",") if p])
        actor = names.people.get(entry.actor_id or 0, "") if internal else ""
    else:
        text, public, photos = entry.text, True, len(entry.photo_ids)
    agency = names.agencies.get(entry.agency_code, ("", "")) if entry.agency_code else ("", "")
    return {
        "at": format_datetime(entry.at),
        **_pair("kind", kind_vi, kind_en),
        **_pair("stage", stage_vi, stage_en),
        "text": text,
        **_pair("agency", *agency),
        **_pair("detail", *_detail(entry, names)),
        "actor": actor,
        "internal": "" if public or not internal else "1",
        "photos": str(photos) if photos else "",
    }


def _detail(entry: TimelineEntry | FeedbackEvent, names: Names) -> tuple[str, str]:
    """What a step was about, e.g. "Chuyển đến UBND phường Bàn Cờ" / "Giao cho Nguyễn Thị Thu"."""
    key = _DETAIL_KEYS.get(entry.kind)
    target_user = entry.target_user_id if isinstance(entry, FeedbackEvent) else None
    if key is None or not (entry.target_code or target_user):
        return "", ""
    if target_user:
        vi = en = names.people.get(target_user, "")
    elif entry.kind in ("assigned", "reassigned"):
        agency = entry.agency_code if isinstance(entry, FeedbackEvent) else ""
        team = load_catalog().routing.team(agency, entry.target_code)
        vi, en = (team.name_vi, team.name_en) if team else (entry.target_code, entry.target_code)
    else:
        vi, en = names.agencies.get(entry.target_code, (entry.target_code, entry.target_code))
    template_vi, template_en = _msg(key)
    return template_vi.format(name=vi), template_en.format(name=en)


def public_detail(view: PublicReport) -> Row:
    """Everything the public page shows about the report itself (no personal data: text is masked)."""
    cat_vi, cat_en = category_pair(view.category_code)
    stage_vi, stage_en = stage_pair(view.stage)
    out_vi, out_en = outcome_pair(view.outcome)
    return {
        "id": str(view.report_id),
        "title": view.title,
        "description": view.description,
        **_pair("category", cat_vi, cat_en),
        "agency": view.agency_code,
        **_pair("stage", stage_vi, stage_en),
        "stage": view.stage,
        "outcome": view.outcome or "",
        **_pair("outcome", out_vi, out_en),
        "address": view.address,
        "ward": view.ward,
        "lat": f"{view.lat:.5f}" if view.lat is not None else "",
        "lon": f"{view.lon:.5f}" if view.lon is not None else "",
        "reporter": view.reporter_name or "",
        "me_too": str(view.me_too_count),
        "response": view.public_response,
        "created": format_date(view.created_at),
        "updated": format_datetime(view.updated_at),
        "expected": format_date(view.expected_at) if view.expected_at else "",
        "overdue": "1" if view.overdue else "",
        "duplicate_of": str(view.duplicate_of or ""),
        "osm": _osm_link(view.lat, view.lon),
    }


def _osm_link(lat: float | None, lon: float | None) -> str:
    if lat is None or lon is None:
        return ""
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"


def viewer_choices(report: FeedbackReport, user_id: int | None, did_me_too: bool) -> dict[str, bool]:
    """What the viewer of a public report may do, from its stage's group in states.json: the reporter confirms or
    disputes once the agency answered; someone else says "me too" while it is open."""
    cat = load_catalog()
    reporter = user_id is not None and report.reporter_id == user_id
    return {"is_reporter": reporter,
            "awaiting": reporter and cat.waits_for_reporter(report.stage),
            "can_me_too": user_id is not None and not reporter and not did_me_too and cat.is_open(report.stage)}


def confirm_deadline(report: FeedbackReport) -> str:
    if not load_catalog().waits_for_reporter(report.stage) or report.answered_at is None:
        return ""
    return format_date(report.answered_at + timedelta(days=load_catalog().confirm_days))


def attribute_rows(report: FeedbackReport, *, public: bool = True) -> list[Row]:
    cat = load_catalog().categories.get(report.category_code)
    answers: dict[str, Any] = json.loads(report.attributes_json or "{}")
    rows = []
    for attr in cat.attributes if cat else ():
        if attr.code not in answers:
            continue
        value = answers[attr.code]
        names = {key: (vi, en) for key, vi, en in attr.values}
        shown = mask_personal(str(value)) if public else str(value)  # free text is masked on public pages
        vi, en = names.get(str(value), (shown, shown))
        rows.append({**_pair("label", attr.description_vi, attr.description_en), **_pair("value", vi, en)})
    return rows


# --- subscriptions and scorecard ------------------------------------------------------------------


def subscription_row(sub: FeedbackAreaSubscription) -> Row:
    cat_vi, cat_en = category_pair(sub.category_code) if sub.category_code else _msg("feedback.ui.all_categories")
    if sub.kind == "ward":
        where_vi = where_en = sub.ward
    else:
        where_vi = f"{sub.radius_m} m quanh {sub.lat:.5f}, {sub.lon:.5f}"
        where_en = f"{sub.radius_m} m around {sub.lat:.5f}, {sub.lon:.5f}"
    return {"id": str(sub.id), **_pair("where", where_vi, where_en), **_pair("category", cat_vi, cat_en)}


def score_row(row: ScoreRow, names: dict[str, tuple[str, str]]) -> Row:
    cat_vi, cat_en = category_pair(row.category_code)
    ag_vi, ag_en = names.get(row.agency_code, (row.agency_code, row.agency_code))
    return {
        **_pair("agency", ag_vi, ag_en),
        **_pair("category", cat_vi, cat_en),
        "received": str(row.received),
        "answered": str(row.answered),
        "on_time": "" if row.on_time_pct is None else f"{row.on_time_pct:.1f}".replace(".", ",") + " %",
        "median": "" if row.median_answer_hours is None else f"{row.median_answer_hours:.1f}".replace(".", ","),
        "satisfaction": "" if row.satisfaction is None else f"{row.satisfaction:.2f}".replace(".", ",") + " / 5",
        "ratings": str(row.ratings),
        "overdue": str(row.overdue_open),
    }


def parse_day(value: Any) -> date | None:
    """An <input type=date> value (yyyy-mm-dd) or dd/mm/yyyy; empty -> None; anything else -> ValueError."""
    text = str(value or "").strip()
    if not text:
        return None
    if "/" in text:
        return datetime.strptime(text, "%d/%m/%Y").date()
    return date.fromisoformat(text)


def local_today() -> date:
    return to_local(utcnow()).date()
