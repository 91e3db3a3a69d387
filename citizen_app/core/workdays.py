"""The one working-day calendar: feedback answer deadlines and procedure processing times (SLA) count on it.

A working day is Monday to Friday in Vietnam local time, except the public holidays of the shared holiday
file (``core/holidays.py``), plus its make-up working days (a weekend day swapped for a bridge holiday).
There are no half days: a make-up Saturday is a whole working day, any other Saturday is none.

The pillars differ in when counting starts and when a due day ends, so those are parameters, never defaults
hidden in a caller:

- feedback counts from the day the report arrived, even a day off, and its deadline ends at 23:59:59;
- procedures count from the next working day when a dossier arrives on a day off (or after the 15:00
  cut-off, where the procedure sets one), and the appointment is 17:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from citizen_app.core.holidays import HOLIDAY_FILE, holidays
from citizen_app.core.timeutil import VN_TZ, to_local

END_OF_DAY = time(23, 59, 59)
_MAX_SCAN_DAYS = 3660


def at_local_time(day: date, at: time) -> datetime:
    """``at`` o'clock Vietnam time on ``day``, as aware UTC."""
    return datetime.combine(day, at, tzinfo=VN_TZ).astimezone(UTC)


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date]
    make_up_days: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for offset in range(1, _MAX_SCAN_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day found")

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself not counted; ``day`` when count <= 0)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open interval (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def first_day(self, received_utc: datetime, *, start_on_working_day: bool,
                  cutoff: time | None = None) -> date:
        """The local day counting starts from (itself not counted). With ``start_on_working_day`` an arrival on
        a day off waits for the next working day; an arrival at or after ``cutoff`` always does."""
        local = to_local(received_utc)
        day = local.date()
        late = cutoff is not None and local.time() >= cutoff
        if late or (start_on_working_day and not self.is_working_day(day)):
            return self.next_working_day(day)
        return day

    def deadline(self, received_utc: datetime, days: int, *, closes_at: time, start_on_working_day: bool,
                 cutoff: time | None = None) -> datetime:
        """``closes_at`` local time on the ``days``-th working day counted from ``first_day``, as aware UTC."""
        first = self.first_day(received_utc, start_on_working_day=start_on_working_day, cutoff=cutoff)
        return at_local_time(self.add_working_days(first, days), closes_at)


@lru_cache(maxsize=1)
def work_calendar(path: Path = HOLIDAY_FILE) -> WorkCalendar:
    days = holidays(path)
    return WorkCalendar(days.days_off(), days.make_up_days())
