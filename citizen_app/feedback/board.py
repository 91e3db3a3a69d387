"""Public board: filtered list, diacritic-insensitive search, map box, public report view, scorecard.

Only public columns are read here: masked text, never the reporter's identity unless they chose to
show their name. Queries are shaped for the indexes in ``models.py``: every list is ordered by id
(which follows creation time), filters use ``(column, id)`` indexes, and search walks the token
table's primary key ``(token, report_id)`` backwards, so the first page is found without sorting.
Before a walk of several words, the categories each word occurs in are read (a few index seeks): a report has one
category, so words sharing none need no walk, and words sharing one are walked in that category's range only.

Search also understands the categories' keywords (``data/feedback/categories.json``): a keyword in the query
("pothole", "ổ gà") matches the reports of its categories as well as reports whose text has its words. Each
way of satisfying the keywords is one index-ordered query ("branch"); their first rows are merged.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, bindparam, exists, func, or_, text
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from citizen_app.city.text import ward_key
from citizen_app.core.db import run
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import VN_TZ, to_local, utcnow
from citizen_app.feedback.catalog import Catalog, load_catalog
from citizen_app.feedback.geo import valid_point
from citizen_app.feedback.models import (
    FeedbackEvent,
    FeedbackPhoto,
    FeedbackReport,
    FeedbackSearchToken,
    FeedbackUpdate,
)
from citizen_app.feedback.service import (
    can_handle,
    can_view_as_official,
    handling_actor,
    is_overdue,
    load_actor,
    report_id_of,
)
from citizen_app.feedback.text import MAX_TOKEN_LEN, fold, query_tokens
from citizen_app.identity.models import Agency, UserAccount

MAX_PAGE_SIZE = 50
MAX_MAP_POINTS = 500
MAX_MAP_SPAN_DEG = 1.5
RAREST_SAMPLE = 256
MAX_BRANCHES = 8
MAX_SUGGESTIONS = 6
SORTS = ("newest", "oldest", "updated", "me_too")
# What a citizen filters by (the board's status menu); "open"/"closed" stay for the map feed and old links.
STATUSES = ("new", "in_progress", "awaiting", "fixed", "not_fixed", "overdue")
LEGACY_STATUSES = ("open", "closed")
R = FeedbackReport
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass
class BoardFilters:
    category: str | None = None
    status: str | None = None  # one of STATUSES or LEGACY_STATUSES
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
    thumb_id: int | None = None  # the report's first photo (a thumbnail for the list)


@dataclass(frozen=True)
class BoardPage:
    items: list[BoardItem]
    page: int
    page_size: int
    has_more: bool
    words: tuple[str, ...] = ()  # the folded query words, for highlighting
    keyword_categories: frozenset[str] = frozenset()  # categories a keyword of the query named


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
    photo_kinds: tuple[str, ...] = ()  # each photo's kind, in the order of ``photo_ids``


# --- the board's address: every filter in the URL --------------------------------------------------

_PARAM_LIMITS = {"q": 100, "category": 40, "status": 12, "ward": 100, "agency": 64, "from": 10, "to": 10,
                 "sort": 10, "page": 6}


@dataclass(frozen=True)
class BoardQuery:
    """Filters, sort and page of the board as its URL carries them, so a filtered board can be shared."""

    filters: BoardFilters = field(default_factory=BoardFilters)
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> BoardQuery:
        """From the URL's query (or the filter form, whose fields have the same names). Unknown values raise
        ``DomainError('feedback.filter_invalid')``; empty ones mean "any"."""
        raw = {name: _param(params, name)[:limit] for name, limit in _PARAM_LIMITS.items()}
        try:
            start, end = _iso_day(raw["from"]), _iso_day(raw["to"])
        except ValueError:
            raise DomainError("feedback.filter_invalid") from None
        status, sort = raw["status"] or None, raw["sort"] or "newest"
        if status and status not in STATUSES + LEGACY_STATUSES or sort not in SORTS:
            raise DomainError("feedback.filter_invalid")
        page = int(raw["page"]) if raw["page"].isdigit() else 1
        filters = BoardFilters(category=raw["category"] or None, status=status, agency=raw["agency"] or None,
                               ward=raw["ward"] or None, date_from=start, date_to=end, q=raw["q"])
        return cls(filters, sort, max(page, 1))

    def params(self) -> dict[str, str]:
        """The non-default values, in a fixed order (the same board always has the same URL)."""
        f = self.filters
        values = {"q": f.q, "category": f.category or "", "status": f.status or "", "ward": f.ward or "",
                  "agency": f.agency or "", "from": f.date_from.isoformat() if f.date_from else "",
                  "to": f.date_to.isoformat() if f.date_to else "",
                  "sort": "" if self.sort == "newest" else self.sort, "page": "" if self.page == 1 else str(self.page)}
        return {name: value for name, value in values.items() if value}

    def url(self, path: str = "/feedback") -> str:
        query = urlencode(self.params())
        return f"{path}?{query}" if query else path

    def at_page(self, page: int) -> BoardQuery:
        return replace(self, page=max(page, 1))


def _param(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def _iso_day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


# --- filters ------------------------------------------------------------------------------------


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ).astimezone(UTC)


def _stages_in(cat: Catalog, group: str) -> list[str]:
    return [code for code, stage in cat.stages.items() if stage.group == group]


def _status_conditions(status: str, cat: Catalog, now: Any) -> list[Any]:
    """The board's statuses, read from the state file: stage groups (open, answered, closed), the initial
    stage, and the outcomes' kinds (fixed or closed). Core columns, so that the prebuilt statements use them too;
    ``now``: a time, or a bound parameter."""
    c = _RC
    if status in LEGACY_STATUSES:
        return [c.is_open == (status == "open")]
    working = _stages_in(cat, "open")
    fixed = [code for code, outcome in cat.outcomes.items() if outcome.kind == "fixed"]
    closed = c.stage.in_(_stages_in(cat, "closed"))
    return {
        "new": [c.stage == cat.initial_stage],
        "in_progress": [c.stage.in_([code for code in working if code != cat.initial_stage])],
        "awaiting": [c.stage.in_(_stages_in(cat, "answered"))],
        "fixed": [closed, c.outcome.in_(fixed)],
        "not_fixed": [closed, or_(c.outcome.is_(None), c.outcome.not_in(fixed))],
        "overdue": [c.is_open == True, c.stage.in_(working), c.due_at < now],
    }[status]


def _check_filters(f: BoardFilters, cat: Catalog) -> None:
    """``DomainError('feedback.filter_invalid')`` for a status or stage the board does not know, or dates in the
    wrong order."""
    if f.status and f.status not in STATUSES + LEGACY_STATUSES:
        raise DomainError("feedback.filter_invalid")
    if f.stage and f.stage not in cat.stages:
        raise DomainError("feedback.filter_invalid")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise DomainError("feedback.filter_invalid")


def _conditions(f: BoardFilters, now: datetime | None = None) -> list[Any]:
    cat = load_catalog()
    _check_filters(f, cat)
    conds: list[Any] = [R.hidden == False]
    if f.category:
        conds.append(R.category_code == f.category)
    if f.status:
        conds.extend(_status_conditions(f.status, cat, now or utcnow()))
    if f.stage:
        conds.append(R.stage == f.stage)
    if f.agency:
        conds.append(R.agency_code == f.agency)
    if f.ward:
        conds.append(R.ward_key == ward_key(f.ward))
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


_RC = R.__table__.c  # the report table's columns: Core, usable by the ORM's queries and the prebuilt statements
_ORDERS = {"newest": (_RC.id.desc(),), "oldest": (_RC.id.asc(),),  # built once, not per call
           "updated": (_RC.updated_at.desc(), _RC.id.desc()),
           "me_too": (_RC.me_too_count.desc(), _RC.id.desc())}


def _order(sort: str) -> list[Any]:
    if sort not in SORTS:
        raise DomainError("feedback.sort_invalid")
    return list(_ORDERS[sort])


def _sort_key(sort: str, row: Any) -> tuple[Any, ...]:
    """The merge order of rows from several branches: the SQL order of ``_order``."""
    return {"newest": lambda: (-row.id,), "oldest": lambda: (row.id,),
            "updated": lambda: (-row.updated_at.timestamp(), -row.id),
            "me_too": lambda: (-row.me_too_count, -row.id)}[sort]()


_LIST_COLUMNS = (R.id, R.public_title, func.substr(R.public_description, 1, 200), R.category_code, R.agency_code,
                 R.stage, R.outcome, R.ward, R.me_too_count, R.created_at, R.lat, R.lon, R.updated_at)


def _rarest(db: Session, words: tuple[str, ...], category: str | None) -> str:
    """The word with the fewest postings to walk (in the filtered category, if any), judged from at most
    ``RAREST_SAMPLE`` of each word's newest postings so the choice stays cheap however common the words are."""
    if len(words) == 1:
        return words[0]
    return min(words, key=lambda word: (_sparseness(db, word, category), -len(word)))


def _sparseness(db: Session, word: str, category: str | None) -> tuple[int, int]:
    """Orders words from the rarest: fewer than ``RAREST_SAMPLE`` postings first (any of them is a short walk),
    then by how sparse the newest ones are (the walk goes newest first): the span of report ids the newest
    ``RAREST_SAMPLE`` cover, widest first. Two index reads, the longer one of ``RAREST_SAMPLE`` entries."""
    tok = FeedbackSearchToken
    newest = select(tok.report_id).where(tok.token == word)
    if category:
        newest = newest.where(tok.category_code == category)
    newest = newest.order_by(col(tok.report_id).desc())
    first, last = db.exec(select(newest.limit(1).scalar_subquery(),
                                 newest.offset(RAREST_SAMPLE - 1).limit(1).scalar_subquery())).one()
    return (0, 0) if last is None else (1, last - first)


# --- search: words and the categories' keywords -----------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """One way a report can match the query: in this category (None: any) and having these words."""

    category: str | None
    words: tuple[str, ...]


@dataclass(frozen=True)
class SearchPlan:
    branches: tuple[Branch, ...]
    words: tuple[str, ...]  # every searchable word of the query (to highlight)
    keyword_categories: frozenset[str]


_KEYWORD_INDEX: list[tuple[Catalog, dict[tuple[str, ...], frozenset[str]]]] = []  # the last catalogue's


def _keyword_index(cat: Catalog) -> dict[tuple[str, ...], frozenset[str]]:
    """Folded keyword (as a word sequence) -> the categories listing it. Folded once per catalogue (the
    catalogue is loaded once per process): folding every keyword took about 0.5 ms of each board visit."""
    if not _KEYWORD_INDEX or _KEYWORD_INDEX[0][0] is not cat:
        _KEYWORD_INDEX[:] = [(cat, _build_keyword_index(cat))]
    return _KEYWORD_INDEX[0][1]


def _build_keyword_index(cat: Catalog) -> dict[tuple[str, ...], frozenset[str]]:
    index: dict[tuple[str, ...], set[str]] = {}
    for category in cat.categories.values():
        for keyword in category.keywords.split(","):
            words = tuple(_WORDS.findall(fold(keyword)))
            if words:
                index.setdefault(words, set()).add(category.code)
    return {words: frozenset(codes) for words, codes in index.items()}


def _find_keywords(words: list[str], index: Mapping[tuple[str, ...], frozenset[str]]
                   ) -> list[tuple[int, int, frozenset[str]]]:
    """Non-overlapping keyword phrases in ``words`` (longest first): (start, end, categories)."""
    found: list[tuple[int, int, frozenset[str]]] = []
    taken: set[int] = set()
    for phrase in sorted(index, key=len, reverse=True):
        size = len(phrase)
        for start in range(len(words) - size + 1):
            span = set(range(start, start + size))
            if tuple(words[start:start + size]) == phrase and not span & taken:
                found.append((start, start + size, index[phrase]))
                taken |= span
    return sorted(found)


def _searchable(words: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w[:MAX_TOKEN_LEN] for w in words if len(w) >= 2))


def plan_search(q: str, category: str | None = None) -> SearchPlan:
    """The branches of a query: each keyword phrase is satisfied either by one of its categories or by its
    words in the text; the other words must be in the text. Without keywords: one branch, as before."""
    all_words = _WORDS.findall(fold(q))[:16]
    words = query_tokens(q)
    phrases = _find_keywords(all_words, _keyword_index(load_catalog()))[:2]  # at most 2 phrases: <= 9 branches
    if not phrases:
        return SearchPlan((Branch(category, tuple(words)),) if words else (), tuple(words), frozenset())
    covered = {i for start, end, _ in phrases for i in range(start, end)}
    rest = _searchable([w for i, w in enumerate(all_words) if i not in covered])
    options = []
    for start, end, categories in phrases:
        text = _searchable(all_words[start:end])
        options.append([(code, ()) for code in sorted(categories)] + ([(None, text)] if text else []))
    branches: list[Branch] = []
    for combo in itertools.product(*options):
        chosen = {code for code, _ in combo if code}
        if len(chosen) > 1 or (category and chosen - {category}):
            continue  # a report has one category
        needed = _searchable([*rest, *(w for _, text in combo for w in text)])
        branch = Branch(category or next(iter(chosen), None), needed[:8])
        if branch not in branches:
            branches.append(branch)
    keyword_categories = frozenset(code for *_, codes in phrases for code in codes)
    return SearchPlan(tuple(branches[:MAX_BRANCHES]), _searchable(all_words)[:8], keyword_categories)


# A loose index scan of (token, category_code, report_id): one index seek per category the word occurs in, however
# many reports have it (the PostgreSQL wiki's "loose indexscan"; SQLite reads min() from the index the same way).
_WORD_CATEGORIES = text("""
WITH RECURSIVE found(code) AS (
    SELECT min(category_code) FROM feedback_search_token WHERE token = :word
    UNION ALL
    SELECT (SELECT min(t.category_code) FROM feedback_search_token AS t
            WHERE t.token = :word AND t.category_code > found.code)
    FROM found WHERE found.code IS NOT NULL
)
SELECT code FROM found WHERE code IS NOT NULL""")


def _word_categories(db: Session, word: str) -> set[str]:
    """The categories of the reports whose text has ``word`` (a token row copies its report's category)."""
    return set(db.exec(_WORD_CATEGORIES, params={"word": word}).scalars().all())


def _narrowed(db: Session, branches: tuple[Branch, ...]) -> tuple[Branch, ...]:
    """The branches that can match, each walked in the one category its words share when there is one."""
    found: dict[str, set[str]] = {}

    def categories(word: str) -> set[str]:
        if word not in found:
            found[word] = _word_categories(db, word)
        return found[word]

    return tuple(dict.fromkeys(narrow for branch in branches if (narrow := _narrow(branch, categories))))


def _narrow(branch: Branch, categories: Callable[[str], set[str]]) -> Branch | None:
    """The same reports as ``branch``, or None when it has none: a report has one category, so words that occur
    in no common category are in no report together (no walk at all), and words that share one category are
    walked in its ``(token, category_code, report_id)`` range, not among the postings of every category. Words
    sharing several stay one walk: split by category, each part would have to find a page of its own, walking
    to its end a category where the words rarely meet, while one walk stops at the first page found anywhere."""
    if len(branch.words) < 2:
        return branch
    shared = set.intersection(*(categories(word) for word in branch.words))
    if branch.category:
        return branch if branch.category in shared else None
    if len(shared) == 1:
        return Branch(shared.pop(), branch.words)
    return branch if shared else None


def _branch_query(db: Session, branch: Branch, conds: list[Any], sort: str) -> Any:
    query = select(*_LIST_COLUMNS)
    order = _order(sort)
    conds = list(conds)
    if branch.category:
        conds.append(R.category_code == branch.category)
    if branch.words:
        # Walk the rarest word's postings newest first (primary key (token, report_id), backwards) and
        # probe the others with EXISTS: the first page stops after page_size + 1 hits, no sort needed.
        driver = _rarest(db, branch.words, branch.category)
        tok = aliased(FeedbackSearchToken)
        query = query.select_from(tok).join(R, R.id == tok.report_id).where(tok.token == driver)
        if branch.category:
            query = query.where(tok.category_code == branch.category)  # (token, category_code, report_id) index
        for word in branch.words:
            if word != driver:
                other = aliased(FeedbackSearchToken)
                # probe on the posting itself (index-only) before the report row is read
                conds.append(exists().where(and_(other.token == word, other.report_id == tok.report_id)))
        if sort == "newest":
            order = [col(tok.report_id).desc()]
    return query.where(*conds).order_by(*order)


def list_reports(db: Session, filters: BoardFilters | None = None, *, sort: str = "newest", page: int = 1,
                 page_size: int = 20) -> BoardPage:
    """One page of the public board; ``filters.q`` searches folded words (diacritics ignored) and the
    categories' keywords."""
    f = filters or BoardFilters()
    page = max(int(page), 1)
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    _order(sort)
    _check_filters(f, load_catalog())
    low, high = _id_range(db, f)
    plan = plan_search(f.q, f.category)
    branches = _narrowed(db, plan.branches) if plan.branches else (Branch(f.category, ()),)
    skip = (page - 1) * page_size
    plain = len(branches) == 1 and not branches[0].words and branches[0].category in (None, f.category)
    if plain:  # no search words (the board's usual visit): a statement built once per shape of filters
        rows = _plain_rows(db, f, sort, low, high, skip, page_size + 1)
    elif not branches:
        rows = []
    elif len(branches) == 1:
        conds = _conditions(f) + [col(R.id).between(low, high)]
        rows = list(db.exec(_branch_query(db, branches[0], conds, sort).offset(skip).limit(page_size + 1)).all())
    else:
        conds = _conditions(f) + [col(R.id).between(low, high)]
        merged: dict[int, Any] = {}
        for branch in branches:
            for row in db.exec(_branch_query(db, branch, conds, sort).limit(skip + page_size + 1)).all():
                merged.setdefault(row.id, row)
        rows = sorted(merged.values(), key=lambda row: _sort_key(sort, row))[skip:skip + page_size + 1]
    thumbs = _first_photos(db, [row.id for row in rows[:page_size]])
    items = [BoardItem(*row[:12], thumb_id=thumbs.get(row.id)) for row in rows[:page_size]]
    return BoardPage(items, page, page_size, len(rows) > page_size, plan.words, plan.keyword_categories)


def _first_photos(db: Session, report_ids: list[int]) -> dict[int, int]:
    """Each report's first own photo (not an update's), for the list's thumbnails: one indexed query."""
    if not report_ids:
        return {}
    return {int(report_id): int(photo_id)
            for report_id, photo_id in run(db, _FIRST_OWN_PHOTOS, {"report_ids": report_ids}).all()}


_PHOTOS = FeedbackPhoto.__table__.c
_FIRST_OWN_PHOTOS = (sa_select(_PHOTOS.report_id, func.min(_PHOTOS.id))  # a Core statement built once: core/db.py
                     .where(_PHOTOS.report_id.in_(bindparam("report_ids", expanding=True)), _PHOTOS.update_id.is_(None))
                     .group_by(_PHOTOS.report_id))


# --- the board without search words: one Core statement per shape of filters ---------------------------------

_PLAIN_COLUMNS = (_RC.id, _RC.public_title, func.substr(_RC.public_description, 1, 200), _RC.category_code,
                  _RC.agency_code, _RC.stage, _RC.outcome, _RC.ward, _RC.me_too_count, _RC.created_at, _RC.lat,
                  _RC.lon)  # _LIST_COLUMNS but updated_at (only a merge of several searches' rows sorts by it)
_PLAIN: list[tuple[Catalog, dict[_PlainShape, Any]]] = []  # the last catalogue's statements, by shape


@dataclass(frozen=True)
class _PlainShape:
    """Which filters a board without search words has (their values are the statement's parameters)."""

    category: bool
    status: str | None
    stage: bool
    agency: bool
    ward: bool
    date_from: bool
    date_to: bool
    sort: str


def _plain_statement(shape: _PlainShape, cat: Catalog) -> Any:
    """The statement of ``shape``, built the first time it is asked for (2^6 × 9 × 4 shapes at most). The same
    conditions and order as ``_conditions`` and ``_order`` (tests pin both give the same rows)."""
    if not _PLAIN or _PLAIN[0][0] is not cat:
        _PLAIN[:] = [(cat, {})]
    statements = _PLAIN[0][1]
    statement = statements.get(shape)
    if statement is None:
        statement = statements[shape] = _build_plain(shape, cat)
    return statement


def _build_plain(shape: _PlainShape, cat: Catalog) -> Any:
    conds: list[Any] = [_RC.hidden == False]
    if shape.category:
        conds.append(_RC.category_code == bindparam("category"))
    if shape.status:
        conds.extend(_status_conditions(shape.status, cat, bindparam("now")))
    if shape.stage:
        conds.append(_RC.stage == bindparam("stage"))
    if shape.agency:
        conds.append(_RC.agency_code == bindparam("agency"))
    if shape.ward:
        conds.append(_RC.ward_key == bindparam("ward_key"))
    if shape.date_from:
        conds.append(_RC.created_at >= bindparam("created_from"))
    if shape.date_to:
        conds.append(_RC.created_at < bindparam("created_before"))
    conds.append(_RC.id.between(bindparam("low"), bindparam("high")))
    return (sa_select(*_PLAIN_COLUMNS).where(*conds).order_by(*_ORDERS[shape.sort])
            .offset(bindparam("skip")).limit(bindparam("limit")))


def _plain_rows(db: Session, f: BoardFilters, sort: str, low: int, high: int, skip: int, limit: int) -> list[Any]:
    """The board's rows without search words (the filters were checked by ``_check_filters``): a prebuilt statement
    per shape of filters, run as Core."""
    shape = _PlainShape(bool(f.category), f.status, bool(f.stage), bool(f.agency), bool(f.ward), bool(f.date_from),
                        bool(f.date_to), sort)
    params: dict[str, Any] = {"low": low, "high": high, "skip": skip, "limit": limit}
    if f.category:
        params["category"] = f.category
    if f.status == "overdue":
        params["now"] = utcnow()
    if f.stage:
        params["stage"] = f.stage
    if f.agency:
        params["agency"] = f.agency
    if f.ward:
        params["ward_key"] = ward_key(f.ward)
    if f.date_from:
        params["created_from"] = local_day_start(f.date_from)
    if f.date_to:
        params["created_before"] = local_day_start(f.date_to + timedelta(days=1))
    return list(run(db, _plain_statement(shape, load_catalog()), params).all())


def highlight(text: str, words: tuple[str, ...] | list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, found) parts: the words whose folded form is a searched word are found
    (diacritics and case ignored, as in the search); found words with only spaces between are one part."""
    wanted = set(words)
    if not text or not wanted:
        return [(text, False)] if text else []
    spans: list[list[int]] = []
    for m in re.finditer(r"\w+", text):
        if not wanted.intersection(_WORDS.findall(fold(m.group()))):
            continue
        if spans and not text[spans[-1][1]:m.start()].strip():
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    parts: list[tuple[str, bool]] = []
    last = 0
    for start, end in spans:
        if start > last:
            parts.append((text[last:start], False))
        parts.append((text[start:end], True))
        last = end
    if last < len(text):
        parts.append((text[last:], False))
    return parts


@dataclass(frozen=True)
class Suggestion:
    """A search to offer while the citizen types: the query text and the category its keyword names."""

    query: str
    keyword: str
    category_code: str


def suggest(typed: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Keywords of the categories that complete what is being typed ("poth" -> "pothole"), the last one to
    three words counted; the words before stay. From the catalogue only: nothing another citizen wrote."""
    if not typed.strip() or typed[-1:].isspace():
        return []
    parts = typed.split()
    found: list[Suggestion] = []
    for size in (3, 2, 1):
        if size > len(parts):
            continue
        tail = " ".join(_WORDS.findall(fold(" ".join(parts[-size:]))))
        if len(tail.replace(" ", "")) < 2:
            continue
        for category in load_catalog().categories.values():
            if category.emergency:
                continue
            for keyword in (k.strip() for k in category.keywords.split(",")):
                if " ".join(_WORDS.findall(fold(keyword))).startswith(tail):
                    query = " ".join([*parts[:-size], keyword])
                    if all(s.query != query for s in found):
                        found.append(Suggestion(query, keyword, category.code))
    return found[:limit]


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


def _viewer_may_see_hidden(db: Session, viewer_id: int | None, report: FeedbackReport | Any) -> bool:
    if viewer_id is None:
        return False
    if report.reporter_id == viewer_id:
        return True
    return can_view_as_official(handling_actor(db, viewer_id), report)  # one Core read (admin, official, agency)


def viewer_may_see(db: Session, viewer_id: int | None, report: FeedbackReport | Any) -> bool:
    """A report is on the board, or hidden and the viewer is its reporter or handles it. ``report``: the ORM object
    or the page's row (``page_report``): the rules read the same attributes of either."""
    return not report.hidden or _viewer_may_see_hidden(db, viewer_id, report)


# A report's page (and its server-drawn frame, the city lookup) runs these on every visit: Core statements on the
# tables, built once (core/db.py). The report's row carries what the page shows and what its rules read
# (``viewer_may_see``, ``viewer_choices``, ``may_rate``, ``may_add``...), its agency's names and its reporter's name;
# never the private originals or contact data.
_AGENCY_ROWS, _USER_ROWS = Agency.__table__, UserAccount.__table__
_PAGE_COLUMNS = (_RC.id, _RC.category_code, _RC.agency_code, _RC.public_title, _RC.public_description, _RC.lat,
                 _RC.lon, _RC.public_address, _RC.ward, _RC.ward_key, _RC.attributes_json, _RC.reporter_id,
                 _RC.hide_name, _RC.stage, _RC.outcome, _RC.is_open, _RC.hidden, _RC.me_too_count, _RC.duplicate_of,
                 _RC.public_response, _RC.created_at, _RC.updated_at, _RC.answered_at, _RC.due_at, _RC.expected_at,
                 _RC.rating, _RC.pending_agency_code)
_PAGE_REPORT = (sa_select(*_PAGE_COLUMNS, _AGENCY_ROWS.c.name_vi.label("agency_name_vi"),
                          _AGENCY_ROWS.c.name_en.label("agency_name_en"),
                          _USER_ROWS.c.full_name.label("reporter_full_name"))
                .select_from(R.__table__.outerjoin(_AGENCY_ROWS, _AGENCY_ROWS.c.code == _RC.agency_code)
                             .outerjoin(_USER_ROWS, _USER_ROWS.c.id == _RC.reporter_id))
                .where(_RC.id == bindparam("report_id")).limit(1))
_REPORT_PHOTOS = (sa_select(_PHOTOS.id, _PHOTOS.kind)
                  .where(_PHOTOS.report_id == bindparam("report_id"), _PHOTOS.update_id.is_(None))
                  .order_by(_PHOTOS.id))  # an update's photos are shown with it
_EVENTS = FeedbackEvent.__table__.c
_PUBLIC_EVENTS = (sa_select(_EVENTS.at, _EVENTS.kind, _EVENTS.stage, _EVENTS.outcome, _EVENTS.public_text,
                            _EVENTS.actor_role, _EVENTS.photo_ids, _EVENTS.agency_code, _EVENTS.target_code)
                  .where(_EVENTS.report_id == bindparam("report_id"), _EVENTS.public == True)
                  .order_by(_EVENTS.id))


def page_report(db: Session, report_id: int | str) -> Any:
    """The report as its public page reads it: one Core row (``_PAGE_COLUMNS``, the agency's names, the reporter's
    name), whoever asks; 'not found' as ``get_report``. Who may see it is ``public_report``'s to decide."""
    row = run(db, _PAGE_REPORT, {"report_id": report_id_of(report_id)}).first()
    if row is None:
        raise NotFound("feedback.report_not_found")
    return row


def public_report(db: Session, report: Any, viewer_id: int | None = None, lang: str = "vi") -> PublicReport:
    """What ``viewer_id`` may see of ``report`` (``page_report``'s row): 'not found' when they may not see it; the
    reporter's name only when they did not hide it."""
    if not viewer_may_see(db, viewer_id, report):
        raise NotFound("feedback.report_not_found")
    cat = load_catalog()
    category = cat.categories.get(report.category_code)
    reporter_name = None
    if report.reporter_id and not report.hide_name:
        reporter_name = report.reporter_full_name
    agency_name = report.agency_name_en if lang == "en" else report.agency_name_vi
    photos = run(db, _REPORT_PHOTOS, {"report_id": report.id}).all()
    return PublicReport(
        report.id, report.public_title, report.public_description, report.category_code,
        category.name(lang) if category else report.category_code, report.agency_code,
        agency_name if agency_name is not None else report.agency_code,
        report.stage, cat.stage_label(report.stage, lang), report.outcome, cat.outcome_label(report.outcome, lang),
        report.lat, report.lon, report.public_address, report.ward, reporter_name, report.me_too_count,
        report.public_response, report.created_at, report.updated_at, report.expected_at, is_overdue(report),
        report.duplicate_of, tuple(int(p.id) for p in photos), public_timeline(db, report.id),
        tuple(p.kind for p in photos))


def get_public_report(db: Session, report_id: int | str, viewer_id: int | None = None,
                      lang: str = "vi") -> PublicReport:
    return public_report(db, page_report(db, report_id), viewer_id, lang)


def public_timeline(db: Session, report_id: int) -> list[TimelineEntry]:
    """The report's public steps, oldest first (the page and Open311's notes): agencies only, never the person."""
    rows = run(db, _PUBLIC_EVENTS, {"report_id": report_id}).all()
    return [TimelineEntry(e.at, e.kind, e.stage, e.outcome, e.public_text, e.actor_role in ("official", "admin"),
                          tuple(int(p) for p in e.photo_ids.split(",") if p), e.agency_code, e.target_code)
            for e in rows]


def photo_for_viewer(db: Session, photo_id: int | str, viewer_id: int | None) -> FeedbackPhoto:
    """A photo is visible when its report is (and its update, for an update's photo: a hidden update's photos
    only to their author and the report's moderators); unattached photos only to their uploader."""
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
    update = db.get(FeedbackUpdate, photo.update_id) if photo.update_id else None
    if update is not None and update.hidden and viewer_id != update.author_id \
            and not (viewer_id is not None and can_handle(load_actor(db, viewer_id), report)):
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
