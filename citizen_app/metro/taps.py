"""Recording an admitted tap exactly once, for online scans and offline uploads alike: a conditional update
of the ticket's journey state on its ``version``, the tap row and the journey it opens or closes.

Nothing here decides whether a tap may happen (``gate.decide_tap`` online, the sync rules offline) or commits
(the caller's ``session_scope()`` does).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from citizen_app.core.timeutil import from_unix, to_unix, utcnow
from citizen_app.metro.gate import IN, JourneyState, TapOutcome
from citizen_app.metro.models import MetroJourney, MetroTap, MetroTicket

MAX_TRIES = 8  # a tap that keeps losing races this often is refused as "busy"

# The gate's hot path: statements built once with bind parameters, so each scan skips SQLAlchemy's
# per-statement construction and cache-key work (most of a decision's cost on SQLite).
_NO_SYNC = {"synchronize_session": False}
_SCAN_SEEN = select(MetroTap.id).where(col(MetroTap.scan_id) == bindparam("scan_id"))
_TAP_WIN = (update(MetroTicket)
            .where(col(MetroTicket.id) == bindparam("tid"), col(MetroTicket.version) == bindparam("old_version"))
            .values(phase=bindparam("phase"), entry_station=bindparam("entry_station"),
                    entry_at=bindparam("entry_at"), last_tap_at=bindparam("at"), version=bindparam("new_version"))
            .execution_options(**_NO_SYNC))
_TAP_INSERT = insert(MetroTap).values(
    ticket_id=bindparam("tid"), seq=bindparam("seq"), direction=bindparam("direction"), station=bindparam("station"),
    gate_id=bindparam("gate_id"), at=bindparam("at"), scan_id=bindparam("scan_id"), source=bindparam("source"),
    conflict=bindparam("conflict"), recorded_at=bindparam("recorded_at"))
_OPEN_JOURNEY = (col(MetroJourney.ticket_id) == bindparam("tid"), col(MetroJourney.status) == "open")
_JOURNEY_ABANDON = update(MetroJourney).where(*_OPEN_JOURNEY).values(status="incomplete").execution_options(**_NO_SYNC)
_JOURNEY_CLOSE = (update(MetroJourney).where(*_OPEN_JOURNEY)
                  .values(exit_station=bindparam("station"), exit_at=bindparam("at"), status="completed")
                  .execution_options(**_NO_SYNC))
_JOURNEY_INSERT = insert(MetroJourney).values(
    ticket_id=bindparam("tid"), user_id=bindparam("user_id"), entry_station=bindparam("entry_station"),
    entry_at=bindparam("entry_at"), exit_station=bindparam("exit_station"), exit_at=bindparam("exit_at"),
    status=bindparam("status"), source=bindparam("source"))


def journey_state(row: MetroTicket) -> JourneyState:
    return JourneyState(row.phase, row.entry_station, to_unix(row.entry_at) if row.entry_at else None,
                        to_unix(row.last_tap_at) if row.last_tap_at else None, row.version)


def scan_seen(db: Session, scan_id: str | None) -> bool:
    """A tap with this scan id is already recorded (a gate's retry or a re-sent upload)."""
    if not scan_id:
        return False
    return db.connection().execute(_SCAN_SEEN, {"scan_id": scan_id}).first() is not None


def apply_tap(db: Session, row: MetroTicket, outcome: TapOutcome, direction: str, station: str, at: datetime, *,
              gate_id: str, scan_id: str | None, source: str, conflict: str = "") -> bool:
    """Conditional update on ``version``: True if this transaction won the tap, False if another one did (then
    nothing was written, and the caller re-reads the row before it tries again).

    Core statements (no ORM unit of work) keep the gate path short.
    """
    new, seq = outcome.state, row.version + 1
    conn = db.connection()  # Core connection: skips the ORM execution layer on the hot path
    result = conn.execute(_TAP_WIN, {"tid": row.id, "old_version": seq - 1, "phase": new.phase,
                                   "entry_station": new.entry_station,
                                   "entry_at": from_unix(new.entry_at) if new.entry_at else None, "at": at,
                                   "new_version": seq})
    if result.rowcount != 1:
        return False
    conn.execute(_TAP_INSERT, {"tid": row.id, "seq": seq, "direction": direction, "station": station,
                             "gate_id": gate_id, "at": at, "scan_id": scan_id, "source": source,
                             "conflict": conflict, "recorded_at": utcnow()})
    _record_journey(db, row, direction, station, at, source)
    db.expire(row)  # Core statements bypassed the identity map
    return True


def _record_journey(db: Session, row: MetroTicket, direction: str, station: str, at: datetime, source: str) -> None:
    journey = {"tid": row.id, "user_id": row.user_id, "source": source, "entry_station": None, "entry_at": None,
               "exit_station": None, "exit_at": None}
    conn = db.connection()
    if direction == IN:
        conn.execute(_JOURNEY_ABANDON, {"tid": row.id})
        conn.execute(_JOURNEY_INSERT, {**journey, "entry_station": station, "entry_at": at, "status": "open"})
        return
    closed = conn.execute(_JOURNEY_CLOSE, {"tid": row.id, "station": station, "at": at})
    if closed.rowcount == 0:
        conn.execute(_JOURNEY_INSERT, {**journey, "exit_station": station, "exit_at": at, "status": "incomplete"})
