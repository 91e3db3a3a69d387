"""Metro Line 1 use cases: catalog, purchase (payments seam), tickets, gate validation, offline sync, history.

Every front end (Reflex state, HTTP API, gates) calls these functions; they take a ``db`` session and the
acting user id, return plain dataclasses/models and raise ``DomainError("metro.error.*")``.
``validate_at_gate`` and ``sync_offline_taps`` own their transaction (they commit or roll back themselves).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound, Unauthenticated
from citizen_app.core.timeutil import VN_TZ, to_local, utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.metro import keys as issuer_keys
from citizen_app.metro.catalog import FreeDay, MetroData, Product, Station, data, product_fare, single_fare
from citizen_app.metro.gate import (
    IN,
    OUT,
    PHASE_DONE,
    PHASE_IDLE,
    PHASE_IN,
    JourneyState,
    ScanRejected,
    TapOutcome,
    TicketVerifier,
    VerifiedTicket,
    decide_tap,
    deny_keys,
)
from citizen_app.metro.models import MetroDenyEntry, MetroGate, MetroJourney, MetroTap, MetroTicket
from citizen_app.metro.qr import TicketBody, device_public_key, sign_ticket, ticket_to_text

ADMIN_ROLES = ("admin", "official")
DENYLIST_RETENTION = timedelta(days=45)


# --- time helpers ------------------------------------------------------------------------------


def to_ts(value: datetime) -> int:
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def from_ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def end_of_local_day(day: date) -> datetime:
    """23:59:59 Vietnam time of ``day``, as aware UTC."""
    return datetime.combine(day, time(23, 59, 59), VN_TZ).astimezone(UTC)


# --- catalog for the UI -------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    origin: str
    destination: str
    cash_vnd: int
    cashless_vnd: int
    is_estimate: bool


@dataclass(frozen=True)
class ProductOffer:
    product_id: str
    name_vi: str
    name_en: str
    price_vnd: int
    requires_claim: str | None
    eligible: bool


def list_stations() -> tuple[Station, ...]:
    return data().stations


def _station_or_error(metro: MetroData, code: str | None) -> Station:
    station = metro.station(code or "")
    if station is None:
        raise DomainError("metro.error.station_unknown")
    return station


def quote_single(origin: str, destination: str) -> Quote:
    metro = data()
    a, b = _station_or_error(metro, origin), _station_or_error(metro, destination)
    if a == b:
        raise DomainError("metro.error.same_station")
    cash, cashless = single_fare(metro, a.code, b.code, "cash"), single_fare(metro, a.code, b.code, "cashless")
    return Quote(a.code, b.code, cash.amount_vnd, cashless.amount_vnd, cash.is_estimate or cashless.is_estimate)


def free_day_on(day: date, channel: str = "app") -> FreeDay | None:
    """The free-ride rule covering ``day`` (Vietnam date) for a channel, if any."""
    return next((f for f in data().free_days if f.start <= day <= f.end and channel in f.channels), None)


def list_products(claims: dict[str, bool] | None = None, today: date | None = None) -> list[ProductOffer]:
    """Passes offered in the app (single journeys are quoted per station pair)."""
    metro, claims = data(), claims or {}
    today = today or to_local(utcnow()).date()
    offers = []
    for product in metro.products.values():
        if product.kind != "pass" or (product.only_on_free_days and free_day_on(today) is None):
            continue
        eligible = product.requires_claim is None or claims.get(product.requires_claim) is True
        offers.append(ProductOffer(product.id, product.name_vi, product.name_en,
                                   product_fare(metro, product).amount_vnd, product.requires_claim, eligible))
    return offers


# --- purchase ----------------------------------------------------------------------------------


def parse_device_key(value: str) -> bytes:
    """A base64url compressed P-256 public key from the phone's WebCrypto key."""
    try:
        raw = base64.urlsafe_b64decode((value or "") + "=" * (-len(value or "") % 4))
    except (ValueError, TypeError) as exc:
        raise DomainError("metro.error.device_key") from exc
    if len(raw) != 33 or device_public_key(raw) is None:
        raise DomainError("metro.error.device_key")
    return raw


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _category_for(metro: MetroData, product: Product) -> str:
    return next((c["rider_category"] for c in metro.concessions if c["product"] == product.id), "adult")


def _price(metro: MetroData, product: Product, origin: str | None, destination: str | None) -> tuple[int, bool]:
    if product.kind == "single":
        quote = quote_single(origin or "", destination or "")
        return quote.cashless_vnd, quote.is_estimate
    return product_fare(metro, product).amount_vnd, False


def create_order(db: Session, user_id: int | None, product_id: str, device_key: str, *, origin: str | None = None,
                 destination: str | None = None, claims: dict[str, bool] | None = None,
                 now: datetime | None = None) -> MetroTicket:
    """Create a ticket in "awaiting_payment" (cashless) — or active at once when the product is free.

    ``claims`` are verified claims from the identity wallet, e.g. ``{"age_over_60": True}``; they are used,
    never stored. The payments module charges ``price_vnd`` for ``order_ref``, then calls
    :func:`fulfil_paid_order`.
    """
    if user_id is None:
        raise NotAllowed("error.login_required")
    metro, now = data(), now or utcnow()
    product = metro.products.get(product_id)
    if product is None:
        raise DomainError("metro.error.product_unknown")
    if product.requires_claim and (claims or {}).get(product.requires_claim) is not True:
        raise DomainError(f"metro.error.needs_{product.requires_claim}")
    if product.only_on_free_days and free_day_on(to_local(now).date()) is None:
        raise DomainError("metro.error.not_free_day")
    key = parse_device_key(device_key)
    if product.kind != "single":
        origin = destination = None
    price, estimate = _price(metro, product, origin, destination)
    tid = secrets.token_bytes(12).hex()
    ticket = MetroTicket(id=tid, user_id=user_id, product_id=product.id, rider_category=_category_for(metro, product),
                         origin=origin, destination=destination, medium="cashless" if price else "free",
                         price_vnd=price, fare_is_estimate=estimate, order_ref=f"MT-{tid.upper()}",
                         device_key=_b64url(key), created_at=now,
                         phase="unused" if product.kind == "single" else "idle")
    db.add(ticket)
    if price == 0:
        _activate(ticket, product, now)
    db.flush()
    return ticket


def _validity(product: Product, now: datetime) -> tuple[datetime, datetime]:
    today = to_local(now).date()
    days = 1 if product.validity["type"] == "purchase_day" else int(product.validity["days"])
    return now.replace(microsecond=0), end_of_local_day(today + timedelta(days=days - 1))


def _activate(ticket: MetroTicket, product: Product, now: datetime) -> None:
    metro = data()
    ticket.valid_from, ticket.valid_until = _validity(product, now)
    ticket.paid_at, ticket.status = now, "active"
    ticket.receipt_no = f"L1-{to_local(now):%Y%m%d}-{ticket.id[:10].upper()}"
    _sign(ticket, metro, product)


def _sign(ticket: MetroTicket, metro: MetroData, product: Product) -> None:
    kid, key = issuer_keys.active_issuer_key()
    origin, dest = metro.station(ticket.origin or ""), metro.station(ticket.destination or "")
    body = TicketBody(kid, bytes.fromhex(ticket.id), product.code, metro.rider_categories[ticket.rider_category],
                      origin.index if origin else 0, dest.index if dest else 0, to_ts(ticket.valid_from),
                      to_ts(ticket.valid_until), parse_device_key(ticket.device_key))
    ticket.kid, ticket.payload = kid, ticket_to_text(sign_ticket(body, key))


def _by_order_ref(db: Session, order_ref: str) -> MetroTicket:
    ticket = db.exec(select(MetroTicket).where(MetroTicket.order_ref == order_ref)).first()
    if ticket is None:
        raise NotFound("metro.error.order_unknown")
    return ticket


def fulfil_paid_order(db: Session, order_ref: str, *, amount_vnd: int | None = None,
                      now: datetime | None = None) -> MetroTicket:
    """Called by the payments module once money is captured. Idempotent: a second call changes nothing.

    Validity starts at fulfilment ("valid only on the day bought" counts from the payment day).
    """
    ticket = _by_order_ref(db, order_ref)
    if ticket.status == "active":
        return ticket
    if ticket.status != "awaiting_payment":
        raise DomainError("metro.error.order_not_payable")
    if amount_vnd is not None and amount_vnd != ticket.price_vnd:
        raise DomainError("metro.error.amount_mismatch")
    _activate(ticket, data().products[ticket.product_id], now or utcnow())
    db.add(ticket)
    db.flush()
    return ticket


def cancel_order(db: Session, order_ref: str) -> MetroTicket:
    """Payment failed or abandoned: the unpaid ticket is cancelled (paid ones are never touched)."""
    ticket = _by_order_ref(db, order_ref)
    if ticket.status == "awaiting_payment":
        ticket.status = "cancelled"
        db.add(ticket)
    return ticket


def order_for_payment(db: Session, order_ref: str) -> tuple[int, str, str]:
    """(amount VND, description vi, description en) for the payments module."""
    ticket = _by_order_ref(db, order_ref)
    product = data().products[ticket.product_id]
    return ticket.price_vnd, f"Metro số 1 – {product.name_vi}", f"Metro Line 1 – {product.name_en}"


# --- rider views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    ticket_id: str
    issued_at: datetime
    product_vi: str
    product_en: str
    origin: str | None
    destination: str | None
    amount_vnd: int
    medium: str
    fare_is_estimate: bool
    valid_from: datetime
    valid_until: datetime
    single_day_rule: bool  # show "valid only on the day bought, non-refundable"


@dataclass(frozen=True)
class JourneyView:
    ticket_id: str
    product_id: str
    entry_station: str | None
    entry_at: datetime | None
    exit_station: str | None
    exit_at: datetime | None
    status: str


@dataclass(frozen=True)
class History:
    purchases: list[MetroTicket]
    journeys: list[JourneyView]


def _own_ticket(db: Session, user_id: int | None, ticket_id: str) -> MetroTicket:
    if user_id is None:
        raise NotAllowed("error.login_required")
    ticket = db.get(MetroTicket, ticket_id)
    if ticket is None or ticket.user_id != user_id:
        raise NotFound("metro.error.ticket_unknown")
    return ticket


def get_receipt(db: Session, user_id: int | None, ticket_id: str) -> Receipt:
    ticket = _own_ticket(db, user_id, ticket_id)
    if ticket.status not in ("active", "revoked") or ticket.paid_at is None:
        raise DomainError("metro.error.not_paid")
    product = data().products[ticket.product_id]
    assert ticket.receipt_no and ticket.valid_from and ticket.valid_until
    return Receipt(ticket.receipt_no, ticket.id, ticket.paid_at, product.name_vi, product.name_en, ticket.origin,
                   ticket.destination, ticket.price_vnd, ticket.medium, ticket.fare_is_estimate, ticket.valid_from,
                   ticket.valid_until, product.kind == "single")


def list_my_tickets(db: Session, user_id: int | None, now: datetime | None = None) -> list[MetroTicket]:
    """Active, not yet expired tickets (what the phone stores for offline use, payload included)."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    now = now or utcnow()
    query = (select(MetroTicket).where(MetroTicket.user_id == user_id, MetroTicket.status == "active",
                                       col(MetroTicket.valid_until) >= now, MetroTicket.phase != PHASE_DONE)
             .order_by(col(MetroTicket.valid_until)))
    return list(db.exec(query).all())


def rider_history(db: Session, user_id: int | None, limit: int = 100) -> History:
    if user_id is None:
        raise NotAllowed("error.login_required")
    purchases = db.exec(select(MetroTicket).where(MetroTicket.user_id == user_id, MetroTicket.status != "cancelled")
                        .order_by(col(MetroTicket.created_at).desc()).limit(limit)).all()
    rows = db.exec(select(MetroJourney, MetroTicket.product_id).join(MetroTicket)
                   .where(MetroJourney.user_id == user_id)
                   .order_by(col(MetroJourney.id).desc()).limit(limit)).all()
    journeys = [JourneyView(j.ticket_id, product_id, j.entry_station, j.entry_at, j.exit_station, j.exit_at, j.status)
                for j, product_id in rows]
    return History(list(purchases), journeys)


def rebind_device(db: Session, user_id: int | None, ticket_id: str, device_key: str) -> MetroTicket:
    """Move a ticket to a new phone (restore from account). The old phone's binding is denylisted."""
    ticket = _own_ticket(db, user_id, ticket_id)
    if ticket.status != "active":
        raise DomainError("metro.error.not_active")
    new_key = parse_device_key(device_key)
    old_key = parse_device_key(ticket.device_key)
    if new_key == old_key:
        return ticket
    _, device_entry = deny_keys(ticket.id, old_key)
    if db.get(MetroDenyEntry, device_entry) is None:
        db.add(MetroDenyEntry(key=device_entry, ticket_id=ticket.id, reason="rebound"))
    ticket.device_key = _b64url(new_key)
    _sign(ticket, data(), data().products[ticket.product_id])
    db.add(ticket)
    return ticket


def revoke_ticket(db: Session, actor_id: int | None, ticket_id: str, reason: str = "revoked") -> None:
    """Staff action: the ticket stops working everywhere (online at once, offline gates at next denylist pull)."""
    from citizen_app.identity.service import require_role

    require_role(db, actor_id, *ADMIN_ROLES)
    ticket = db.get(MetroTicket, ticket_id)
    if ticket is None:
        raise NotFound("metro.error.ticket_unknown")
    _deny(db, ticket, reason)


def withdraw_ticket(db: Session, order_ref: str, reason: str = "refunded") -> None:
    """System action (payments refund hook): revoke the ticket of an order."""
    _deny(db, _by_order_ref(db, order_ref), reason)


def _deny(db: Session, ticket: MetroTicket, reason: str) -> None:
    ticket.status = "revoked"
    key, _ = deny_keys(ticket.id, b"")
    if db.get(MetroDenyEntry, key) is None:
        db.add(MetroDenyEntry(key=key, ticket_id=ticket.id, reason=reason[:32]))
    db.add(ticket)


def denylist_entries(db: Session, now: datetime | None = None) -> list[str]:
    since = (now or utcnow()) - DENYLIST_RETENTION
    return list(db.exec(select(MetroDenyEntry.key).where(col(MetroDenyEntry.created_at) >= since)).all())


# --- gates -------------------------------------------------------------------------------------


def register_gate(db: Session, actor_id: int | None, gate_id: str, station: str) -> str:
    """Register a gate; returns its bearer token once (only the hash is stored)."""
    from citizen_app.identity.service import require_role

    require_role(db, actor_id, "admin")
    _station_or_error(data(), station)
    if not gate_id or len(gate_id) > 64 or db.get(MetroGate, gate_id) is not None:
        raise DomainError("metro.error.gate_id")
    raw = secrets.token_urlsafe(32)
    db.add(MetroGate(id=gate_id, station=station, token_hash=hashlib.sha256(raw.encode()).hexdigest()))
    return raw


def authenticate_gate(db: Session, raw_token: str | None) -> MetroGate:
    if not raw_token:
        raise Unauthenticated("metro.error.gate_auth")
    gate = db.exec(select(MetroGate).where(MetroGate.token_hash == hashlib.sha256(raw_token.encode()).hexdigest(),
                                           MetroGate.is_active == True)).first()
    if gate is None:
        raise Unauthenticated("metro.error.gate_auth")
    return gate


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
    require_role(db, user_id, *ADMIN_ROLES)
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


@lru_cache(maxsize=1)
def gate_verifier() -> TicketVerifier:
    """Process-wide verifier (keeps the verified-issuer-signature cache warm). Denylist is checked in the DB."""
    return TicketVerifier(data(), issuer_keys.issuer_public_keys())


def _state_of(row: MetroTicket) -> JourneyState:
    return JourneyState(row.phase, row.entry_station, to_ts(row.entry_at) if row.entry_at else None,
                        to_ts(row.last_tap_at) if row.last_tap_at else None, row.version)


def _check_row(db: Session, row: MetroTicket | None, ticket: VerifiedTicket) -> MetroTicket:
    if row is None:
        raise ScanRejected("unknown_ticket")
    denied = db.connection().execute(_DENIED, {"key": deny_keys(ticket.tid, ticket.device_key)[1]}).first()
    if row.status == "revoked" or denied is not None:
        raise ScanRejected("revoked")
    if row.status != "active":
        raise ScanRejected("not_active")
    if parse_device_key(row.device_key) != ticket.device_key:
        raise ScanRejected("revoked")  # an older binding of a ticket that moved to another phone
    return row


# The gate's hot path: statements built once with bind parameters, so each scan skips SQLAlchemy's
# per-statement construction and cache-key work (most of a decision's cost on SQLite).
_NO_SYNC = {"synchronize_session": False}
_DENIED = select(MetroDenyEntry.key).where(col(MetroDenyEntry.key) == bindparam("key"))
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


def _apply_tap(db: Session, row: MetroTicket, outcome: TapOutcome, direction: str, station: str, at: datetime, *,
               gate_id: str, scan_id: str | None, source: str, conflict: str = "") -> bool:
    """Conditional update on ``version``: True if this transaction won the tap, False if another one did.

    Core statements (no ORM unit of work) keep the gate path short; callers re-read the row before each try.
    """
    new, seq = outcome.state, row.version + 1
    conn = db.connection()  # Core connection: skips the ORM execution layer on the hot path
    result = conn.execute(_TAP_WIN, {"tid": row.id, "old_version": seq - 1, "phase": new.phase,
                                   "entry_station": new.entry_station,
                                   "entry_at": from_ts(new.entry_at) if new.entry_at else None, "at": at,
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


def _replayed(db: Session, scan_id: str | None) -> bool:
    if not scan_id:
        return False
    return db.connection().execute(_SCAN_SEEN, {"scan_id": scan_id}).first() is not None


def validate_at_gate(db: Session, text: str, station: str, direction: str, *, gate_id: str = "",
                     scan_id: str | None = None, now: datetime | None = None) -> GateDecision:
    """The only place a scan becomes a tap. Exactly once across gates and processes (conditional update).

    A repeated ``scan_id`` (gate retry) returns the original admission. A refusal records nothing.
    """
    now = (now or utcnow()).replace(microsecond=0)
    ticket: VerifiedTicket | None = None
    try:
        ticket = gate_verifier().verify(text, station, direction, to_ts(now))
        for _attempt in range(8):
            if _replayed(db, scan_id):
                return _decision(True, "ok", ticket, replay=True)
            row = _check_row(db, db.get(MetroTicket, ticket.tid, populate_existing=True), ticket)
            outcome = decide_tap(data(), ticket, _state_of(row), station, direction, to_ts(now))
            try:
                won = _apply_tap(db, row, outcome, direction, station, now, gate_id=gate_id, scan_id=scan_id,
                                 source="online")
                if won:
                    db.commit()
                    return _decision(True, "ok", ticket)
            except (IntegrityError, OperationalError):
                pass
            db.rollback()
        raise ScanRejected("busy")
    except ScanRejected as rejected:
        db.rollback()
        return _decision(False, rejected.reason, ticket)


# --- offline sync ------------------------------------------------------------------------------


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
    if _replayed(db, scan_id):
        return SyncItem(scan_id, "duplicate")
    at = from_ts(at_raw)
    for _attempt in range(8):
        row = db.get(MetroTicket, tid, populate_existing=True)
        if row is None:
            return SyncItem(scan_id, "unknown_ticket")
        conflict = "revoked" if row.status != "active" else ""
        if row.last_tap_at is not None and at < row.last_tap_at:
            db.add(MetroTap(ticket_id=row.id, seq=None, direction=direction, station=station, gate_id=gate.id, at=at,
                            scan_id=scan_id, source="offline", conflict="late"))
            return SyncItem(scan_id, "late", "late")
        outcome, rule_conflict = _sync_outcome(metro, row, _state_of(row), direction, str(station), at_raw)
        if _apply_tap(db, row, outcome, direction, str(station), at, gate_id=gate.id, scan_id=scan_id,
                      source="offline", conflict=conflict or rule_conflict):
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
    """
    if len(events) > 5000:
        raise DomainError("metro.error.sync_too_large")
    ordered = sorted(events, key=lambda e: (e.get("at") if isinstance(e.get("at"), int) else 0))
    results = [_sync_one(db, gate, event) for event in ordered]
    gate_row = db.get(MetroGate, gate.id)
    if gate_row is not None:
        gate_row.last_sync_at = now or utcnow()
        db.add(gate_row)
    db.commit()
    return results


def open_journey_state(db: Session, ticket_id: str) -> str:
    """Current phase of a ticket (unused/idle/in/done), for staff tools."""
    row = db.get(MetroTicket, ticket_id)
    if row is None:
        raise NotFound("metro.error.ticket_unknown")
    return row.phase if row.phase in (PHASE_IN, PHASE_IDLE, PHASE_DONE) else "unused"

