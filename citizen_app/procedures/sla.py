"""The deadline (SLA) rules of procedures on the shared working-day calendar (``core/workdays.py``): the
15:00 cut-off, the 17:00 appointment, processing-time units and pauses.

Pure functions over a working-day calendar and a list of clock events replayed from the dossier history,
so the due date can always be recomputed from the append-only log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from citizen_app.core.timeutil import to_local
from citizen_app.core.workdays import WorkCalendar, at_local_time

CUTOFF = time(15, 0)
OFFICE_CLOSE = time(17, 0)


# --- counting ---------------------------------------------------------------------------------


def start_day(received_utc: datetime, cal: WorkCalendar, cutoff: bool) -> date:
    """The day counting starts: the next working day if received on a day off or after 15:00 (when set)."""
    return cal.first_day(received_utc, start_on_working_day=True, cutoff=CUTOFF if cutoff else None)


def due_day(first: date, value: int, unit: str, cal: WorkCalendar) -> date:
    if unit == "same_day":
        return first
    if unit == "working_days":
        return cal.add_working_days(first, value)
    day = first + timedelta(days=value)
    return day if cal.is_working_day(day) else cal.next_working_day(day)


def end_of_office_day(day: date) -> datetime:
    """Aware UTC for 17:00 Vietnam time on ``day`` (the appointment time on the receipt)."""
    return at_local_time(day, OFFICE_CLOSE)


def remaining_units(pause_utc: datetime, due_utc: datetime, unit: str, cal: WorkCalendar) -> int:
    pause_day, due = to_local(pause_utc).date(), to_local(due_utc).date()
    if unit == "working_days":
        return cal.working_days_between(pause_day, due)
    if unit == "calendar_days":
        return max((due - pause_day).days, 0)
    return 0


# --- replay -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockEvent:
    at: datetime  # aware UTC
    kind: str  # "start", "pause", "resume", "stop", "extend"
    new_due: datetime | None = None


@dataclass(frozen=True)
class SlaState:
    due_at: datetime | None
    running: bool
    paused: bool
    started_at: datetime | None
    extended: bool

    def overdue(self, now: datetime) -> bool:
        return self.running and self.due_at is not None and now > self.due_at


def _due_from(at: datetime, value: int, unit: str, cutoff: bool, cal: WorkCalendar) -> datetime:
    return end_of_office_day(due_day(start_day(at, cal, cutoff), value, unit, cal))


def compute_sla(time_spec: dict[str, Any], events: list[ClockEvent], cal: WorkCalendar) -> SlaState:
    """Replay clock events. ``time_spec`` is the procedure's ``processing_time``."""
    value, unit = time_spec["value"], time_spec["unit"]
    cutoff, mode = bool(time_spec.get("cutoff_15h")), time_spec.get("pause_mode", "resume")
    due: datetime | None = None
    running = paused = extended = False
    started: datetime | None = None
    left = 0
    for event in events:
        if event.kind == "start" and started is None:
            started, running, due = event.at, True, _due_from(event.at, value, unit, cutoff, cal)
        elif event.kind == "pause" and running:
            left = remaining_units(event.at, due, unit, cal) if due else 0
            running, paused = False, True
        elif event.kind == "resume" and paused:
            running, paused = True, False
            due = (_due_from(event.at, value, unit, cutoff, cal) if mode == "restart"
                   else _due_from(event.at, left, unit, cutoff, cal))
        elif event.kind == "extend" and running and event.new_due is not None:
            due, extended = event.new_due, True
        elif event.kind == "stop":
            running = paused = False
    return SlaState(due if (running or not paused) else None, running, paused, started, extended)
