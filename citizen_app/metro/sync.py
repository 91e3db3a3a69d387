"""Offline gates upload the taps they admitted; the server applies them with the conflict rules below (also
in docs/metro.md) and never commits: the caller's ``session_scope()`` is the upload's one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import from_unix, utcnow
from citizen_app.metro.catalog import MetroData, data
from citizen_app.metro.conflicts import record_conflicts
from citizen_app.metro.gate import IN, OUT, PHASE_DONE, PHASE_IDLE, PHASE_IN, JourneyState, TapOutcome
from citizen_app.metro.models import MetroGate, MetroTap, MetroTicket
from citizen_app.metro.taps import MAX_TRIES, apply_tap, journey_state, scan_seen

MAX_EVENTS = 5000


@dataclass(frozen=True)
class SyncItem:
    scan_id: str
    status: str  # "applied", "duplicate", "late", "invalid", "unknown_ticket"
    conflict: str = ""


def _sync_outcome(metro: MetroData, row: MetroTicket, state: JourneyState, direction: str, station: str,
                  at: int) -> tuple[TapOutcome, str]:
    """Offline conflict rules: the gate already let the rider through, so the tap always counts;
    the server reconciles state and flags what the online rules would have refused."""
    single = metro.products[row.product_id].kind == "single"
    if direction == IN:
        conflict = {PHASE_IN: "passback", PHASE_DONE: "ticket_used"}.get(state.phase, "")
        new = JourneyState(PHASE_IN, station, at, at, state.version + 1)
        return TapOutcome(new, closed_incomplete=state.phase == PHASE_IN), conflict
    conflict = "" if state.phase == PHASE_IN else "no_entry"
    new = JourneyState(PHASE_DONE if single else PHASE_IDLE, None, None, at, state.version + 1)
    return TapOutcome(new), conflict


def _own_scan_id(gate: MetroGate, raw: str) -> str:
    """Scan ids are namespaced per gate (as the validate route does), so one gate cannot pre-empt another's."""
    return raw if raw.startswith(f"{gate.id}:") else f"{gate.id}:{raw}"[:96]


def _sync_one(db: Session, gate: MetroGate, event: dict) -> SyncItem:
    metro = data()
    scan_id = str(event.get("scan_id") or "")[:96]
    direction, station, tid = event.get("direction"), event.get("station"), str(event.get("tid") or "")
    at_raw = event.get("at")
    if (not scan_id or direction not in (IN, OUT) or metro.station(str(station)) is None
            or not isinstance(at_raw, int) or len(tid) != 24):
        return SyncItem(scan_id, "invalid")
    if station != gate.station:  # a gate's token vouches only for taps at its own station
        return SyncItem(scan_id, "invalid", "wrong_station")
    if scan_seen(db, _own_scan_id(gate, scan_id)):
        return SyncItem(scan_id, "duplicate")
    at = from_unix(at_raw)
    for _try in range(MAX_TRIES):
        row = db.get(MetroTicket, tid, populate_existing=True)
        if row is None:
            return SyncItem(scan_id, "unknown_ticket")
        conflict = "revoked" if row.status != "active" else ""
        if row.last_tap_at is not None and at < row.last_tap_at:
            db.add(MetroTap(ticket_id=row.id, seq=None, direction=direction, station=station, gate_id=gate.id, at=at,
                            scan_id=_own_scan_id(gate, scan_id), source="offline", conflict="late"))
            record_conflicts(db, row)
            return SyncItem(scan_id, "late", "late")
        outcome, rule_conflict = _sync_outcome(metro, row, journey_state(row), direction, str(station), at_raw)
        if apply_tap(db, row, outcome, direction, str(station), at, gate_id=gate.id,
                     scan_id=_own_scan_id(gate, scan_id), source="offline", conflict=conflict or rule_conflict):
            record_conflicts(db, row)
            return SyncItem(scan_id, "applied", conflict or rule_conflict)
    raise DomainError("metro.error.busy")


def sync_offline_taps(db: Session, gate: MetroGate, events: list[dict], now: datetime | None = None) -> list[SyncItem]:
    """Upload an offline gate's admitted taps. Conflict rules (also in docs/metro.md):

    1. ``scan_id`` makes upload idempotent: a re-sent event is reported "duplicate" and changes nothing.
    2. Events are applied in time order. An event older than the ticket's last known tap is kept as
       history only ("late"); it never rewinds state.
    3. The gate's admission stands (the rider is through): state follows the tap, and what the online
       rules would have refused is flagged on the tap (``passback``, ``ticket_used``, ``no_entry``,
       ``revoked``) for revenue-protection review. An open journey overtaken by a new entry is closed
       "incomplete"; an exit without entry becomes an "incomplete" journey.
    4. The ticket's history is replayed with the journey rules (``conflicts.record_conflicts``): a second use
       (the same ticket through two offline gates) or a tap after a revocation becomes a conflict for the
       operator, charged by ``metro.json → offline_conflicts``.
    """
    if len(events) > MAX_EVENTS:
        raise DomainError("metro.error.sync_too_large")
    ordered = sorted(events, key=lambda e: (e.get("at") if isinstance(e.get("at"), int) else 0))
    results = [_sync_one(db, gate, event) for event in ordered]
    gate_row = db.get(MetroGate, gate.id)
    if gate_row is not None:
        gate_row.last_sync_at = now or utcnow()
        db.add(gate_row)
    return results
