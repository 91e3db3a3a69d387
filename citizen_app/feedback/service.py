"""Citizen-side use cases of the feedback board, plus the shared helpers officials' code uses.

Every function takes ``db`` (one transaction, committed by the caller) and the acting user id,
validates everything before writing, and raises ``DomainError`` with a ``feedback.*`` message key.

Notifications
-------------
Every public change calls the hook ``NOTICE(db, FeedbackNotice)`` (``core.hooks``); ``feedback/wiring.py`` connects
the notifications to it. It runs inside the acting transaction, so a handler should only write an outbox row with
the given ``db`` (no network I/O); if it raises, the whole action is rolled back. ``FeedbackNotice.message_key`` is
a key in ``feedback/messages.py`` to render with ``params`` in each recipient's language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import exists as sql_exists
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, func, select

from citizen_app.city.text import ward_key
from citizen_app.core.db import run
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.hooks import Hook
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback import photos as photo_store
from citizen_app.feedback.catalog import ANSWERED, Category, load_catalog
from citizen_app.feedback.geo import bbox_around, distance_m, in_polygons, valid_point
from citizen_app.feedback.models import (
    FeedbackAreaSubscription,
    FeedbackAudit,
    FeedbackDraft,
    FeedbackEvent,
    FeedbackFollow,
    FeedbackMeToo,
    FeedbackPhoto,
    FeedbackReport,
    FeedbackSearchToken,
    FeedbackUpdate,
)
from citizen_app.feedback.text import clean, fold, mask_personal, personal_values, tokens
from citizen_app.feedback.workdays import deadline_after
from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.identity.service import roles_of

MAX_TITLE = 200
MIN_TITLE = 5
MAX_DESCRIPTION = 4000
MAX_PHOTOS = 5
MAX_ADDRESS = 300
MAX_WARD = 100
MAX_INFO = 2000
MAX_DUPLICATES = 5
MAX_AREA_RADIUS_M = 5000
MAX_DRAFT_BYTES = 20_000


# --- notifier hook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackNotice:
    """One notification to deliver. ``kind``: report_received | status_changed | update_added |
    response_posted | merged | area_new_report | escalated | low_rating | progress_update."""

    kind: str
    report_id: int
    user_ids: tuple[int, ...]
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)
    url: str = ""


# (db, FeedbackNotice): who should hear of a change (connected by feedback/wiring.py to the notifications).
NOTICE = Hook("feedback.notice")
# (db, report, actor_id) when an official answers and closes a report (``close_report``), in the same transaction:
# a handler that raises undoes the close (city/wiring.py: a confirmed scam joins the blacklist).
REPORT_CLOSED = Hook("feedback.report_closed")


def report_url(report_id: int) -> str:
    return f"/feedback/{report_id}"


def workbench_url(report_id: int) -> str:
    return f"/feedback/workbench/{report_id}"


def emit(db: Session, kind: str, report: FeedbackReport, user_ids: Iterable[int], message_key: str, *,
         url: str = "", **params: Any) -> None:
    """Notify ``user_ids``; ``url`` is where the notice leads (default: the public report page)."""
    recipients = tuple(sorted({uid for uid in user_ids if uid is not None}))
    if recipients:
        params.setdefault("report_id", report.id)
        NOTICE(db, FeedbackNotice(kind, report.id, recipients, message_key, params, url or report_url(report.id)))


def emit_to_officials(db: Session, kind: str, report: FeedbackReport, user_ids: Iterable[int], message_key: str,
                      **params: Any) -> None:
    """Notify officials: the notice opens the report in the workbench."""
    emit(db, kind, report, user_ids, message_key, url=workbench_url(report.id), **params)


# --- shared helpers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    user_id: int
    roles: frozenset[str]
    agency_code: str | None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_official(self) -> bool:
        """An official with an agency (admins act on every agency's reports without being one)."""
        return "official" in self.roles and self.agency_code is not None

    def role_label(self) -> str:
        return "admin" if self.is_admin else "official" if "official" in self.roles else "citizen"


def load_actor(db: Session, user_id: int | None) -> Actor:
    if user_id is None:
        raise NotAllowed("error.login_required")
    user = db.get(UserAccount, user_id)
    if user is None or not user.is_active:
        raise NotAllowed("error.login_required")
    agency = db.get(Agency, user.agency_id) if user.agency_id else None
    return Actor(user_id, roles_of(db, user_id), agency.code if agency else None)


def can_handle(actor: Actor, report: FeedbackReport) -> bool:
    """Officials act only on reports routed to their own agency; admins on all."""
    if actor.is_admin:
        return True
    return actor.is_official and actor.agency_code == report.agency_code


_USERS, _AGENCIES, _ROLE_ROWS = UserAccount.__table__.c, Agency.__table__.c, UserRole.__table__.c


def _has_role(role: str) -> Any:
    return sql_exists().where(_ROLE_ROWS.user_id == _USERS.id, _ROLE_ROWS.role == role)


# can_handle(load_actor(...)) in one prebuilt Core read (the report page asks it on every visit): built once, core/db.py
_HANDLER = (sql_select(_USERS.is_active, _AGENCIES.code, _has_role("admin"), _has_role("official"))
            .select_from(UserAccount.__table__.outerjoin(Agency.__table__, _AGENCIES.id == _USERS.agency_id))
            .where(_USERS.id == bindparam("user_id")))


def handling_actor(db: Session, user_id: int | None) -> Actor:
    """``load_actor`` for the handling rules (``can_handle``, ``can_view_as_official``), in one prebuilt Core read:
    its roles are only the two those rules ask about (admin, official). ``NotAllowed`` as ``load_actor``."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    row = run(db, _HANDLER, {"user_id": user_id}).first()
    if row is None or not row[0]:
        raise NotAllowed("error.login_required")
    _active, agency_code, admin, official = row
    roles = frozenset(role for role, held in (("admin", admin), ("official", official)) if held)
    return Actor(user_id, roles, agency_code)


def may_handle(db: Session, user_id: int | None, report: FeedbackReport) -> bool:
    """``can_handle(load_actor(db, user_id), report)``, in one read: False when anonymous, ``NotAllowed`` for a
    missing or disabled account (as ``load_actor``), True for an admin and an official of the report's agency."""
    if user_id is None:
        return False
    return can_handle(handling_actor(db, user_id), report)  # the one rule, on the actor this read gives


def watched_ward(actor: Actor) -> str | None:
    """The ward key whose every report this official sees: officials of a ward's People's Committee."""
    if not actor.is_official:
        return None
    ward = load_catalog().routing.ward_of_committee(actor.agency_code)
    return ward.key if ward else None


def can_view_as_official(actor: Actor, report: FeedbackReport) -> bool:
    """The handling agency, the ward's People's Committee (whoever is responsible) and an agency a reroute is
    proposed to may open a report in the workbench."""
    if can_handle(actor, report):
        return True
    if not actor.is_official:
        return False
    return report.pending_agency_code == actor.agency_code or (
        bool(report.ward_key) and watched_ward(actor) == report.ward_key)


def is_overdue(report: FeedbackReport, now: datetime | None = None) -> bool:
    """The agency owes an answer (``Catalog.deadline_runs``) and its deadline has passed."""
    return load_catalog().deadline_runs(report.stage) and report.due_at is not None \
        and report.due_at < (now or utcnow())


def report_id_of(report_id: int | str) -> int:
    """A report's id from a URL or a form: any forged or malformed id is 'not found'."""
    try:
        rid = int(str(report_id).strip())
    except (TypeError, ValueError):
        raise NotFound("feedback.report_not_found") from None
    if not 0 < rid < 2**62:
        raise NotFound("feedback.report_not_found")
    return rid


def get_report(db: Session, report_id: int | str) -> FeedbackReport:
    """Fetch by id; any forged, malformed or unknown id is 'not found'."""
    report = db.get(FeedbackReport, report_id_of(report_id))
    if report is None:
        raise NotFound("feedback.report_not_found")
    return report


def snapshot(report: FeedbackReport) -> dict[str, Any]:
    return {"stage": report.stage, "outcome": report.outcome, "agency_code": report.agency_code,
            "category_code": report.category_code, "priority": report.priority, "hidden": report.hidden,
            "duplicate_of": report.duplicate_of, "me_too_count": report.me_too_count,
            "due_at": report.due_at.isoformat() if report.due_at else None,
            "expected_at": report.expected_at.isoformat() if report.expected_at else None,
            "escalation_level": report.escalation_level, "rating": report.rating,
            "assignee_id": report.assignee_id, "team_code": report.team_code,
            "pending_agency_code": report.pending_agency_code}


def audit(db: Session, actor_id: int | None, action: str, report_id: int | None,
          before: dict[str, Any], after: dict[str, Any]) -> FeedbackAudit:
    """Append an audit row chained to the previous row's hash."""
    last = db.exec(select(FeedbackAudit.hash).order_by(col(FeedbackAudit.id).desc()).limit(1)).first() or ""
    row = FeedbackAudit(actor_id=actor_id, action=action, report_id=report_id,
                        before_json=json.dumps(before, ensure_ascii=False, sort_keys=True, default=str),
                        after_json=json.dumps(after, ensure_ascii=False, sort_keys=True, default=str),
                        prev_hash=last)
    payload = "|".join([last, str(actor_id), action, str(report_id), row.at.isoformat(), row.before_json,
                        row.after_json])
    row.hash = hashlib.sha256(payload.encode()).hexdigest()
    db.add(row)
    return row


# Timeline texts the handling agency writes: published as written, so the agency's own hotline stays, except the
# reporter's personal data quoted back. Every other text (the citizen's) is masked in full.
AGENCY_TEXT_KINDS = frozenset({"accepted", "refused", "rerouted", "merged", "in_progress", "response", "progress",
                               "answered", "escalated"})
CITIZEN_TEXT_KINDS = ("info_added", "disputed")


def citizen_texts(report: Any) -> list[str]:
    """What the citizen side wrote on a report (a report or a row with its columns)."""
    return [report.title, report.description, report.address, report.ward, report.attributes_json,
            report.contact_json]


def citizen_values(db: Session, report: FeedbackReport) -> set[str]:
    """The personal data on the citizen side of a report: what they wrote, their contact and account."""
    texts = citizen_texts(report)
    reporter = db.get(UserAccount, report.reporter_id) if report.reporter_id else None
    if reporter is not None:
        texts += [reporter.phone or "", reporter.email or ""]
    texts += db.exec(select(FeedbackEvent.text).where(FeedbackEvent.report_id == report.id,
                                                      col(FeedbackEvent.kind).in_(CITIZEN_TEXT_KINDS))).all()
    texts += db.exec(select(FeedbackUpdate.text).where(FeedbackUpdate.report_id == report.id)).all()
    return personal_values(*texts)


def publish_text(db: Session, report: FeedbackReport, kind: str, text: str) -> str:
    """The public copy of a timeline text of this kind (see ``AGENCY_TEXT_KINDS``)."""
    if not text:
        return ""
    if kind in AGENCY_TEXT_KINDS:
        return mask_personal(text, only=citizen_values(db, report))
    return mask_personal(text)


def acting_agency(actor: Actor | None, report: FeedbackReport) -> str:
    """The agency a step is credited to: the official's own, or (an admin acting for it) the report's."""
    if actor is None or not (actor.is_admin or actor.is_official):
        return ""
    return actor.agency_code or report.agency_code


def add_event(db: Session, report: FeedbackReport, kind: str, *, actor: Actor | None, text: str = "",
              public: bool = True, photo_ids: Iterable[int] = (), now: datetime | None = None,
              target_code: str = "", target_user_id: int | None = None, agency: str | None = None) -> FeedbackEvent:
    """One step of the timeline, credited to ``agency`` (default: ``acting_agency``)."""
    event = FeedbackEvent(report_id=report.id, at=now or utcnow(), kind=kind, public=public,
                          actor_id=actor.user_id if actor else None, actor_role=actor.role_label() if actor else "",
                          stage=report.stage, outcome=report.outcome, text=text,
                          public_text=publish_text(db, report, kind, text) if public else "",
                          photo_ids=",".join(str(p) for p in photo_ids),
                          agency_code=acting_agency(actor, report) if agency is None else agency,
                          target_code=target_code, target_user_id=target_user_id)
    db.add(event)
    return event


def move_stage(report: FeedbackReport, stage: str, now: datetime) -> None:
    cat = load_catalog()
    if stage not in cat.stages[report.stage].next:
        raise DomainError("feedback.bad_transition", stage=report.stage, target=stage)
    report.stage = stage
    report.is_open = cat.is_open(stage)
    report.updated_at = now
    if not report.is_open:
        report.closed_at = now
        report.pending_agency_code = None  # a reroute proposed for a finished report is moot


def audience(db: Session, report: FeedbackReport, exclude: int | None = None) -> set[int]:
    """Reporter and followers (me-too users follow automatically)."""
    ids = set(db.exec(select(FeedbackFollow.user_id).where(FeedbackFollow.report_id == report.id)).all())
    if report.reporter_id:
        ids.add(report.reporter_id)
    ids.discard(exclude)
    return ids


def agency_officials(db: Session, agency_code: str, role: str = "official") -> set[int]:
    """Active accounts of the agency with ``role`` (``lead``: the officials who lead it)."""
    query = (select(UserAccount.id).join(Agency, Agency.id == UserAccount.agency_id)
             .join(UserRole, UserRole.user_id == UserAccount.id)
             .where(Agency.code == agency_code, UserRole.role == role, UserAccount.is_active == True))
    return set(db.exec(query).all())


def staffed_agencies(db: Session, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` have at least one active official (one query)."""
    query = (select(Agency.code).join(UserAccount, UserAccount.agency_id == Agency.id)
             .join(UserRole, UserRole.user_id == UserAccount.id)
             .where(col(Agency.code).in_(list(codes)), UserRole.role == "official", UserAccount.is_active == True)
             .distinct())
    return set(db.exec(query).all())


def route_report(db: Session, category_code: str, ward: str, address: str, lat: float | None,
                 lon: float | None) -> str:
    """The agency a new report goes to (``routing.json``): the rule's, or its fallback when nobody at the rule's
    agency can take it and someone at the fallback can."""
    route = load_catalog().routing.route(category_code, ward, address, lat, lon)
    staffed = staffed_agencies(db, {route.agency, route.fallback})
    if route.agency not in staffed and route.fallback in staffed:
        return route.fallback
    return route.agency


def change_labels(report: FeedbackReport) -> dict[str, str]:
    """The report's stage and outcome in both languages (notification texts name them)."""
    cat = load_catalog()
    return {f"{name}_{lang}": label(value, lang) for lang in ("vi", "en")
            for name, label, value in (("stage", cat.stage_label, report.stage),
                                       ("outcome", cat.outcome_label, report.outcome))}


def change_message(report: FeedbackReport, *, for_reporter: bool) -> str:
    """What a status change did, in words, from the state file: an answer waiting for the reporter's confirmation
    ("cơ quan đã khắc phục — hãy xác nhận" to the reporter), a closure with its outcome, or the new stage."""
    cat = load_catalog()
    group = cat.stages[report.stage].group
    outcome = cat.outcomes.get(report.outcome or "")
    if group == "answered" and outcome is not None:
        key = "fixed" if outcome.kind == "fixed" else "answered"
        return f"feedback.notice_{key}_confirm" if for_reporter else f"feedback.notice_{key}"
    if group == "closed":
        return "feedback.notice_closed_outcome" if outcome is not None else "feedback.notice_closed"
    return "feedback.notice_stage"


def notify_public_change(db: Session, report: FeedbackReport, actor_id: int | None,
                         kind: str = "status_changed", skip: Iterable[int] = ()) -> None:
    """Tell the reporter and followers what changed (a status change says which, in words). ``skip``: people the
    action already told about this change in another way (one notification per change)."""
    people = audience(db, report, exclude=actor_id) - set(skip)
    labels = change_labels(report)
    if kind != "status_changed":
        emit(db, kind, report, people, f"feedback.notice_{kind}", **labels)
        return
    reporter = people & {report.reporter_id}
    emit(db, kind, report, reporter, change_message(report, for_reporter=True), **labels)
    emit(db, kind, report, people - reporter, change_message(report, for_reporter=False), **labels)


def _follow(db: Session, user_id: int, report_id: int) -> None:
    exists = db.exec(select(FeedbackFollow.id).where(FeedbackFollow.report_id == report_id,
                                                     FeedbackFollow.user_id == user_id)).first()
    if exists is None:
        db.add(FeedbackFollow(report_id=report_id, user_id=user_id))


# --- validation ---------------------------------------------------------------------------------


def check_category(code: str) -> Category:
    category = load_catalog().category((code or "").strip())
    if category is None:
        raise DomainError("feedback.category_unknown")
    if category.emergency:
        raise DomainError("feedback.emergency_call", number=category.emergency)
    return category


def check_location(lat: Any, lon: Any) -> tuple[float, float]:
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise DomainError("feedback.location_required") from None
    if not valid_point(flat, flon):
        raise DomainError("feedback.location_invalid")
    if not in_polygons(flat, flon, load_catalog().polygons):
        raise DomainError("feedback.location_outside_city")
    return round(flat, 6), round(flon, 6)


def check_text(value: str | None, key: str, *, max_len: int, min_len: int = 0) -> str:
    text = clean(value)
    if len(text) < max(min_len, 1) and min_len > 0:
        raise DomainError(f"feedback.{key}_required", n=min_len)
    if len(text) > max_len:
        raise DomainError(f"feedback.{key}_too_long", n=max_len)
    return text


def check_attributes(category: Category, raw: dict[str, Any] | None) -> dict[str, Any]:
    """Validate answers to a category's questions (shared by the web form and Open311 POST)."""
    raw = raw or {}
    known = {a.code: a for a in category.attributes}
    unknown = set(raw) - set(known)
    if unknown:
        raise DomainError("feedback.attribute_unknown", attr=sorted(unknown)[0])
    answers: dict[str, Any] = {}
    for attr in category.attributes:
        value = raw.get(attr.code)
        if value in (None, "", []):
            if attr.required:
                raise DomainError("feedback.attribute_required", attr=attr.code)
            continue
        answers[attr.code] = _check_attribute_value(attr, value)
    return answers


def _check_attribute_value(attr: Any, value: Any) -> Any:
    keys = {v[0] for v in attr.values}
    if attr.datatype == "multivaluelist":
        items = value if isinstance(value, list) else [value]
        if not items or any(str(v) not in keys for v in items):
            raise DomainError("feedback.attribute_invalid", attr=attr.code)
        return [str(v) for v in items]
    if isinstance(value, list):
        raise DomainError("feedback.attribute_invalid", attr=attr.code)
    if attr.datatype == "singlevaluelist":
        if str(value) not in keys:
            raise DomainError("feedback.attribute_invalid", attr=attr.code)
        return str(value)
    if attr.datatype == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DomainError("feedback.attribute_invalid", attr=attr.code) from None
        if number != number or abs(number) > 1e12:
            raise DomainError("feedback.attribute_invalid", attr=attr.code)
        return number
    if attr.datatype == "datetime":
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            raise DomainError("feedback.attribute_invalid", attr=attr.code) from None
        return str(value)
    limit = 200 if attr.datatype == "string" else 2000
    return check_text(str(value), "attribute_value", max_len=limit)


def claim_photos(db: Session, owner_id: int | None, photo_ids: Iterable[int], *, limit: int = MAX_PHOTOS,
                 report_id: int | None = None) -> list[FeedbackPhoto]:
    """Photos must be uploaded by this user and not yet attached to anything else."""
    ids = list(dict.fromkeys(int(p) for p in photo_ids))
    if len(ids) > limit:
        raise DomainError("feedback.too_many_photos", n=limit)
    rows = []
    for pid in ids:
        photo = db.get(FeedbackPhoto, pid)
        if photo is None or photo.owner_id != owner_id or (photo.report_id not in (None, report_id)):
            raise DomainError("feedback.photo_not_yours")
        rows.append(photo)
    return rows


# --- photos -------------------------------------------------------------------------------------


def upload_photo(db: Session, user_id: int | None, data: bytes, kind: str = "report") -> FeedbackPhoto:
    """Check, strip and store one image; returns an unattached photo owned by the user."""
    load_actor(db, user_id)
    if kind not in ("report", "info", "after", "progress", "update"):
        raise DomainError("feedback.photo_kind")
    stored = photo_store.save_image(data)
    photo = FeedbackPhoto(owner_id=user_id, kind=kind, storage_name=stored.storage_name,
                          thumb_name=stored.thumb_name, size=stored.size, width=stored.width, height=stored.height)
    db.add(photo)
    db.flush()
    return photo


# --- creating reports ---------------------------------------------------------------------------


@dataclass
class ReportInput:
    category_code: str
    title: str
    description: str
    lat: float | None
    lon: float | None
    address: str = ""
    ward: str = ""
    hide_name: bool = False
    photo_ids: list[int] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedReport:
    category: Category
    title: str
    description: str
    lat: float | None
    lon: float | None
    address: str
    ward: str
    attributes: dict[str, Any]


def check_report_input(data: ReportInput, *, require_location: bool = True,
                       min_title: int = MIN_TITLE) -> CheckedReport:
    category = check_category(data.category_code)
    title = check_text(data.title, "title", max_len=MAX_TITLE, min_len=min_title)
    description = check_text(data.description, "description", max_len=MAX_DESCRIPTION, min_len=1 if min_title else 0)
    address = check_text(data.address, "address", max_len=MAX_ADDRESS)
    ward = check_text(data.ward, "ward", max_len=MAX_WARD)
    lat = lon = None
    if require_location or data.lat is not None or data.lon is not None:
        lat, lon = check_location(data.lat, data.lon)
    attributes = check_attributes(category, data.attributes)
    return CheckedReport(category, title, description, lat, lon, address, ward, attributes)


def index_report(db: Session, report: FeedbackReport) -> None:
    """(Re)build the folded search column and the token rows from the public text only."""
    text = " ".join([report.public_title, report.public_description, report.public_address, report.ward])
    report.search_folded = fold(text)
    existing = set(db.exec(select(FeedbackSearchToken.token).where(FeedbackSearchToken.report_id == report.id)).all())
    wanted = set(tokens(text))
    for token in existing - wanted:
        row = db.get(FeedbackSearchToken, (token, report.id))
        if row is not None:
            db.delete(row)
    for token in wanted - existing:
        db.add(FeedbackSearchToken(token=token, report_id=report.id, category_code=report.category_code))


def insert_report(db: Session, checked: CheckedReport, *, reporter_id: int | None, hide_name: bool,
                  channel: str, now: datetime, contact: dict[str, str] | None = None,
                  api_key_id: int | None = None, token: str | None = None) -> FeedbackReport:
    cat = load_catalog()
    ward = mask_personal(checked.ward)  # the ward is shown on the public board as typed: no personal data
    agency = route_report(db, checked.category.code, checked.ward, checked.address, checked.lat, checked.lon)
    report = FeedbackReport(
        category_code=checked.category.code, agency_code=agency, title=checked.title,
        description=checked.description, public_title=mask_personal(checked.title),
        public_description=mask_personal(checked.description), lat=checked.lat, lon=checked.lon,
        address=checked.address, public_address=mask_personal(checked.address), ward=ward,
        ward_key=ward_key(ward), attributes_json=json.dumps(checked.attributes, ensure_ascii=False),
        reporter_id=reporter_id, hide_name=hide_name, contact_json=json.dumps(contact or {}, ensure_ascii=False),
        channel=channel, api_key_id=api_key_id, token=token, stage=cat.initial_stage, created_at=now, updated_at=now,
        due_at=deadline_after(now, cat.triage_working_days + checked.category.deadline_working_days))
    report.expected_at = report.due_at
    db.add(report)
    db.flush()
    index_report(db, report)
    add_event(db, report, "received", actor=None, now=now, target_code=agency)
    audit(db, reporter_id, "create", report.id, {}, snapshot(report))
    emit_to_officials(db, "report_received", report, agency_officials(db, report.agency_code),
                      "feedback.notice_report_received")
    notify_area_subscribers(db, report)
    return report


def create_report(db: Session, user_id: int | None, data: ReportInput, *,
                  now: datetime | None = None) -> FeedbackReport:
    """File a new report from the web/app form (logged-in citizen)."""
    actor = load_actor(db, user_id)
    checked = check_report_input(data)
    photos = claim_photos(db, actor.user_id, data.photo_ids)
    report = insert_report(db, checked, reporter_id=actor.user_id, hide_name=bool(data.hide_name),
                           channel="web", now=now or utcnow())
    for photo in photos:
        photo.report_id = report.id
        photo.kind = "report"
    _follow(db, actor.user_id, report.id)
    draft = db.get(FeedbackDraft, actor.user_id)
    if draft is not None:
        db.delete(draft)
    db.flush()
    return report


def _sub_matches(sub: FeedbackAreaSubscription, report: FeedbackReport) -> bool:
    if sub.kind == "ward":
        return bool(report.ward_key) and sub.ward_key == report.ward_key
    if report.lat is None or report.lon is None or sub.lat is None or sub.lon is None:
        return False
    return distance_m(sub.lat, sub.lon, report.lat, report.lon) <= sub.radius_m


def notify_area_subscribers(db: Session, report: FeedbackReport) -> None:
    subs = db.exec(select(FeedbackAreaSubscription).where(
        (col(FeedbackAreaSubscription.category_code).is_(None))
        | (FeedbackAreaSubscription.category_code == report.category_code))).all()
    users: set[int] = set()
    for sub in subs:
        if _sub_matches(sub, report):
            users.add(sub.user_id)
    users.discard(report.reporter_id)
    emit(db, "area_new_report", report, users, "feedback.notice_area_new_report", title=report.public_title)


# --- duplicates and me-too ----------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    report_id: int
    title: str
    description: str
    distance_m: int
    me_too_count: int
    stage: str
    created_at: datetime
    photo_ids: tuple[int, ...]


def suggest_duplicates(db: Session, category_code: str, lat: float, lon: float,
                       limit: int = MAX_DUPLICATES) -> list[DuplicateCandidate]:
    """Up to 5 open, visible reports of the same category within the category radius (default 250 m)."""
    category = check_category(category_code)
    flat, flon = check_location(lat, lon)
    radius = category.duplicate_radius_m or load_catalog().default_radius_m
    min_lat, min_lon, max_lat, max_lon = bbox_around(flat, flon, radius)
    rows = db.exec(select(FeedbackReport).where(
        col(FeedbackReport.lat).between(min_lat, max_lat), col(FeedbackReport.lon).between(min_lon, max_lon),
        FeedbackReport.category_code == category.code, FeedbackReport.is_open == True,
        FeedbackReport.hidden == False, col(FeedbackReport.duplicate_of).is_(None)).limit(500)).all()
    near = sorted(((distance_m(flat, flon, r.lat, r.lon), r) for r in rows), key=lambda item: item[0])
    result = []
    for dist, report in near:
        if dist > radius or len(result) >= min(limit, MAX_DUPLICATES):
            continue
        result.append(DuplicateCandidate(report.id, report.public_title, report.public_description, round(dist),
                                         report.me_too_count, report.stage, report.created_at,
                                         public_photo_ids(db, report.id)))
    return result


def public_photo_ids(db: Session, report_id: int) -> tuple[int, ...]:
    query = select(FeedbackPhoto.id).where(FeedbackPhoto.report_id == report_id).order_by(FeedbackPhoto.id)
    return tuple(db.exec(query).all())


def me_too(db: Session, user_id: int | None, report_id: int | str) -> FeedbackReport:
    """'Tôi cũng gặp': join an open report instead of filing a duplicate (one per account)."""
    actor = load_actor(db, user_id)
    report = get_report(db, report_id)
    if report.hidden or not report.is_open:
        raise DomainError("feedback.me_too_closed")
    if report.reporter_id == actor.user_id:
        raise DomainError("feedback.me_too_own")
    exists = db.exec(select(FeedbackMeToo.id).where(FeedbackMeToo.report_id == report.id,
                                                    FeedbackMeToo.user_id == actor.user_id)).first()
    if exists is not None:
        raise DomainError("feedback.me_too_already")
    db.add(FeedbackMeToo(report_id=report.id, user_id=actor.user_id))
    before = snapshot(report)
    report.me_too_count += 1
    _follow(db, actor.user_id, report.id)
    audit(db, actor.user_id, "me_too", report.id, before, snapshot(report))
    db.flush()
    return report


# --- follow and area alerts ---------------------------------------------------------------------


_REPORT, _USER = bindparam("report_id"), bindparam("user_id")
_FOLLOWS, _ME_TOOS = FeedbackFollow.__table__.c, FeedbackMeToo.__table__.c
_VIEWER_FLAGS = sql_select(  # every report page: a Core statement built once (core/db.py)
    sql_exists().where(_FOLLOWS.report_id == _REPORT, _FOLLOWS.user_id == _USER),
    sql_exists().where(_ME_TOOS.report_id == _REPORT, _ME_TOOS.user_id == _USER))


def viewer_flags(db: Session, report_id: int, user_id: int | None) -> tuple[bool, bool]:
    """(follows the report, has said "me too") for the viewer, in one query; (False, False) when anonymous."""
    if user_id is None:
        return False, False
    following, did_me_too = run(db, _VIEWER_FLAGS, {"report_id": report_id, "user_id": user_id}).one()
    return bool(following), bool(did_me_too)


def follow_report(db: Session, user_id: int | None, report_id: int | str) -> None:
    actor = load_actor(db, user_id)
    report = get_report(db, report_id)
    if report.hidden and not (report.reporter_id == actor.user_id or can_handle(actor, report)):
        raise NotFound("feedback.report_not_found")
    _follow(db, actor.user_id, report.id)


def unfollow_report(db: Session, user_id: int | None, report_id: int | str) -> None:
    actor = load_actor(db, user_id)
    report = get_report(db, report_id)
    row = db.exec(select(FeedbackFollow).where(FeedbackFollow.report_id == report.id,
                                               FeedbackFollow.user_id == actor.user_id)).first()
    if row is not None:
        db.delete(row)


def followed_reports(db: Session, user_id: int | None) -> list[FeedbackReport]:
    actor = load_actor(db, user_id)
    query = (select(FeedbackReport).join(FeedbackFollow, FeedbackFollow.report_id == FeedbackReport.id)
             .where(FeedbackFollow.user_id == actor.user_id).order_by(col(FeedbackReport.updated_at).desc()))
    return list(db.exec(query).all())


def my_reports(db: Session, user_id: int | None) -> list[FeedbackReport]:
    actor = load_actor(db, user_id)
    query = select(FeedbackReport).where(FeedbackReport.reporter_id == actor.user_id)
    return list(db.exec(query.order_by(col(FeedbackReport.id).desc())).all())


def subscribe_area(db: Session, user_id: int | None, *, ward: str = "", lat: float | None = None,
                   lon: float | None = None, radius_m: int = 0, category_code: str | None = None
                   ) -> FeedbackAreaSubscription:
    """Alert on new reports in a ward, or within ``radius_m`` (50–5,000 m) of a point."""
    actor = load_actor(db, user_id)
    if category_code:
        check_category(category_code)
    ward_text = check_text(ward, "ward", max_len=MAX_WARD)
    if ward_text:
        sub = FeedbackAreaSubscription(user_id=actor.user_id, kind="ward", ward=ward_text, ward_key=ward_key(ward_text),
                                       category_code=category_code or None)
    else:
        flat, flon = check_location(lat, lon)
        if not 50 <= int(radius_m or 0) <= MAX_AREA_RADIUS_M:
            raise DomainError("feedback.radius_invalid", max=MAX_AREA_RADIUS_M)
        sub = FeedbackAreaSubscription(user_id=actor.user_id, kind="radius", lat=flat, lon=flon,
                                       radius_m=int(radius_m), category_code=category_code or None)
    count = db.exec(select(func.count()).select_from(FeedbackAreaSubscription)
                    .where(FeedbackAreaSubscription.user_id == actor.user_id)).one()
    if count >= 20:
        raise DomainError("feedback.too_many_subscriptions", n=20)
    db.add(sub)
    db.flush()
    return sub


def list_area_subscriptions(db: Session, user_id: int | None) -> list[FeedbackAreaSubscription]:
    actor = load_actor(db, user_id)
    query = select(FeedbackAreaSubscription).where(FeedbackAreaSubscription.user_id == actor.user_id)
    return list(db.exec(query.order_by(FeedbackAreaSubscription.id)).all())


def delete_area_subscription(db: Session, user_id: int | None, sub_id: int) -> None:
    actor = load_actor(db, user_id)
    sub = db.get(FeedbackAreaSubscription, sub_id)
    if sub is None or sub.user_id != actor.user_id:
        raise NotFound("feedback.subscription_not_found")
    db.delete(sub)


# --- drafts -------------------------------------------------------------------------------------

_DRAFT_FIELDS = {"category_code", "title", "description", "lat", "lon", "address", "ward", "hide_name",
                 "photo_ids", "attributes"}


def save_draft(db: Session, user_id: int | None, data: dict[str, Any]) -> FeedbackDraft:
    """Keep one unfinished report per user (no full validation: drafts may be incomplete)."""
    actor = load_actor(db, user_id)
    unknown = set(data) - _DRAFT_FIELDS
    if unknown:
        raise DomainError("feedback.draft_invalid")
    payload = json.dumps(data, ensure_ascii=False, default=str)
    if len(payload.encode()) > MAX_DRAFT_BYTES or len(str(data.get("description") or "")) > MAX_DESCRIPTION:
        raise DomainError("feedback.draft_too_big")
    claim_photos(db, actor.user_id, data.get("photo_ids") or [])
    draft = db.get(FeedbackDraft, actor.user_id) or FeedbackDraft(user_id=actor.user_id, data_json="{}")
    draft.data_json = payload
    draft.updated_at = utcnow()
    db.add(draft)
    return draft


def load_draft(db: Session, user_id: int | None) -> dict[str, Any] | None:
    actor = load_actor(db, user_id)
    draft = db.get(FeedbackDraft, actor.user_id)
    return json.loads(draft.data_json) if draft else None


def delete_draft(db: Session, user_id: int | None) -> None:
    actor = load_actor(db, user_id)
    draft = db.get(FeedbackDraft, actor.user_id)
    if draft is not None:
        db.delete(draft)


# --- reporter follow-up -------------------------------------------------------------------------


def _own_report(db: Session, actor: Actor, report_id: int | str) -> FeedbackReport:
    report = get_report(db, report_id)
    if report.reporter_id != actor.user_id:
        raise NotAllowed("feedback.not_reporter")
    return report


def _awaiting_reporter(db: Session, user_id: int | None, report_id: int | str) -> tuple[Actor, FeedbackReport]:
    actor = load_actor(db, user_id)
    report = _own_report(db, actor, report_id)
    if not load_catalog().waits_for_reporter(report.stage):
        raise DomainError("feedback.not_awaiting_confirmation")
    return actor, report


def confirm_resolution(db: Session, user_id: int | None, report_id: int | str) -> FeedbackReport:
    actor, report = _awaiting_reporter(db, user_id, report_id)
    before, now = snapshot(report), utcnow()
    move_stage(report, "closed", now)
    add_event(db, report, "confirmed", actor=actor, now=now)
    audit(db, actor.user_id, "confirm", report.id, before, snapshot(report))
    notify_public_change(db, report, actor.user_id)
    return report


def dispute_resolution(db: Session, user_id: int | None, report_id: int | str, reason: str) -> FeedbackReport:
    """The reporter says it is not resolved: reopens to in_progress and escalates one level."""
    actor, report = _awaiting_reporter(db, user_id, report_id)
    text = check_text(reason, "dispute_reason", max_len=MAX_INFO, min_len=5)
    before, now = snapshot(report), utcnow()
    move_stage(report, "in_progress", now)
    report.outcome, report.answered_at = None, None
    report.escalation_level += 1
    report.escalated_at = now
    report.due_at = deadline_after(now, load_catalog().categories[report.category_code].deadline_working_days)
    report.expected_at = report.due_at
    add_event(db, report, "disputed", actor=actor, text=text, now=now)
    audit(db, actor.user_id, "dispute", report.id, before, snapshot(report))
    staff = escalation_recipients(db, report)
    emit_to_officials(db, "escalated", report, staff, "feedback.notice_escalated")
    notify_public_change(db, report, actor.user_id, skip=staff)  # an official who follows it: one notification
    return report


def close_expired_confirmations(db: Session, now: datetime | None = None) -> int:
    """Scheduled job: close reports whose reporter did not answer within the confirm period (7 days)."""
    now = now or utcnow()
    limit = now - timedelta(days=load_catalog().confirm_days)
    rows = db.exec(select(FeedbackReport).where(col(FeedbackReport.stage).in_(load_catalog().stages_in(ANSWERED)),
                                                col(FeedbackReport.answered_at) <= limit)).all()
    for report in rows:
        before = snapshot(report)
        move_stage(report, "closed", now)
        add_event(db, report, "auto_closed", actor=None, now=now)
        audit(db, None, "auto_close", report.id, before, snapshot(report))
        notify_public_change(db, report, None)
    return len(rows)


def _rating_refused(report: FeedbackReport) -> DomainError | None:
    """A report is rated once, after it closed with a real outcome (not closed as a duplicate)."""
    if report.is_open or report.outcome in (None, "duplicate"):
        return DomainError("feedback.rate_not_closed")
    if report.rating is not None:
        return DomainError("feedback.rate_already")
    return None


def may_rate(report: FeedbackReport, user_id: int | None) -> bool:
    """The rating rule for showing the form: the reporter, on a report ``_rating_refused`` lets through."""
    return user_id is not None and report.reporter_id == user_id and _rating_refused(report) is None


def rate_report(db: Session, user_id: int | None, report_id: int | str, score: int, reason: str = "") -> FeedbackReport:
    """1–5 rating once the report is closed; 1–2 flags a supervisor review."""
    actor = load_actor(db, user_id)
    report = _own_report(db, actor, report_id)
    refused = _rating_refused(report)
    if refused is not None:
        raise refused
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise DomainError("feedback.rate_invalid")
    before = snapshot(report)
    report.rating = score
    report.rating_reason = check_text(reason, "rating_reason", max_len=500)
    report.needs_review = score <= 2
    audit(db, actor.user_id, "rate", report.id, before, snapshot(report))
    if report.needs_review:
        emit_to_officials(db, "low_rating", report, supervisors_of(db, report.agency_code),
                          "feedback.notice_low_rating", score=score)
    return report


def supervisors_of(db: Session, agency_code: str) -> set[int]:
    """Officials of the parent agency (agency.parent_code)."""
    agency = db.exec(select(Agency).where(Agency.code == agency_code)).first()
    if agency is None or not agency.parent_code:
        return set()
    return agency_officials(db, agency.parent_code)


def escalation_recipients(db: Session, report: FeedbackReport) -> set[int]:
    """Who an escalation reaches: the agency's leads (role ``lead``) and the official assigned to the report;
    an agency without a lead escalates to its parent agency's officials."""
    leads = agency_officials(db, report.agency_code, role="lead")
    people = leads or supervisors_of(db, report.agency_code) or agency_officials(db, report.agency_code)
    return people | ({report.assignee_id} if report.assignee_id else set())
