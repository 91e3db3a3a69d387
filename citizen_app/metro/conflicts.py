"""Tickets used twice while gates were offline, found when the gates sync, reported to the operator and charged.

When an offline gate's taps arrive, the ticket's whole history is replayed in time order with the online journey
rules (``gate.decide_tap``, the same rules a gate applies): a tap they would have refused as a second use
(``ticket_used``, ``passback``), or a tap made after the ticket was revoked, is a conflict. The tap stands (the rider
went through) and the ticket holder is charged by the rule of ``metro.json → offline_conflicts`` for that kind:

- ``max_single_fare``: the highest single-journey fare of the line (GTFS ``fare_leg_rules.txt``, for
  ``charge_medium``). Chosen for double use: the extra journey's exit is unknown when the clash is on entries, and
  a fixed, published maximum cannot be lowered by tapping out early (TfL charges a maximum fare for the same
  reason);
- ``ticket_price``: the ticket's own price again;
- ``none``: reported to the operator, not charged.

The operator sees each conflict with both taps (station, gate, time) and may waive the charge. Nothing commits
here: the sync's transaction does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import format_vnd, to_local, to_unix, utcnow
from citizen_app.metro.backoffice import require_operator
from citizen_app.metro.catalog import MetroData, data, single_fare
from citizen_app.metro.gate import (
    IN,
    PHASE_DONE,
    PHASE_IDLE,
    PHASE_IN,
    JourneyState,
    ScanRejected,
    VerifiedTicket,
    decide_tap,
    deny_keys,
    initial_state,
)
from citizen_app.metro.models import MetroConflict, MetroDenyEntry, MetroTap, MetroTicket

DOUBLE_USE = frozenset({"ticket_used", "passback"})
STATUSES = ("due", "waived", "none")


@dataclass(frozen=True)
class Clash:
    kind: str
    tap: MetroTap
    earlier: MetroTap | None


def _as_verified(metro: MetroData, row: MetroTicket) -> VerifiedTicket:
    """The ticket as the journey rules see it (the signatures were checked by the gate that admitted it)."""
    return VerifiedTicket(row.id, row.kid or 0, metro.products[row.product_id], row.rider_category, row.origin,
                          row.destination, to_unix(row.valid_from) if row.valid_from else 0,
                          to_unix(row.valid_until) if row.valid_until else 0, b"", 0)


def _followed(state: JourneyState, tap: MetroTap, single: bool) -> JourneyState:
    """The state after a tap the rules would have refused: it stands, so the state follows it (as in sync)."""
    at = to_unix(tap.at)
    if tap.direction == IN:
        return JourneyState(PHASE_IN, tap.station, at, at, state.version + 1)
    return JourneyState(PHASE_DONE if single else PHASE_IDLE, None, None, at, state.version + 1)


def find_clashes(metro: MetroData, row: MetroTicket, taps: list[MetroTap],
                 revoked_at: datetime | None = None) -> list[Clash]:
    """Replay ``taps`` (any order) with the journey rules; the second uses and the taps after a revocation."""
    ticket = _as_verified(metro, row)
    state, entry, clashes = initial_state(ticket.product), None, []
    for tap in sorted(taps, key=lambda t: (t.at, t.id or 0)):
        try:
            state = decide_tap(metro, ticket, state, tap.station, tap.direction, to_unix(tap.at)).state
        except ScanRejected as refused:
            if refused.reason in DOUBLE_USE:
                clashes.append(Clash(refused.reason, tap, entry))
            state = _followed(state, tap, ticket.product.kind == "single")
        if revoked_at is not None and tap.at >= revoked_at:
            clashes.append(Clash("revoked", tap, None))
        entry = tap if tap.direction == IN else entry
    return clashes


def charge_for(metro: MetroData, kind: str, row: MetroTicket) -> int:
    rule = metro.conflict_charges.get(kind, "none")
    if rule == "ticket_price":
        return row.price_vnd
    if rule == "max_single_fare":
        return max(single_fare(metro, a, b, metro.conflict_medium, "adult").amount_vnd for a, b in metro.leg_rules)
    return 0


def record_conflicts(db: Session, row: MetroTicket, now: datetime | None = None) -> list[MetroConflict]:
    """The ticket's new conflicts (each tap is one conflict at most), charged and told to the ticket holder."""
    from citizen_app.notify.service import notify

    metro = data()
    taps = list(db.exec(select(MetroTap).where(MetroTap.ticket_id == row.id)).all())
    known = set(db.exec(select(MetroConflict.tap_id).where(MetroConflict.ticket_id == row.id)).all())
    revoked = db.get(MetroDenyEntry, deny_keys(row.id, b"")[0])
    found = []
    for clash in find_clashes(metro, row, taps, revoked.created_at if revoked else None):
        if clash.tap.id in known or clash.tap.id is None:
            continue
        known.add(clash.tap.id)
        amount = charge_for(metro, clash.kind, row)
        conflict = MetroConflict(ticket_id=row.id, user_id=row.user_id, kind=clash.kind, tap_id=clash.tap.id,
                                 earlier_tap_id=clash.earlier.id if clash.earlier else None, charge_vnd=amount,
                                 status="due" if amount else "none", detected_at=now or utcnow())
        db.add(conflict)
        found.append(conflict)
        if amount:
            notify(db, row.user_id, "payments", "metro.conflict.notice_title", "metro.conflict.notice_body",
                   {"amount": format_vnd(amount), "at": to_local(clash.tap.at).strftime("%H:%M %d/%m/%Y")},
                   url="/metro/tickets")
    return found


# --- the operator's list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    id: int
    ticket_id: str
    kind: str
    status: str
    charge_vnd: int
    detected_at: datetime
    tap: MetroTap
    earlier: MetroTap | None


def list_conflicts(db: Session, actor_id: int | None, limit: int = 100) -> list[ConflictView]:
    """Newest first, with both taps."""
    require_operator(db, actor_id)
    rows = db.exec(select(MetroConflict).order_by(col(MetroConflict.id).desc()).limit(max(1, min(limit, 500)))).all()
    tap_ids = {r.tap_id for r in rows} | {r.earlier_tap_id for r in rows if r.earlier_tap_id is not None}
    taps = {t.id: t for t in db.exec(select(MetroTap).where(col(MetroTap.id).in_(tap_ids))).all()} if rows else {}
    return [ConflictView(r.id or 0, r.ticket_id, r.kind, r.status, r.charge_vnd, r.detected_at, taps[r.tap_id],
                         taps.get(r.earlier_tap_id) if r.earlier_tap_id is not None else None) for r in rows]


def waive_conflict(db: Session, actor_id: int | None, conflict_id: int, now: datetime | None = None) -> None:
    """The operator cancels a charge (e.g. a gate fault explains the clash)."""
    actor = require_operator(db, actor_id)
    row = db.get(MetroConflict, conflict_id)
    if row is None:
        raise NotFound("metro.error.conflict_unknown")
    if row.status != "due":
        raise DomainError("metro.error.conflict_not_due")
    row.status, row.handled_by, row.resolved_at = "waived", actor, now or utcnow()
    db.add(row)
