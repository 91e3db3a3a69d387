"""The one working-day calendar (core/workdays.py) and the two pillars' rules on it.

The feedback and procedures engines agreed on what a working day is; they differed in when counting starts
(an arrival on a day off, the 15:00 cut-off) and when a due day ends. Those are parameters now, and each
pillar keeps its own answer.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest

from citizen_app.core.workdays import END_OF_DAY, WorkCalendar, at_local_time, work_calendar
from citizen_app.feedback.workdays import deadline_after
from citizen_app.procedures.sla import CUTOFF, OFFICE_CLOSE, due_day, end_of_office_day, start_day

CAL = work_calendar()
SATURDAY = date(2025, 12, 6)
MAKE_UP_SATURDAY = date(2025, 4, 26)  # worked in exchange for the 30/4–1/5 bridge
TET = date(2026, 2, 17)


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """Vietnam local time (UTC+7), as aware UTC."""
    return at_local_time(date(y, m, d), time(hh, mm))


def test_working_days_are_weekdays_minus_holidays_plus_make_up_days() -> None:
    assert CAL.is_working_day(date(2025, 12, 5))  # Friday
    assert not CAL.is_working_day(SATURDAY) and not CAL.is_working_day(date(2025, 12, 7))
    assert CAL.is_working_day(MAKE_UP_SATURDAY)
    assert not CAL.is_working_day(TET) and not CAL.is_working_day(date(2025, 9, 2))
    assert {d.year for d in CAL.days_off} == {2025, 2026, 2027}


def test_no_half_days() -> None:
    # a Saturday counts nothing, a make-up Saturday counts a whole day
    assert CAL.working_days_between(date(2025, 12, 5), date(2025, 12, 8)) == 1  # Sat, Sun, Mon
    assert CAL.working_days_between(date(2025, 4, 25), date(2025, 4, 28)) == 2  # Sat (make-up), Sun, Mon


def test_add_and_count_working_days() -> None:
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)  # Fri before Tết -> Mon after
    assert CAL.add_working_days(date(2025, 11, 28), 2) == date(2025, 12, 2)
    assert CAL.add_working_days(SATURDAY, 0) == SATURDAY and CAL.add_working_days(SATURDAY, -3) == SATURDAY
    assert CAL.next_working_day(date(2025, 4, 25)) == MAKE_UP_SATURDAY
    assert CAL.working_days_between(date(2025, 12, 1), date(2025, 12, 1)) == 0
    assert CAL.working_days_between(date(2025, 12, 1), date(2025, 12, 2)) == 1  # (start, end]
    assert CAL.working_days_between(date(2025, 12, 2), date(2025, 12, 1)) == 0


def test_a_calendar_is_its_holiday_file(tmp_path) -> None:
    path = tmp_path / "vn_holidays.json"
    path.write_text(json.dumps({
        "holidays": [{"date": "2030-01-02", "name_vi": "Nghỉ", "name_en": "Day off"}],
        "extra_working_days": [{"date": "2030-01-05", "name_vi": "Làm bù", "name_en": "Make-up"}]}))
    own = work_calendar(path)
    assert own == WorkCalendar(frozenset({date(2030, 1, 2)}), frozenset({date(2030, 1, 5)}))
    assert own.add_working_days(date(2030, 1, 1), 3) == date(2030, 1, 5)  # Wed off, Thu, Fri, Sat (make-up)
    decade_off = frozenset(date.fromordinal(n) for n in range(date(2030, 1, 1).toordinal(),
                                                              date(2041, 1, 1).toordinal()))
    with pytest.raises(ValueError, match="no working day"):  # a broken file cannot loop forever
        WorkCalendar(decade_off, frozenset()).next_working_day(date(2030, 1, 1))


def test_an_arrival_on_a_day_off_where_the_engines_differed() -> None:
    saturday_morning = local(2025, 12, 6, 10)
    # feedback counts from the day the report arrived; procedures wait for the next working day
    assert CAL.first_day(saturday_morning, start_on_working_day=False) == SATURDAY
    assert CAL.first_day(saturday_morning, start_on_working_day=True) == date(2025, 12, 8)
    assert deadline_after(saturday_morning, 1) == at_local_time(date(2025, 12, 8), END_OF_DAY)  # Mon 23:59:59
    assert start_day(saturday_morning, CAL, cutoff=False) == date(2025, 12, 8)
    assert end_of_office_day(due_day(date(2025, 12, 8), 1, "working_days", CAL)) == local(2025, 12, 9, 17)
    # on a working day both count from that day
    thursday = local(2025, 12, 4, 10)
    assert CAL.first_day(thursday, start_on_working_day=False) == CAL.first_day(thursday, start_on_working_day=True)


def test_the_cut_off_is_a_procedures_rule() -> None:
    before, at = local(2025, 12, 4, 14, 59), local(2025, 12, 4, 15, 0)
    assert CAL.first_day(before, start_on_working_day=True, cutoff=CUTOFF) == date(2025, 12, 4)
    assert CAL.first_day(at, start_on_working_day=True, cutoff=CUTOFF) == date(2025, 12, 5)
    assert CAL.first_day(local(2025, 12, 5, 16), start_on_working_day=True, cutoff=CUTOFF) == date(2025, 12, 8)
    assert CAL.first_day(at, start_on_working_day=True) == date(2025, 12, 4)  # no cut-off set
    assert deadline_after(local(2025, 12, 4, 22), 1) == at_local_time(date(2025, 12, 5), END_OF_DAY)  # feedback: none


def test_the_day_is_the_local_day() -> None:
    # 18:00 UTC on Friday is 01:00 on Saturday in Vietnam
    friday_evening_utc = datetime(2025, 12, 5, 18, 0, tzinfo=UTC)
    assert CAL.first_day(friday_evening_utc, start_on_working_day=False) == SATURDAY
    assert CAL.first_day(friday_evening_utc, start_on_working_day=True) == date(2025, 12, 8)


def test_due_days_end_at_each_pillar_s_closing_time() -> None:
    thursday = local(2025, 11, 27, 10)
    feedback = CAL.deadline(thursday, 1, closes_at=END_OF_DAY, start_on_working_day=False)
    procedures = CAL.deadline(thursday, 1, closes_at=OFFICE_CLOSE, start_on_working_day=True, cutoff=CUTOFF)
    assert feedback == datetime(2025, 11, 28, 16, 59, 59, tzinfo=UTC) == deadline_after(thursday, 1)
    assert procedures == datetime(2025, 11, 28, 10, 0, tzinfo=UTC) == end_of_office_day(date(2025, 11, 28))
