"""Working-day arithmetic with Vietnamese public holidays (data/holidays/vn_holidays.json)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from citizen_app.core.timeutil import VN_TZ, to_local
from citizen_app.feedback.catalog import load_catalog


def is_working_day(day: date) -> bool:
    cat = load_catalog()
    if day in cat.extra_working_days:
        return True
    return day.weekday() < 5 and day not in cat.holidays


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (start itself not counted)."""
    current = start
    remaining = max(days, 0)
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def deadline_after(start_utc: datetime, days: int) -> datetime:
    """End of the local (UTC+7) working day ``days`` working days after ``start_utc``, as aware UTC."""
    due_day = add_working_days(to_local(start_utc).date(), days)
    return end_of_local_day(due_day)


def end_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=VN_TZ).astimezone(UTC)


def working_days_between(start: date, end: date) -> int:
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
