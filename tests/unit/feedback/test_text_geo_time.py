from datetime import UTC, date, datetime

import pytest

from citizen_app.core.workdays import work_calendar
from citizen_app.feedback.catalog import load_catalog
from citizen_app.feedback.geo import distance_m, in_polygons
from citizen_app.feedback.text import MASK, fold, mask_personal, tokens
from citizen_app.feedback.workdays import deadline_after


def test_fold_removes_vietnamese_diacritics():
    assert fold("Đường Lê Lợi, QUẬN Một, Thủ Đức") == "duong le loi, quan mot, thu duc"
    assert tokens("Đường đường ĐƯỜNG ổ gà!") == ["duong", "ga"]


@pytest.mark.parametrize("text", ["0901234567", "090 123 4567", "0901.234.567", "+84 901 234 567", "+84901234567",
                                  "028 3822 1234"])
def test_phone_numbers_are_masked(text):
    assert mask_personal(f"Liên hệ {text} nhé") == f"Liên hệ {MASK} nhé"


def test_ids_emails_and_plates_are_masked_but_ordinary_numbers_stay():
    text = "CCCD 079201001234, email an.nguyen@example.vn, xe 51F-123.45, nhà số 12 hẻm 34/5, 20cm"
    masked = mask_personal(text)
    assert "079201001234" not in masked and "example.vn" not in masked and "51F" not in masked
    assert "số 12 hẻm 34/5, 20cm" in masked


def test_city_outline():
    polygons = load_catalog().polygons
    assert in_polygons(10.7725, 106.698, polygons)  # Bến Thành
    assert in_polygons(10.98, 106.65, polygons)  # Thủ Dầu Một (merged 2025)
    assert in_polygons(10.35, 107.08, polygons)  # Vũng Tàu (merged 2025)
    assert in_polygons(8.68, 106.60, polygons)  # Côn Đảo
    assert not in_polygons(21.03, 105.85, polygons)  # Hà Nội
    assert not in_polygons(10.03, 105.78, polygons)  # Cần Thơ
    assert not in_polygons(10.53, 106.41, polygons)  # Tân An (Tây Ninh)


def test_distance():
    assert 240 < distance_m(10.7725, 106.698, 10.7747, 106.698) < 250


def test_working_days_skip_weekends_and_holidays():
    cal = work_calendar()  # the board's deadlines count on the shared calendar
    assert not cal.is_working_day(date(2026, 2, 17))  # Tết
    assert not cal.is_working_day(date(2025, 9, 2))
    assert cal.is_working_day(date(2025, 4, 26))  # make-up Saturday
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)  # Fri before Tết -> Mon after
    assert cal.add_working_days(date(2025, 11, 28), 2) == date(2025, 12, 2)  # Fri + 2 -> Tue


def test_deadline_is_end_of_local_day_in_utc():
    due = deadline_after(datetime(2025, 11, 27, 3, 0, tzinfo=UTC), 1)  # Thu 10:00 local
    assert due == datetime(2025, 11, 28, 16, 59, 59, tzinfo=UTC)  # Fri 23:59:59 local


def test_holiday_file_covers_2025_to_2027():
    years = {d.year for d in work_calendar().days_off}
    assert years == {2025, 2026, 2027}
