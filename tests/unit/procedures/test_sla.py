from __future__ import annotations

from datetime import UTC, date, datetime

from citizen_app.core.timeutil import to_local
from citizen_app.core.workdays import work_calendar
from citizen_app.procedures.sla import ClockEvent, compute_sla, start_day

CAL = work_calendar()


def vn(y, m, d, hh=9, mm=0) -> datetime:
    """Vietnam local time as aware UTC."""
    return datetime(y, m, d, hh - 7, mm, tzinfo=UTC) if hh >= 7 else datetime(y, m, d - 1, hh + 17, mm, tzinfo=UTC)


def due(spec, *events) -> str:
    state = compute_sla(spec, list(events), CAL)
    return to_local(state.due_at).strftime("%d/%m/%Y %H:%M") if state.due_at else "-"


WD3 = {"value": 3, "unit": "working_days", "cutoff_15h": False, "pause_mode": "resume"}


def test_weekend_skipped():
    # Thursday 4 Dec 2025 + 3 working days -> Tuesday 9 Dec
    assert due(WD3, ClockEvent(vn(2025, 12, 4), "start")) == "09/12/2025 17:00"


def test_cutoff_moves_start_to_next_working_day():
    same_day = {"value": 0, "unit": "same_day", "cutoff_15h": True, "pause_mode": "restart"}
    assert due(same_day, ClockEvent(vn(2025, 12, 4, 14, 59), "start")) == "04/12/2025 17:00"
    assert due(same_day, ClockEvent(vn(2025, 12, 4, 15, 0), "start")) == "05/12/2025 17:00"
    assert due(same_day, ClockEvent(vn(2025, 12, 5, 16, 0), "start")) == "08/12/2025 17:00"  # Fri -> Mon
    no_cutoff = dict(same_day, cutoff_15h=False)
    assert due(no_cutoff, ClockEvent(vn(2025, 12, 4, 16, 0), "start")) == "04/12/2025 17:00"


def test_tet_holidays_skipped():
    # Friday 13 Feb 2026 + 3 working days: Tết 16–20 Feb off -> 25 Feb
    assert due(WD3, ClockEvent(vn(2026, 2, 13), "start")) == "25/02/2026 17:00"
    assert not CAL.is_working_day(date(2026, 2, 17))


def test_make_up_saturday_counts_and_received_on_sunday():
    assert CAL.is_working_day(date(2025, 4, 26))
    assert start_day(vn(2025, 12, 7), CAL, cutoff=False) == date(2025, 12, 8)  # Sunday -> Monday
    # Thu 24 Apr 2025 + 3: Fri 25, Sat 26 (make-up), Mon 28
    assert due(WD3, ClockEvent(vn(2025, 4, 24), "start")) == "28/04/2025 17:00"


def test_pause_resume_keeps_remaining_days():
    start = ClockEvent(vn(2025, 12, 1), "start")  # Mon -> due Thu 4 Dec
    pause = ClockEvent(vn(2025, 12, 2), "pause")  # Tue: 2 days left (Wed, Thu)
    resume = ClockEvent(vn(2025, 12, 10), "resume")  # Wed 10 -> Fri 12
    assert compute_sla(WD3, [start, pause], CAL).due_at is None
    assert compute_sla(WD3, [start, pause], CAL).paused
    assert due(WD3, start, pause, resume) == "12/12/2025 17:00"


def test_pause_restart_counts_from_zero():
    restart = dict(WD3, pause_mode="restart")
    events = [ClockEvent(vn(2025, 12, 1), "start"), ClockEvent(vn(2025, 12, 2), "pause"),
              ClockEvent(vn(2025, 12, 10), "resume")]
    assert due(restart, *events) == "15/12/2025 17:00"


def test_overdue_and_extension():
    start = ClockEvent(vn(2025, 12, 1), "start")
    state = compute_sla(WD3, [start], CAL)
    assert not state.overdue(vn(2025, 12, 4, 16, 59)) and state.overdue(vn(2025, 12, 4, 17, 1))
    extended = compute_sla(WD3, [start, ClockEvent(vn(2025, 12, 5), "extend", vn(2025, 12, 9, 17))], CAL)
    assert extended.extended and not extended.overdue(vn(2025, 12, 8))
    stopped = compute_sla(WD3, [start, ClockEvent(vn(2025, 12, 2), "stop")], CAL)
    assert not stopped.overdue(vn(2026, 1, 1))


def test_calendar_days_land_on_working_day():
    spec = {"value": 15, "unit": "calendar_days", "cutoff_15h": False, "pause_mode": "resume"}
    # Wed 26 Nov 2025 + 15 days = Thu 11 Dec
    assert due(spec, ClockEvent(vn(2025, 11, 26), "start")) == "11/12/2025 17:00"
    # Mon 24 Nov + 12 = Sat 6 Dec -> Mon 8 Dec
    spec12 = dict(spec, value=12)
    assert due(spec12, ClockEvent(vn(2025, 11, 24), "start")) == "08/12/2025 17:00"
