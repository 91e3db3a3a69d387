"""Benchmark of the public feedback board at city scale.

Generates a corpus of N reports (default 1,000,000) with bulk inserts, then times the real service
code paths and prints p50/p95:

* public list with filters (category / status / ward / agency / date range, page 1 and 5),
* diacritic-insensitive search (1–2 words, with and without a filter),
* map bounding-box query (≈1–2 km boxes),
* Open311 ``GET requests.json`` of 1,000 requests (query + serialisation).

Usage::

    python benchmarks/feedback_board.py                 # 1,000,000 reports in /tmp/feedback_bench.sqlite
    python benchmarks/feedback_board.py --count 200000 --runs 100
    python benchmarks/feedback_board.py --reuse         # keep an existing corpus of the same size
    python benchmarks/feedback_board.py --smoke         # 2,000 reports, 5 runs, throw-away file: seconds (the suite)
    DATABASE_URL=postgresql+psycopg://user:pw@127.0.0.1/bench python benchmarks/feedback_board.py

Targets (2 cores): p95 <= 100 ms for list/search/map, <= 500 ms for the Open311 page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from citizen_app.core.db import make_engine  # noqa: E402
from citizen_app.core.timeutil import to_local  # noqa: E402
from citizen_app.feedback import board, open311  # noqa: E402
from citizen_app.feedback.catalog import load_catalog  # noqa: E402
from citizen_app.feedback.models import FeedbackReport, FeedbackSearchToken  # noqa: E402
from citizen_app.feedback.text import fold, tokens  # noqa: E402
from citizen_app.identity.models import Agency  # noqa: E402

CHUNK = 50_000
SMOKE_COUNT, SMOKE_RUNS = 2_000, 5
WARDS = ["Bến Thành", "Sài Gòn", "Tân Định", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc", "Chợ Quán", "An Đông",
         "Chợ Lớn", "Bình Tây", "Phú Lâm", "Bình Thạnh", "Gia Định", "Thạnh Mỹ Tây", "Thủ Đức", "Linh Xuân",
         "An Khánh", "Cát Lái", "Gò Vấp", "An Hội Tây", "Tân Sơn Nhất", "Tân Bình", "Bảy Hiền", "Phú Nhuận",
         "Cầu Kiệu", "Đức Nhuận", "Tân Phú", "Phú Thọ Hòa", "Bình Hưng Hòa", "An Lạc", "Tân Thuận", "Phú Mỹ",
         "Chánh Hưng", "Bình Đông", "Hiệp Bình", "Tam Bình", "Thủ Dầu Một", "Dĩ An", "Vũng Tàu", "Bà Rịa"]
STREETS = ["Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Cách Mạng Tháng Tám", "Điện Biên Phủ", "Võ Văn Tần",
           "Nguyễn Thị Minh Khai", "Trần Hưng Đạo", "Lý Thường Kiệt", "Phan Xích Long", "Xô Viết Nghệ Tĩnh",
           "Nguyễn Văn Linh", "Phạm Văn Đồng", "Kha Vạn Cân", "Lê Văn Sỹ", "Hoàng Văn Thụ", "Cộng Hòa",
           "Quang Trung", "Nguyễn Oanh", "Âu Cơ", "Lũy Bán Bích", "Tân Kỳ Tân Quý", "Kinh Dương Vương"]
COMMON = ["đề nghị cơ quan chức năng xử lý", "người dân rất bức xúc", "đã phản ánh nhiều lần", "gần trường học",
          "khu dân cư đông đúc", "vào giờ cao điểm", "mong sớm khắc phục", "gây nguy hiểm cho người đi đường"]


# --- corpus -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def category_phrases() -> dict[str, tuple[str, ...]]:
    """What a report of each (non-emergency) category says, in the catalogue's own words: the clauses of its
    name and description. A category added to the catalogue is in the corpus without an edit here."""
    phrases = {}
    for category in load_catalog().categories.values():
        if category.emergency:
            continue
        clauses = re.split(r"[,;:()]", f"{category.name_vi},{category.description_vi}")
        phrases[category.code] = tuple(dict.fromkeys(c.strip().lower() for c in clauses if c.strip()))
    return phrases


def _tables() -> list[Table]:
    names = ["agency", "user_account", "feedback_api_key", "feedback_report", "feedback_search_token",
             "feedback_update", "feedback_photo", "feedback_event"]  # a photo's foreign key names its update
    return [SQLModel.metadata.tables[n] for n in names]


def _fmt_dt(value: datetime, sqlite: bool) -> object:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value


def _report_rows(start: int, count: int, total: int, now: datetime, rng: random.Random,
                 sqlite: bool) -> Iterator[tuple[dict, set[str]]]:
    """Synthetic reports. Folding and tokenising are precomputed per phrase (same functions as the app)."""
    cat = load_catalog()
    by_category = category_phrases()
    codes = list(by_category)
    phrases = [*[p for ps in by_category.values() for p in ps], *COMMON, *STREETS, *WARDS, "trên đường",
               "Địa điểm: đường phường"]
    folded = {p: fold(p) for p in phrases}
    words = {p: set(tokens(p)) for p in phrases}
    routes: dict[tuple[str, str, str], str] = {}  # (category, ward, street) -> agency, as routing.json decides
    span = timedelta(days=365).total_seconds()
    for rid in range(start, start + count):
        code = rng.choice(codes)
        created = now - timedelta(seconds=span * (1 - rid / total))
        street, ward = rng.choice(STREETS), rng.choice(WARDS)
        parts = [rng.choice(by_category[code]), rng.choice(by_category[code]), rng.choice(COMMON)]
        title = f"{parts[0].capitalize()} trên đường {street}"
        description = f"{parts[0].capitalize()}, {parts[1]}, {parts[2]}. Địa điểm: đường {street}, phường {ward}."
        number = rng.randint(1, 400)
        address = f"{number} {street}"
        search = (f"{folded[parts[0]]} tren duong {folded[street]} {folded[parts[0]]}, {folded[parts[1]]}, "
                  f"{folded[parts[2]]}. dia diem: duong {folded[street]}, phuong {folded[ward]}. "
                  f"{number} {folded[street]} {folded[ward]}")
        report_words = (words[parts[0]] | words[parts[1]] | words[parts[2]] | words[street] | words[ward]
                        | words["trên đường"] | words["Địa điểm: đường phường"])
        if number >= 10:
            report_words.add(str(number))
        age_days = (now - created).days
        stage = ("closed" if age_days > 20 else rng.choice(["received", "triaged", "in_progress",
                                                             "awaiting_confirmation", "closed"]))
        outcome = rng.choice(["fixed", "fixed", "not_responsible", "no_action_possible"]) if stage in (
            "closed", "awaiting_confirmation") else None
        core = rng.random() < 0.9
        lat = rng.uniform(10.70, 10.88) if core else rng.uniform(10.40, 11.10)
        lon = rng.uniform(106.60, 106.80) if core else rng.uniform(106.45, 107.00)
        due = created + timedelta(days=7)
        answered = created + timedelta(hours=rng.uniform(2, 240)) if outcome else None
        route = (code, ward, street)
        if route not in routes:
            routes[route] = cat.routing.route(code, ward, address).agency
        row = {
            "id": rid, "category_code": code, "agency_code": routes[route], "title": title,
            "description": description, "public_title": title, "public_description": description,
            "search_folded": search, "lat": round(lat, 6), "lon": round(lon, 6), "address": address,
            "public_address": address, "ward": ward, "ward_key": folded[ward], "attributes_json": "{}",
            "hide_name": False, "contact_json": "{}", "channel": "web", "stage": stage, "outcome": outcome,
            "is_open": stage != "closed", "hidden": False, "priority": 1, "me_too_count": rng.randint(0, 5),
            "public_response": "Đã xử lý xong." if outcome else "", "created_at": _fmt_dt(created, sqlite),
            "updated_at": _fmt_dt(answered or created, sqlite), "due_at": _fmt_dt(due, sqlite),
            "expected_at": _fmt_dt(due, sqlite), "answered_at": _fmt_dt(answered, sqlite) if answered else None,
            "closed_at": _fmt_dt(answered, sqlite) if stage == "closed" and answered else None,
            "escalation_level": 0, "rating_reason": "", "needs_review": False, "team_code": "",
            "rating": rng.randint(1, 5) if stage == "closed" and rng.random() < 0.3 else None,
        }
        yield row, report_words


class Loader:
    """Bulk insert: one raw sqlite3 connection without journal, or PostgreSQL COPY."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        if self.sqlite:
            import sqlite3

            self.conn = sqlite3.connect(engine.url.database)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
                self.conn.execute(f"PRAGMA {pragma}")
        else:
            self.conn = engine.raw_connection()

    def insert(self, table: Table, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows)
        else:
            with self.conn.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def build_corpus(engine: Engine, total: int, seed: int = 7) -> None:
    tables = _tables()
    if engine.dialect.name == "sqlite" and engine.url.database:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):  # DROP TABLE would check every foreign key row by row
            Path(engine.url.database + suffix).unlink(missing_ok=True)
    else:
        SQLModel.metadata.drop_all(engine, tables=list(reversed(tables)))
    SQLModel.metadata.create_all(engine, tables=tables)
    sqlite = engine.dialect.name == "sqlite"
    report_indexes = [*FeedbackReport.__table__.indexes, *FeedbackSearchToken.__table__.indexes]
    with engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        for index in report_indexes:  # load first, index after: much faster
            index.drop(conn)
        agencies = json.loads((ROOT / "data" / "agencies.json").read_text(encoding="utf-8"))["agencies"]
        conn.execute(Agency.__table__.insert(), [{k: a[k] for k in ("code", "name_vi", "name_en", "kind", "ward",
                                                                  "parent_code")} for a in agencies])
    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    engine.dispose()
    loader = Loader(engine)
    for start in range(1, total + 1, CHUNK):
        count = min(CHUNK, total - start + 1)
        columns: list[str] = []
        reports: list[tuple] = []
        token_rows: list[tuple[str, int, str]] = []
        for row, words in _report_rows(start, count, total, now, rng, sqlite):
            columns = columns or list(row)
            reports.append(tuple(row.values()))
            token_rows.extend((w, row["id"], row["category_code"]) for w in words)
        loader.insert(FeedbackReport.__table__, columns, reports)
        token_rows.sort()
        loader.insert(FeedbackSearchToken.__table__, ["token", "report_id", "category_code"], token_rows)
        print(f"  loaded {start + count - 1:>9,} reports ({time.perf_counter() - started:5.0f} s)", flush=True)
    loader.close()
    with engine.begin() as conn:
        for index in report_indexes:
            index.create(conn)
        conn.exec_driver_sql("ANALYZE")
    print(f"  indexes + ANALYZE done ({time.perf_counter() - started:5.0f} s)", flush=True)


def corpus_size(engine: Engine) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT max(id) FROM feedback_report")).scalar() or 0)
    except Exception:  # table missing
        return 0


# --- timing -------------------------------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    fn()  # warm-up
    samples, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)], result


def scenarios(session: Session, rng: random.Random) -> dict[str, Callable[[], object]]:
    cat = load_catalog()
    codes = [c.code for c in cat.categories.values() if not c.emergency]
    agencies = sorted(cat.routing.targets())
    today = to_local(datetime.now(UTC)).date()

    def list_filtered() -> object:
        choice = rng.randrange(6)
        f = board.BoardFilters()
        if choice == 0:
            f.category = rng.choice(codes)
        elif choice == 1:
            f.category, f.status = rng.choice(codes), "open"
        elif choice == 2:
            f.ward = rng.choice(WARDS)
        elif choice == 3:
            f.agency, f.date_from = rng.choice(agencies), today - timedelta(days=30)
        elif choice == 4:
            f.category, f.ward = rng.choice(codes), rng.choice(WARDS)
        else:
            f.status, f.date_from, f.date_to = "closed", today - timedelta(days=200), today - timedelta(days=170)
        return board.list_reports(session, f, page=rng.choice([1, 1, 1, 5]), page_size=20)

    all_words = sorted({w for ps in category_phrases().values() for p in ps for w in p.split() if len(w) > 1})
    multi_word = [[p for p in ps if len(p.split()) > 1] for ps in category_phrases().values()]

    def search_query(kind: str) -> str:
        if kind == "one":
            query = rng.choice(all_words)
        elif kind == "together":  # two words of the same phrase: they co-occur in real reports
            phrase = rng.choice(rng.choice([ps for ps in multi_word if ps])).split()
            query = " ".join(rng.sample(phrase, 2))
        else:  # two unrelated words: often no report has both (worst case for the token walk)
            query = " ".join(rng.sample(all_words, 2))
        return fold(query) if rng.random() < 0.5 else query  # half typed without diacritics

    def search(kind: str) -> Callable[[], object]:
        def run() -> object:
            f = board.BoardFilters(q=search_query(kind), category=rng.choice(codes) if rng.random() < 0.3 else None)
            return board.list_reports(session, f, page_size=20)
        return run

    def map_box() -> object:
        lat, lon = rng.uniform(10.72, 10.86), rng.uniform(106.62, 106.78)
        half = rng.uniform(0.005, 0.01)
        f = board.BoardFilters(status="open") if rng.random() < 0.5 else None
        return board.map_reports(session, lat - half, lon - half, lat + half, lon + half, f)

    def open311_page() -> object:
        query = open311.parse_request_query({}, "vi")
        rows = open311.find_requests(session, query)
        return open311.render(open311.request_dicts(session, rows, "vi"), "service_requests", "json"), len(rows)

    return {"list (filters)": list_filtered, "search 1 word": search("one"),
            "search 2 words": search("together"), "search 2 unrelated": search("unrelated"),
            "map bbox": map_box, "open311 GET 1000": open311_page}


def run(url: str, total: int, runs: int, reuse: bool) -> None:
    engine = make_engine(url)
    print(f"database: {engine.url.render_as_string(hide_password=True)}  reports: {total:,}")
    if not (reuse and corpus_size(engine) == total):
        build_corpus(engine, total)
    targets = {"open311 GET 1000": 500.0}
    rng = random.Random(42)
    with Session(engine) as session:
        print(f"{'query':<20}{'p50 ms':>10}{'p95 ms':>10}{'target':>10}")
        for name, fn in scenarios(session, rng).items():
            p50, p95, result = timed(fn, max(runs // 5, 10) if name.startswith("open311") else runs)
            target = targets.get(name, 100.0)
            verdict = "ok" if p95 <= target else "SLOW"
            print(f"{name:<20}{p50:>10.1f}{p95:>10.1f}{target:>9.0f} {verdict}")
            session.rollback()
            if name.startswith("open311"):
                print(f"{'':<20}(last page held {result[1]} requests)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--count", dest="count_opt", type=int)
    parser.add_argument("--db", help="SQLite file (default /tmp/feedback_bench.sqlite; --smoke: a throw-away one)")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--reuse", action="store_true", help="keep an existing corpus of the same size")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_COUNT:,} reports, {SMOKE_RUNS} runs: "
                        "checks that every scenario still runs (its figures mean nothing)")
    args = parser.parse_args()
    total = args.count_opt or (SMOKE_COUNT if args.smoke else args.count)
    runs = args.runs or (SMOKE_RUNS if args.smoke else 100)
    if os.environ.get("DATABASE_URL") or args.db or not args.smoke:
        run(os.environ.get("DATABASE_URL") or f"sqlite:///{args.db or '/tmp/feedback_bench.sqlite'}", total, runs,
            args.reuse)
        return
    with tempfile.TemporaryDirectory(prefix="feedback-smoke-") as work:
        run(f"sqlite:///{work}/bench.sqlite", total, runs, args.reuse)


if __name__ == "__main__":
    main()
