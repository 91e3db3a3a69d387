"""The board's deadline rules on the shared working-day calendar (``core/workdays.py``): counting starts on
the day a report arrived, even a day off, and a deadline ends at 23:59:59 Vietnam time."""

from __future__ import annotations

from datetime import date, datetime

from citizen_app.core.workdays import END_OF_DAY, at_local_time, work_calendar


def deadline_after(start_utc: datetime, days: int) -> datetime:
    """End of the local (UTC+7) working day ``days`` working days after ``start_utc``, as aware UTC."""
    return work_calendar().deadline(start_utc, days, closes_at=END_OF_DAY, start_on_working_day=False)


def end_of_local_day(day: date) -> datetime:
    return at_local_time(day, END_OF_DAY)
