import dataclasses
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.feedback import backoffice, board, service, views
from citizen_app.feedback.board import BoardFilters, BoardQuery
from tests.unit.feedback.fixtures import BEN_THANH, new_report, png_bytes


def ids(page) -> list[int]:
    return [i.report_id for i in page.items]


def test_search_ignores_diacritics_and_never_matches_masked_text(db, world):
    road = new_report(db, world.citizen)
    other = new_report(db, world.citizen, category_code="garbage", attributes={}, title="Rác tồn đọng ở hẻm",
                       description="Rác để nhiều ngày, liên hệ 0912345678")
    assert ids(board.list_reports(db, BoardFilters(q="duong"))) == [road.id]
    assert ids(board.list_reports(db, BoardFilters(q="ĐƯỜNG lê LOI"))) == [road.id]
    assert ids(board.list_reports(db, BoardFilters(q="rac hem"))) == [other.id]
    assert ids(board.list_reports(db, BoardFilters(q="0912345678"))) == []
    assert ids(board.list_reports(db, BoardFilters(q="duong rac"))) == []


def test_filters_sort_and_paging(db, world):
    reports = [new_report(db, world.citizen) for _ in range(5)]
    noise = new_report(db, world.citizen, category_code="noise", attributes={}, ward="Bàn Cờ")
    assert ids(board.list_reports(db, BoardFilters(category="noise"))) == [noise.id]
    assert ids(board.list_reports(db, BoardFilters(agency="ca-ban-co"))) == [noise.id]
    assert ids(board.list_reports(db, BoardFilters(ward="ban co"))) == [noise.id]
    backoffice.accept_report(db, world.official, reports[0].id)
    assert ids(board.list_reports(db, BoardFilters(stage="triaged"))) == [reports[0].id]
    backoffice.refuse_report(db, world.official, reports[1].id, "Không đủ thông tin để xử lý.")
    assert ids(board.list_reports(db, BoardFilters(status="closed"))) == [reports[1].id]
    page1 = board.list_reports(db, page=1, page_size=4)
    page2 = board.list_reports(db, page=2, page_size=4)
    assert page1.has_more and not page2.has_more and len(ids(page1) + ids(page2)) == 6
    assert ids(page1)[0] == noise.id
    assert ids(board.list_reports(db, sort="oldest", page_size=1)) == [reports[0].id]
    service.me_too(db, world.neighbour, reports[3].id)
    assert ids(board.list_reports(db, sort="me_too", page_size=1)) == [reports[3].id]
    today = to_local(utcnow()).date()
    assert len(ids(board.list_reports(db, BoardFilters(date_from=today, date_to=today)))) == 6
    assert ids(board.list_reports(db, BoardFilters(date_to=today - timedelta(days=1)))) == []
    for bad in (BoardFilters(status="maybe"), BoardFilters(stage="x"),
                BoardFilters(date_from=today, date_to=today - timedelta(days=1))):
        with pytest.raises(DomainError):
            board.list_reports(db, bad)
    with pytest.raises(DomainError):
        board.list_reports(db, sort="random")


def test_hidden_reports_are_not_listed(db, world):
    report = new_report(db, world.citizen)
    backoffice.refuse_report(db, world.official, report.id, "Nội dung xúc phạm, không đăng công khai.", hide=True)
    assert ids(board.list_reports(db)) == []
    assert board.map_reports(db, 10.7, 106.6, 10.8, 106.8)[0] == []


def test_map_bbox(db, world):
    inside = new_report(db, world.citizen)
    new_report(db, world.citizen, lat=10.85, lon=106.77)
    points, truncated = board.map_reports(db, BEN_THANH[0] - 0.01, BEN_THANH[1] - 0.01, BEN_THANH[0] + 0.01,
                                          BEN_THANH[1] + 0.01)
    assert [p.report_id for p in points] == [inside.id] and not truncated
    points, truncated = board.map_reports(db, 10.7, 106.6, 10.9, 106.8, limit=1)
    assert len(points) == 1 and truncated
    for box in ((10.8, 106.6, 10.7, 106.8), (9.0, 105.0, 11.0, 107.0), ("a", 1, 2, 3)):
        with pytest.raises(DomainError):
            board.map_reports(db, *box)


def test_public_view_shows_only_public_data(db, world):
    photo = service.upload_photo(db, world.citizen, png_bytes())
    report = new_report(db, world.citizen, photo_ids=[photo.id], hide_name=True,
                        description="Ổ gà, email tôi an@vnn.vn, CCCD 079201001234")
    view = board.get_public_report(db, report.id, lang="en")
    assert view.reporter_name is None and "an@vnn.vn" not in view.description and "079201001234" not in view.description
    assert view.photo_ids == (photo.id,) and view.category_name == "Damaged road, potholes"
    assert view.stage_label == "Received" and view.agency_name.startswith("HCMC")
    with pytest.raises(NotFound):
        board.get_public_report(db, "12345")


def test_photo_visibility(db, world):
    loose = service.upload_photo(db, world.citizen, png_bytes())
    assert board.photo_for_viewer(db, loose.id, world.citizen).id == loose.id
    with pytest.raises(NotFound):
        board.photo_for_viewer(db, loose.id, None)
    report = new_report(db, world.citizen, photo_ids=[loose.id])
    assert board.photo_for_viewer(db, loose.id, None).id == loose.id
    backoffice.refuse_report(db, world.official, report.id, "Ảnh có thông tin cá nhân, ẩn khỏi bảng.", hide=True)
    with pytest.raises(NotFound):
        board.photo_for_viewer(db, loose.id, world.neighbour)
    assert board.photo_for_viewer(db, loose.id, world.official).id == loose.id
    assert board.photo_for_viewer(db, loose.id, world.citizen).id == loose.id


def test_scorecard(db, world):
    fast = new_report(db, world.citizen)
    late = new_report(db, world.citizen)
    backoffice.accept_report(db, world.official, fast.id)
    after = service.upload_photo(db, world.official, png_bytes())
    backoffice.close_report(db, world.official, fast.id, "fixed", "Đã sửa xong mặt đường.", [after.id])
    service.confirm_resolution(db, world.citizen, fast.id)
    service.rate_report(db, world.citizen, fast.id, 5)
    late.due_at = utcnow() - timedelta(days=1)
    db.commit()
    rows = board.scorecard(db)
    assert len(rows) == 1
    row = rows[0]
    assert (row.agency_code, row.category_code, row.received, row.answered) == ("so-gtvt", "road_damage", 2, 1)
    assert row.on_time_pct == 50.0 and row.satisfaction == 5.0 and row.overdue_open == 1
    assert row.median_answer_hours is not None and row.median_answer_hours < 1
    assert board.scorecard_csv(rows).splitlines()[1].startswith("so-gtvt,road_damage,2,1,50.0")


def test_search_with_filters_paging_and_other_sorts(db, world):
    roads = [new_report(db, world.citizen) for _ in range(5)]
    noise = new_report(db, world.citizen, category_code="noise", attributes={}, title="Karaoke trên đường Lê Lợi",
                       description="Hát karaoke đến 1 giờ sáng", ward="Bàn Cờ")
    assert ids(board.list_reports(db, BoardFilters(q="le loi", category="noise"))) == [noise.id]
    assert ids(board.list_reports(db, BoardFilters(q="le loi", ward="Bàn Cờ"))) == [noise.id]
    assert ids(board.list_reports(db, BoardFilters(q="le loi", agency="so-gtvt"), page_size=10)) == \
        [r.id for r in reversed(roads)]
    backoffice.refuse_report(db, world.official, roads[4].id, "Nội dung không phù hợp để đăng.", hide=True)
    page1 = board.list_reports(db, BoardFilters(q="duong"), page_size=2)
    page3 = board.list_reports(db, BoardFilters(q="duong"), page=3, page_size=2)
    assert ids(page1) == [noise.id, roads[3].id] and page1.has_more
    assert ids(page3) == [roads[0].id] and not page3.has_more
    assert ids(board.list_reports(db, BoardFilters(q="duong", status="open"), sort="oldest", page_size=1)) == \
        [roads[0].id]
    assert ids(board.list_reports(db, BoardFilters(q="karaoke xyz"))) == []


def test_english_keywords_find_their_categorys_reports(db, world):
    road = new_report(db, world.citizen)  # road_damage: "Ổ gà lớn trên đường Lê Lợi"
    flood = new_report(db, world.citizen, category_code="flooding", attributes={}, title="Nước ngập tới gối",
                       description="Mưa xong là ngập cả con hẻm", address="Hẻm 5 Võ Văn Tần")
    said = new_report(db, world.citizen, category_code="garbage", attributes={}, title="Rác lấp pothole",
                      description="Rác đổ đầy một pothole cũ", address="Hẻm 9")
    assert ids(board.list_reports(db, BoardFilters(q="pothole"))) == [said.id, road.id]  # category, or the word
    assert ids(board.list_reports(db, BoardFilters(q="Flood"))) == [flood.id]
    assert ids(board.list_reports(db, BoardFilters(q="pothole le loi"))) == [road.id]
    assert ids(board.list_reports(db, BoardFilters(q="pothole", category="flooding"))) == []
    assert ids(board.list_reports(db, BoardFilters(q="pothole", category="road_damage"))) == [road.id]
    assert ids(board.list_reports(db, BoardFilters(q="ổ gà"))) == [road.id]
    assert ids(board.list_reports(db, BoardFilters(q="pothole flood"))) == []  # one report, one category
    page = board.list_reports(db, BoardFilters(q="pothole le loi"))
    assert page.keyword_categories == frozenset({"road_damage"}) and page.words == ("pothole", "le", "loi")
    paged = [ids(board.list_reports(db, BoardFilters(q="pothole"), page=n, page_size=1)) for n in (1, 2, 3)]
    assert paged == [[said.id], [road.id], []]


def test_results_highlight_the_words_found(db, world):
    new_report(db, world.citizen, title="Ổ gà lớn trên đường Lê Lợi")
    assert board.highlight("Ổ gà lớn trên đường Lê Lợi", ("le", "loi")) == [
        ("Ổ gà lớn trên đường ", False), ("Lê Lợi", True)]
    assert board.highlight("ĐƯỜNG hư, đường-sắt", ("duong",)) == [
        ("ĐƯỜNG", True), (" hư, ", False), ("đường", True), ("-sắt", False)]
    assert board.highlight("Không có gì", ()) == [("Không có gì", False)]
    row = views.board_rows(board.list_reports(db, BoardFilters(q="pothole LOI")))[0]
    assert [(p.text, p.hit) for p in row.title_parts] == [("Ổ gà lớn trên đường Lê ", False), ("Lợi", True)]
    assert row.category_hit and row.category_en == "Damaged road, potholes"
    plain = views.board_rows(board.list_reports(db))[0]
    assert not plain.category_hit and [p.hit for p in plain.title_parts] == [False]


def test_the_board_query_round_trips_through_its_url():
    query = BoardQuery.from_params({"q": " pothole Lê Lợi ", "category": "road_damage", "status": "overdue",
                                    "ward": "Bàn Cờ", "agency": "so-gtvt", "from": "2026-01-01", "to": "2026-01-31",
                                    "sort": "oldest", "page": "3", "unknown": "x"})
    url = query.url()
    assert url == ("/feedback?q=pothole+L%C3%AA+L%E1%BB%A3i&category=road_damage&status=overdue"
                   "&ward=B%C3%A0n+C%E1%BB%9D&agency=so-gtvt&from=2026-01-01&to=2026-01-31&sort=oldest&page=3")
    again = BoardQuery.from_params({k: v for k, v in parse_qs(urlsplit(url).query).items()})  # lists, as Reflex's
    assert again == query and again.url() == url
    assert query.filters.date_from.isoformat() == "2026-01-01" and query.page == 3
    assert BoardQuery().url() == "/feedback" and BoardQuery.from_params({}).url() == "/feedback"
    assert query.at_page(1).url().endswith("sort=oldest")
    for bad in ({"status": "maybe"}, {"sort": "random"}, {"from": "31/12/2026"}, {"to": "2026-13-01"}):
        with pytest.raises(DomainError):
            BoardQuery.from_params(bad)
    assert BoardQuery.from_params({"page": "-2"}).page == 1 and BoardQuery.from_params({"page": "0"}).page == 1


def test_statuses_come_from_the_state_file(db, world):
    new, working, answered, fixed, refused, late = (new_report(db, world.citizen) for _ in range(6))
    backoffice.accept_report(db, world.official, working.id)
    for report in (answered, fixed):
        backoffice.accept_report(db, world.official, report.id)
        after = service.upload_photo(db, world.official, png_bytes(), kind="after")
        backoffice.close_report(db, world.official, report.id, "fixed", "Đã vá xong mặt đường.", [after.id])
    service.confirm_resolution(db, world.citizen, fixed.id)
    backoffice.refuse_report(db, world.official, refused.id, "Trùng với phản ánh đã có trước đó.")
    late.due_at = utcnow() - timedelta(hours=1)
    answered.due_at = utcnow() - timedelta(hours=1)  # waiting for the reporter: not the agency's delay
    db.commit()

    def found(status: str) -> set[int]:
        return set(ids(board.list_reports(db, BoardFilters(status=status))))

    assert found("new") == {new.id, late.id}
    assert found("in_progress") == {working.id}
    assert found("awaiting") == {answered.id}
    assert found("fixed") == {fixed.id}
    assert found("not_fixed") == {refused.id}
    assert found("overdue") == {late.id}
    assert found("open") == {new.id, working.id, answered.id, late.id}
    assert found("closed") == {fixed.id, refused.id}


def test_suggestions_complete_keywords_from_the_catalogue():
    assert board.suggest("poth") == [board.Suggestion("pothole", "pothole", "road_damage")]
    assert [s.query for s in board.suggest("Lê Lợi poth")] == ["Lê Lợi pothole"]
    assert "ổ gà" in [s.query for s in board.suggest("o g")]
    assert [s.category_code for s in board.suggest("ngap")] == ["flooding"]
    assert board.suggest("fir") == []  # emergencies are not reported here
    assert board.suggest("pothole ") == [] and board.suggest("p") == [] and board.suggest("") == []


def _orm_rows(db, f: BoardFilters, sort: str, page: int, page_size: int) -> tuple[list[tuple], bool]:
    """The board's rows as the general path builds them (ORM conditions per call): the reference for the
    prebuilt statements of a board without search words."""
    from sqlmodel import col

    low, high = board._id_range(db, f)
    conds = board._conditions(f) + [col(board.R.id).between(low, high)]
    query = board._branch_query(db, board.Branch(f.category, ()), conds, sort)
    rows = db.exec(query.offset((page - 1) * page_size).limit(page_size + 1)).all()
    return [tuple(row[:12]) for row in rows[:page_size]], len(rows) > page_size


def test_the_prebuilt_board_lists_what_the_general_query_lists(db, world):
    """Issue 24, sixth round: without search words the board runs one prebuilt Core statement per shape of filters;
    for every filter, sort and page it lists the same rows, in the same order and paging, as the general query."""
    reports = [new_report(db, world.citizen) for _ in range(4)]
    reports += [new_report(db, world.citizen, category_code="noise", attributes={}, ward="Bàn Cờ") for _ in range(3)]
    backoffice.accept_report(db, world.official, reports[0].id)
    backoffice.refuse_report(db, world.official, reports[1].id, "Không đủ thông tin để xử lý.")
    backoffice.refuse_report(db, world.official, reports[2].id, "Nội dung xúc phạm, không đăng công khai.", hide=True)
    service.me_too(db, world.neighbour, reports[5].id)
    reports[3].due_at = utcnow() - timedelta(hours=1)
    for age, report in enumerate(reversed(reports)):  # older ids, older dates (ids follow creation time)
        report.created_at = utcnow() - timedelta(days=2 * age)
    db.commit()
    today = to_local(utcnow()).date()
    filters = [BoardFilters(), BoardFilters(category="noise"), BoardFilters(agency="ca-ban-co"),
               BoardFilters(ward="ban co"), BoardFilters(stage="triaged"),
               BoardFilters(category="noise", ward="ban co"),
               BoardFilters(date_from=today - timedelta(days=5)), BoardFilters(date_to=today - timedelta(days=3)),
               BoardFilters(date_from=today - timedelta(days=9), date_to=today - timedelta(days=2), category="noise")]
    filters += [BoardFilters(status=status) for status in board.STATUSES + board.LEGACY_STATUSES]
    compared = 0
    for f in filters:
        for sort in board.SORTS:
            for page in (1, 2, 3):
                listed = board.list_reports(db, f, sort=sort, page=page, page_size=2)
                expected, more = _orm_rows(db, f, sort, page, 2)
                assert [dataclasses.astuple(item)[:12] for item in listed.items] == expected, (f, sort, page)
                assert listed.has_more == more
                compared += len(expected)
    assert compared > 100
    assert ids(board.list_reports(db, BoardFilters(status="overdue"))) == [reports[3].id]
    assert reports[2].id not in ids(board.list_reports(db, page_size=50))


def test_dates_are_shown_as_before():
    """The list's dates (``format_date``, without strftime since issue 24's sixth round) read as strftime wrote them,
    in local time (UTC+7) on either side of midnight."""
    from datetime import UTC, datetime

    from citizen_app.core.timeutil import format_date

    for value in (datetime(2026, 12, 6, 16, 59, tzinfo=UTC), datetime(2026, 12, 6, 17, 0, tzinfo=UTC),
                  datetime(2025, 1, 1, 3, 4), datetime(1999, 12, 31, 17, 0, tzinfo=UTC)):
        assert format_date(value) == to_local(value).strftime("%d/%m/%Y")
    assert format_date(datetime(2026, 12, 6, 17, 0, tzinfo=UTC)) == "07/12/2026"


def test_the_boards_agency_menu_is_read_again_within_its_bound(db, world):
    """The board's agency menu is held per worker for ``AGENCY_MENU_SECONDS`` (other workers cannot tell this one
    that an agency was renamed): within the bound it may show the old name, after it the new one, and each
    database has its own."""
    from sqlmodel import select

    from citizen_app.identity.models import Agency

    now = [1000.0]

    def menu() -> dict[str, str]:
        return {row["value"]: row["label_en"] for row in views.board_agency_options(db, clock=lambda: now[0])}

    assert menu() == {row["value"]: row["label_en"] for row in views.agency_options(db)}
    agency = db.exec(select(Agency).where(Agency.code == "so-gtvt")).one()
    old_name, agency.name_en = agency.name_en, "Department of Construction (renamed)"
    db.commit()
    now[0] += views.AGENCY_MENU_SECONDS - 1
    assert menu()["so-gtvt"] == old_name
    now[0] += 1
    assert menu()["so-gtvt"] == "Department of Construction (renamed)"
    now[0] -= 5  # a clock that went back: read again
    assert menu()["so-gtvt"] == "Department of Construction (renamed)"
    rows = views.board_agency_options(db, clock=lambda: now[0])
    rows[0]["label_en"] = "changed by a caller"
    assert views.board_agency_options(db, clock=lambda: now[0])[0]["label_en"] != "changed by a caller"
