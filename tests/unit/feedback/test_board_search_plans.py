"""Search plans of the board: whatever way the words are walked (narrowed to the categories they share, split by
category, the walk's word chosen from a sample), the results are exactly those of a brute-force reading of the
reports, in the board's order; and the work of a search does not grow with how common its words are elsewhere."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, insert
from sqlmodel import Session, select

from citizen_app.core.text import fold
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback import board
from citizen_app.feedback.board import BoardFilters
from citizen_app.feedback.models import FeedbackReport, FeedbackSearchToken
from citizen_app.feedback.text import tokens
from tests.conftest import sql_statements

CATEGORIES = ("road_damage", "flooding", "garbage", "noise", "security")
# Words by the categories whose reports use them: one category, two, four, all; plus catalogue keywords
# ("pothole" names road_damage, "flood" flooding) written in other categories' reports too.
VOCABULARY = {
    "road_damage": ["alpha", "shared", "four", "every", "pothole", "rare"],
    "flooding": ["beta", "shared", "other", "four", "every", "flood"],
    "garbage": ["gamma", "other", "four", "every", "pothole"],
    "noise": ["delta", "four", "every", "flood", "rare"],
    "security": ["omega", "every"],
}
QUERIES = ["alpha beta", "alpha shared", "shared other", "four every", "alpha four every", "shared rare",
           "gamma pothole", "pothole flood", "pothole four", "flood every", "rare four", "every",
           "beta gamma delta", "four other", "omega alpha", "rare", "a"]


@dataclass(frozen=True)
class Written:
    id: int
    category: str
    words: frozenset[str]
    hidden: bool
    me_too: int
    updated_at: datetime
    text: str


def add_reports(db: Session, count: int, rng: random.Random, make_text) -> list[Written]:
    """Reports and their token rows (as ``service.index_report`` writes them), inserted in bulk; what they say is
    returned for the reference."""
    now = utcnow()
    first = (db.exec(select(func.max(FeedbackReport.id))).one() or 0) + 1
    written = []
    for report_id in range(first, first + count):
        category = rng.choice(CATEGORIES)
        text = make_text(category)
        written.append(Written(report_id, category, frozenset(tokens(text)), rng.random() < 0.1, rng.randint(0, 3),
                               now - timedelta(minutes=rng.randint(0, 40)), text))
    db.connection().execute(insert(FeedbackReport.__table__), [  # type: ignore[attr-defined]
        {"id": r.id, "category_code": r.category, "agency_code": "so-gtvt", "title": r.text, "description": r.text,
         "public_title": r.text, "public_description": r.text, "search_folded": fold(r.text), "hidden": r.hidden,
         "me_too_count": r.me_too, "created_at": now, "updated_at": r.updated_at} for r in written])
    db.connection().execute(insert(FeedbackSearchToken.__table__), [  # type: ignore[attr-defined]
        {"token": word, "report_id": r.id, "category_code": r.category} for r in written for word in r.words])
    return written


def reference(written: list[Written], f: BoardFilters, sort: str) -> list[int]:
    """Every report a plan's branch accepts (its category, all its words), by brute force, in the board's order."""
    plan = board.plan_search(f.q, f.category)

    def matches(r: Written) -> bool:
        if r.hidden or (f.category and r.category != f.category):
            return False
        return not plan.branches or any((b.category in (None, r.category)) and set(b.words) <= r.words
                                        for b in plan.branches)

    key = {"newest": lambda r: -r.id, "oldest": lambda r: r.id, "updated": lambda r: (-r.updated_at.timestamp(), -r.id),
           "me_too": lambda r: (-r.me_too, -r.id)}[sort]
    return [r.id for r in sorted(filter(matches, written), key=key)]


def test_every_plan_finds_exactly_the_reports_a_brute_force_reading_finds_in_the_boards_order(db):
    rng = random.Random(22)
    written = add_reports(db, 260, rng, lambda category: " ".join(rng.sample(VOCABULARY[category], 2)))
    checked = 0
    for q in QUERIES:
        for category in (None, *CATEGORIES[:2]):
            for sort in board.SORTS:
                f = BoardFilters(q=q, category=category)
                expected = reference(written, f, sort)
                for page in (1, 2) if len(expected) > 4 else (1,):
                    got = board.list_reports(db, f, sort=sort, page=page, page_size=4)
                    assert [i.report_id for i in got.items] == expected[(page - 1) * 4:page * 4], (q, category, sort)
                    assert got.has_more == (len(expected) > page * 4), (q, category, sort, page)
                checked += bool(expected)
    assert checked > 100  # most combinations find something: the comparison is not of empty lists


def test_words_that_share_no_category_are_answered_without_reading_a_report(db):
    rng = random.Random(5)
    add_reports(db, 60, rng, lambda category: " ".join(VOCABULARY[category]))
    with sql_statements(db.get_bind()) as statements:
        page = board.list_reports(db, BoardFilters(q="alpha beta"))
    assert page.items == [] and not page.has_more
    assert not [s for s in statements if "feedback_report" in s], statements
    with sql_statements(db.get_bind()) as statements:  # the category filter is one of the words' categories only
        assert board.list_reports(db, BoardFilters(q="shared rare", category="flooding")).items == []
    assert not [s for s in statements if "feedback_report" in s], statements


@contextmanager
def sqlite_steps(db: Session) -> Iterator[list[int]]:
    """Virtual-machine steps SQLite runs in the block (in tens): the work of the queries, free of timing noise."""
    raw = db.connection().connection.dbapi_connection
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    raw.set_progress_handler(count, 10)
    try:
        yield steps
    finally:
        raw.set_progress_handler(None, 10)


@pytest.mark.parametrize("q", ["alpha beta", "alpha every", "every four"], ids=["no-shared-category",
                                                                             "rare-and-common", "both-common"])
def test_the_work_of_a_two_word_search_does_not_grow_with_how_common_its_words_are(db, q):
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("counts SQLite's virtual-machine steps")
    rng = random.Random(9)

    def text(category: str) -> str:
        return " ".join(VOCABULARY[category])

    add_reports(db, 150, rng, text)
    board.list_reports(db, BoardFilters(q=q))
    with sqlite_steps(db) as small:
        board.list_reports(db, BoardFilters(q=q))
    add_reports(db, 600, rng, text)
    board.list_reports(db, BoardFilters(q=q))
    with sqlite_steps(db) as large:
        board.list_reports(db, BoardFilters(q=q))
    assert large[0] <= small[0] * 1.3 + 50, (small, large)


def test_the_catalogues_keywords_are_folded_once(monkeypatch) -> None:
    """Issue 24: every board visit folded every keyword of the catalogue again (about 0.5 ms of CPU per visit);
    now only the query's own text is folded."""
    board.plan_search("ổ gà đường")  # the index of this catalogue is built
    folded: list[str] = []
    real_fold = board.fold
    monkeypatch.setattr(board, "fold", lambda text: folded.append(text) or real_fold(text))
    plan = board.plan_search("ổ gà đường")
    assert folded == ["ổ gà đường"]
    assert plan == board.plan_search("ổ gà đường") and plan.branches  # the keyword still finds its category
