"""The gates' side of the server: where a scan is recorded (a registered gate's own station, or the station staff
chose), and the online decision that turns a scan into a tap. Registering and authenticating gates is
``devices.py``'s.

The decision itself is ``gate.py``'s (pure, shared with offline gates); this module adds what only the server
knows: the ticket's row, its current phone, the denylist and the journey state, and it records the tap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from citizen_app.core.errors import NotFound
from citizen_app.core.timeutil import to_unix, utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.metro import keys as issuer_keys
from citizen_app.metro.catalog import data
from citizen_app.metro.denylist import STAFF_ROLES, is_denied
from citizen_app.metro.devices import authenticate_gate
from citizen_app.metro.gate import (
    PHASE_DONE,
    PHASE_IDLE,
    PHASE_IN,
    ScanRejected,
    TicketVerifier,
    VerifiedTicket,
    decide_tap,
)
from citizen_app.metro.models import MetroTicket
from citizen_app.metro.purchase import parse_device_key
from citizen_app.metro.taps import MAX_TRIES, apply_tap, journey_state, scan_seen


def scan_point(db: Session, token: str | None, *, user_id: int | None = None,
               staff_station: str | None = None) -> tuple[str, str]:
    """(gate id, station) a scan is recorded for. A registered gate's token binds the scan to the gate's own
    station: what the request says cannot move it. Where staff may scan (the gate page passes the station they
    chose as ``staff_station``), a signed-in official or admin without a token scans there as gate
    ``staff-<user id>``. Anyone else is refused."""
    from citizen_app.identity.service import require_role

    if token or staff_station is None:
        gate = authenticate_gate(db, token)
        return gate.id, gate.station
    require_role(db, user_id, *STAFF_ROLES)
    return f"staff-{user_id}", staff_station


@dataclass(frozen=True)
class GateDecision:
    admitted: bool
    reason: str  # "ok" or a rejection code (metro.reason.<code>)
    message_vi: str
    message_en: str
    ticket_id: str | None = None
    product_id: str | None = None
    rider_category: str | None = None  # shown to staff for visual checks (e.g. senior, student)
    replay: bool = False


def _decision(admitted: bool, reason: str, ticket: VerifiedTicket | None = None, replay: bool = False) -> GateDecision:
    key = f"metro.reason.{reason}"
    return GateDecision(admitted, reason, translate(key, "vi"), translate(key, "en"),
                        ticket.tid if ticket else None, ticket.product.id if ticket else None,
                        ticket.category if ticket else None, replay)


def gate_verifier() -> TicketVerifier:
    """Process-wide verifier (keeps the verified-issuer-signature cache warm), rebuilt when a key is published.
    Denylist is checked in the DB."""
    return _verifier(issuer_keys.published_kids())


@lru_cache(maxsize=1)
def _verifier(_kids: tuple[int, ...]) -> TicketVerifier:
    return TicketVerifier(data(), issuer_keys.issuer_public_keys())


def _check_row(db: Session, row: MetroTicket | None, ticket: VerifiedTicket) -> MetroTicket:
    if row is None:
        raise ScanRejected("unknown_ticket")
    if row.status == "revoked" or is_denied(db, ticket.tid, ticket.device_key):
        raise ScanRejected("revoked")
    if row.status != "active":
        raise ScanRejected("not_active")
    if parse_device_key(row.device_key) != ticket.device_key:
        raise ScanRejected("revoked")  # an older binding of a ticket that moved to another phone
    return row


def validate_at_gate(db: Session, text: str, station: str, direction: str, *, gate_id: str = "",
                     scan_id: str | None = None, now: datetime | None = None) -> GateDecision:
    """The only place a scan becomes a tap. Exactly once across gates and processes (conditional update).

    A repeated ``scan_id`` (gate retry) returns the original admission. A refusal records nothing. The tap is
    written in the caller's transaction, which commits it (``session_scope()``), as every write of a user action.
    A try that lost the race to another gate wrote nothing: the row is read again as the winner left it. A try
    that met a database conflict (a lock timeout, a duplicate scan id) is rolled back before the next one, and
    with it the caller's reads (no caller writes before a scan).
    """
    now = (now or utcnow()).replace(microsecond=0)
    ticket: VerifiedTicket | None = None
    try:
        ticket = gate_verifier().verify(text, station, direction, to_unix(now))
        for _try in range(MAX_TRIES):
            if scan_seen(db, scan_id):
                return _decision(True, "ok", ticket, replay=True)
            row = _check_row(db, db.get(MetroTicket, ticket.tid, populate_existing=True), ticket)
            outcome = decide_tap(data(), ticket, journey_state(row), station, direction, to_unix(now))
            try:
                if apply_tap(db, row, outcome, direction, station, now, gate_id=gate_id, scan_id=scan_id,
                             source="online"):
                    return _decision(True, "ok", ticket)
            except (IntegrityError, OperationalError):
                db.rollback()
        raise ScanRejected("busy")
    except ScanRejected as rejected:
        return _decision(False, rejected.reason, ticket)


def open_journey_state(db: Session, ticket_id: str) -> str:
    """Current phase of a ticket (unused/idle/in/done), for staff tools."""
    row = db.get(MetroTicket, ticket_id)
    if row is None:
        raise NotFound("metro.error.ticket_unknown")
    return row.phase if row.phase in (PHASE_IN, PHASE_IDLE, PHASE_DONE) else "unused"
