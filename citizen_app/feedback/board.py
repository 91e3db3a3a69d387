"""Public board: filtered list, diacritic-insensitive search, map box, public report view, scorecard.

Only public columns are read here: masked text, never the reporter's identity unless they chose to
show their name. Queries are shaped for the indexes in ``models.py``: every list is ordered by id
(which follows creation time), filters use ``(column, id)`` indexes, and search walks the token
table's primary key ``(token, report_id)`` backwards, so the first page is found without sorting.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from citizen_app.city.text import ward_key
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import VN_TZ, to_local, utcnow
from citizen_app.feedback.catalog import load_catalog
from citizen_app.feedback.geo import valid_point
from citizen_app.feedback.models import FeedbackEvent, FeedbackPhoto, FeedbackReport, FeedbackSearchToken
from citizen_app.feedback.service import can_view_as_official, get_report, is_overdue, load_actor
from citizen_app.feedback.text import query_tokens
from citizen_app.identity.models import Agency, UserAccount

MAX_PAGE_SIZE = 50
MAX_MAP_POINTS = 500
MAX_MAP_SPAN_DEG = 1.5
SEARCH_COUNT_CAP = 20_000
SORTS = ("newest", "oldest", "updated", "me_too")
R = FeedbackReport


@dataclass
class BoardFilters:
    category: str | None = None
    status: str | None = None  # open | closed
    stage: str | None = None
    agency: str | None = None
    ward: str | None = None
    date_from: date | None = None  # local (UTC+7) dates, inclusive
    date_to: date | None = None
    q: str = ""


@dataclass(frozen=True)
class BoardItem:
    report_id: int
    title: str
    excerpt: str
    category_code: str
    agency_code: str
    stage: str
    outcome: str | None
    ward: str
    me_too_count: int
    created_at: datetime
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class BoardPage:
    items: list[BoardItem]
    page: int
    page_size: int
    has_more: bool


@dataclass(frozen=True)
class MapPoint:
    report_id: int
    lat: float
    lon: float
    category_code: str
    stage: str
    title: str


@dataclass(frozen=True)
class TimelineEntry:
    """One public step: what happened and the agency that acted (``agency_code``; never the person), and the
    agency it was about (``target_code``: routed to, taken from)."""

    at: datetime
    kind: str
    stage: str
    outcome: str | None
    text: str
    by_agency: bool
    photo_ids: tuple[int, ...]
    agency_code: str = ""
    target_code: str = ""


@dataclass(frozen=True)
class PublicReport:
    report_id: int
    title: str
    description: str
    category_code: str
    category_name: str
    agency_code: str
    agency_name: str
    stage: str
    stage_label: str
    outcome: str | None
    outcome_label: str
    lat: float | None
    lon: float | None
    address: str
    ward: str
    reporter_name: str | None
    me_too_count: int
    public_response: str
    created_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    overdue: bool
    duplicate_of: int | None
    photo_ids: tuple[int, ...]
    timeline: list[TimelineEntry] = field(default_factory=list)


# --- filters ------------------------------------------------------------------------------------


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ).astimezone(UTC)


def _conditions(f: BoardFilters) -> list[Any]:
    cat = load_catalog()
    conds: list[Any] = [R.hidden == False]
    if f.category:
        conds.append(R.category_code == f.category)
    if f.status:
        if f.status not in ("open", "closed"):
            raise DomainError("feedback.filter_invalid")
        conds.append(R.is_open == (f.status == "open"))
    if f.stage:
        if f.stage not in cat.stages:
            raise DomainError("feedback.filter_invalid")
        conds.append(R.stage == f.stage)
    if f.agency:
        conds.append(R.agency_code == f.agency)
    if f.ward:
        conds.append(R.ward_key == ward_key(f.ward))
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise DomainError("feedback.filter_invalid")
    if f.date_from:
        conds.append(col(R.created_at) >= local_day_start(f.date_from))
    if f.date_to:
        conds.append(col(R.created_at) < local_day_start(f.date_to + timedelta(days=1)))
    return conds


_MAX_ID = 2**31 - 1  # ids are INTEGER (int4 on PostgreSQL); a larger bound is out of range there


def _id_range(db: Session, f: BoardFilters) -> tuple[int, int]:
    """Turn a date range into an id range (ids grow with creation time) so (x, id) indexes apply."""
    low, high = 0, _MAX_ID
    if f.date_from:
        first = db.exec(select(R.id).where(col(R.created_at) >= local_day_start(f.date_from))
                        .order_by(col(R.created_at).asc()).limit(1)).first()
        low = first if first is not None else _MAX_ID
    if f.date_to:
        end = local_day_start(f.date_to + timedelta(days=1))
        last = db.exec(select(R.id).where(col(R.created_at) < end).order_by(col(R.created_at).desc()).limit(1)).first()
        high = last if last is not None else 0
    return low, high


def _order(sort: str) -> list[Any]:
    if sort not in SORTS:
        raise DomainError("feedback.sort_invalid")
    return {"newest": [col(R.id).desc()], "oldest": [col(R.id).asc()],
            "updated": [col(R.updated_at).desc(), col(R.id).desc()],
            "me_too": [col(R.me_too_count).desc(), col(R.id).desc()]}[sort]


_LIST_COLUMNS = (R.id, R.public_title, func.substr(R.public_description, 1, 200), R.category_code, R.agency_code,
                 R.stage, R.outcome, R.ward, R.me_too_count, R.created_at, R.lat, R.lon)


def _rarest(db: Session, words: list[str], category: str | None) -> str:
    """The word with the fewest postings (in the filtered category, if any), counted up to a cap so the
    estimate itself stays cheap (index-only range scans)."""
    if len(words) == 1:
        return words[0]
    tok = FeedbackSearchToken
    counts = {}
    for word in words:
        capped = select(tok.report_id).where(tok.token == word)
        if category:
            capped = capped.where(tok.category_code == category)
        capped = capped.limit(SEARCH_COUNT_CAP).subquery()
        counts[word] = db.exec(select(func.count()).select_from(capped)).one()
    return min(words, key=lambda w: (counts[w], -len(w)))


def list_reports(db: Session, filters: BoardFilters | None = None, *, sort: str = "newest", page: int = 1,
                 page_size: int = 20) -> BoardPage:
    """One page of the public board; ``filters.q`` searches folded words (diacritics ignored)."""
    f = filters or BoardFilters()
    page = max(int(page), 1)
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    order = _order(sort)
    low, high = _id_range(db, f)
    conds = _conditions(f) + [col(R.id).between(low, high)]
    words = query_tokens(f.q)
    query = select(*_LIST_COLUMNS)
    if words:
        # Walk the rarest word's postings newest first (primary key (token, report_id), backwards) and
        # probe the others with EXISTS: the first page stops after page_size + 1 hits, no sort needed.
        driver = _rarest(db, words, f.category)
        tok = aliased(FeedbackSearchToken)
        query = query.select_from(tok).join(R, R.id == tok.report_id).where(tok.token == driver)
        if f.category:
            query = query.where(tok.category_code == f.category)  # (token, category_code, report_id) index
        for word in words:
            if word != driver:
                other = aliased(FeedbackSearchToken)
                # probe on the posting itself (index-only) before the report row is read
                conds.append(exists().where(and_(other.token == word, other.report_id == tok.report_id)))
        if sort == "newest":
            order = [col(tok.report_id).desc()]
    rows = db.exec(query.where(*conds).order_by(*order).offset((page - 1) * page_size).limit(page_size + 1)).all()
    items = [BoardItem(*row) for row in rows[:page_size]]
    return BoardPage(items, page, page_size, len(rows) > page_size)


def map_reports(db: Session, min_lat: float, min_lon: float, max_lat: float, max_lon: float,
                filters: BoardFilters | None = None, limit: int = MAX_MAP_POINTS) -> tuple[list[MapPoint], bool]:
    """Markers inside a box (newest first). Returns (points, truncated): truncated means 'zoom in'."""
    try:
        box = [float(v) for v in (min_lat, min_lon, max_lat, max_lon)]
    except (TypeError, ValueError):
        raise DomainError("feedback.bbox_invalid") from None
    if not (valid_point(box[0], box[1]) and valid_point(box[2], box[3])):  # NaN compares false to every bound
        raise DomainError("feedback.bbox_invalid")
    if box[0] > box[2] or box[1] > box[3] or box[2] - box[0] > MAX_MAP_SPAN_DEG or box[3] - box[1] > MAX_MAP_SPAN_DEG:
        raise DomainError("feedback.bbox_invalid")
    limit = min(max(int(limit), 1), MAX_MAP_POINTS)
    conds = _conditions(filters or BoardFilters())
    query = select(R.id, R.lat, R.lon, R.category_code, R.stage, R.public_title).where(
        col(R.lat).between(box[0], box[2]), col(R.lon).between(box[1], box[3]), *conds)
    rows = db.exec(query.limit(limit + 1)).all()
    points = [MapPoint(*row) for row in rows[:limit]]
    return points, len(rows) > limit


# --- one report ---------------------------------------------------------------------------------


def _viewer_may_see_hidden(db: Session, viewer_id: int | None, report: FeedbackReport) -> bool:
    if viewer_id is None:
        return False
    if report.reporter_id == viewer_id:
        return True
    return can_view_as_official(load_actor(db, viewer_id), report)


def get_public_report(db: Session, report_id: int | str, viewer_id: int | None = None,
                      lang: str = "vi") -> PublicReport:
    report = get_report(db, report_id)
    if report.hidden and not _viewer_may_see_hidden(db, viewer_id, report):
        raise NotFound("feedback.report_not_found")
    cat = load_catalog()
    category = cat.categories.get(report.category_code)
    agency = db.exec(select(Agency).where(Agency.code == report.agency_code)).first()
    reporter_name = None
    if report.reporter_id and not report.hide_name:
        user = db.get(UserAccount, report.reporter_id)
        reporter_name = user.full_name if user else None
    photo_ids = tuple(db.exec(select(FeedbackPhoto.id).where(FeedbackPhoto.report_id == report.id)
                              .order_by(FeedbackPhoto.id)).all())
    return PublicReport(
        report.id, report.public_title, report.public_description, report.category_code,
        category.name(lang) if category else report.category_code, report.agency_code,
        (agency.name_en if lang == "en" else agency.name_vi) if agency else report.agency_code,
        report.stage, cat.stage_label(report.stage, lang), report.outcome, cat.outcome_label(report.outcome, lang),
        report.lat, report.lon, report.public_address, report.ward, reporter_name, report.me_too_count,
        report.public_response, report.created_at, report.updated_at, report.expected_at, is_overdue(report),
        report.duplicate_of, photo_ids, public_timeline(db, report.id))


def public_timeline(db: Session, report_id: int) -> list[TimelineEntry]:
    rows = db.exec(select(FeedbackEvent).where(FeedbackEvent.report_id == report_id, FeedbackEvent.public == True)
                   .order_by(FeedbackEvent.id)).all()
    return [TimelineEntry(e.at, e.kind, e.stage, e.outcome, e.public_text, e.actor_role in ("official", "admin"),
                          tuple(int(p) for p in e.photo_ids.split(",") if p), e.agency_code, e.target_code)
            for e in rows]


def photo_for_viewer(db: Session, photo_id: int | str, viewer_id: int | None) -> FeedbackPhoto:
    """A photo is visible when its report is; unattached photos only to their uploader."""
    try:
        photo = db.get(FeedbackPhoto, int(str(photo_id)))
    except ValueError:
        photo = None
    if photo is None:
        raise NotFound("feedback.photo_not_found")
    if photo.report_id is None:
        if viewer_id is None or photo.owner_id != viewer_id:
            raise NotFound("feedback.photo_not_found")
        return photo
    report = db.get(FeedbackReport, photo.report_id)
    if report is None or (report.hidden and not _viewer_may_see_hidden(db, viewer_id, report)):
        raise NotFound("feedback.photo_not_found")
    return photo


# --- scorecard ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    agency_code: str
    category_code: str
    received: int
    answered: int
    on_time_pct: float | None
    median_answer_hours: float | None
    satisfaction: float | None
    ratings: int
    overdue_open: int


def scorecard(db: Session, date_from: date | None = None, date_to: date | None = None,
              now: datetime | None = None) -> list[ScoreRow]:
    """Per agency × category for reports created in the period (default: last 90 days)."""
    now = now or utcnow()
    date_to = date_to or to_local(now).date()
    date_from = date_from or date_to - timedelta(days=89)
    if date_from > date_to or (date_to - date_from).days > 366:
        raise DomainError("feedback.filter_invalid")
    rows = db.exec(select(R.agency_code, R.category_code, R.created_at, R.answered_at, R.due_at, R.rating,
                          R.is_open).where(col(R.created_at) >= local_day_start(date_from),
                                           col(R.created_at) < local_day_start(date_to + timedelta(days=1)),
                                           R.hidden == False)).all()
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row[0], row[1]), []).append(row)
    return [_score(key, items, now) for key, items in sorted(groups.items())]


def _score(key: tuple[str, str], items: list[Any], now: datetime) -> ScoreRow:
    answered = [r for r in items if r[3] is not None]
    due_known = [r for r in items if r[4] is not None and (r[3] is not None or r[4] < now)]
    on_time = [r for r in due_known if r[3] is not None and r[3] <= r[4]]
    hours = [(r[3] - r[2]).total_seconds() / 3600 for r in answered]
    ratings = [r[5] for r in items if r[5] is not None]
    overdue = sum(1 for r in items if r[3] is None and r[6] and r[4] is not None and r[4] < now)
    return ScoreRow(key[0], key[1], len(items), len(answered),
                    round(100 * len(on_time) / len(due_known), 1) if due_known else None,
                    round(statistics.median(hours), 1) if hours else None,
                    round(sum(ratings) / len(ratings), 2) if ratings else None, len(ratings), overdue)


def scorecard_csv(rows: list[ScoreRow]) -> str:
    header = "agency_code,category_code,received,answered,on_time_pct,median_answer_hours,satisfaction,ratings,overdue"
    lines = [header]
    for r in rows:
        values = [r.agency_code, r.category_code, r.received, r.answered, r.on_time_pct, r.median_answer_hours,
                  r.satisfaction, r.ratings, r.overdue_open]
        lines.append(",".join("" if v is None else str(v) for v in values))
    return "\n".join(lines) + "\n"
