"""Gate logic that needs no database: ticket verification and the journey state machine.

Used by the online service (``gate_service.validate_at_gate``) and by :class:`OfflineGate`, so both decide the
same way. Rejections carry a stable reason code (``metro.reason.<code>`` in messages.py) — the contract
with gate hardware.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from citizen_app.metro.catalog import MetroData, Product
from citizen_app.metro.qr import Scan, parse_scan, verify_device_proof, verify_issuer

IN, OUT = "in", "out"
PHASE_UNUSED, PHASE_IDLE, PHASE_IN, PHASE_DONE = "unused", "idle", "in", "done"


class ScanRejected(Exception):  # a decision, not a crash
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedTicket:
    tid: str
    kid: int
    product: Product
    category: str
    origin: str | None
    destination: str | None
    valid_from: int
    valid_until: int
    device_key: bytes
    proof_time: int


@dataclass(frozen=True)
class JourneyState:
    phase: str
    entry_station: str | None = None
    entry_at: int | None = None  # Unix seconds
    last_tap_at: int | None = None
    version: int = 0


@dataclass(frozen=True)
class TapOutcome:
    state: JourneyState
    closed_incomplete: bool = False  # a previous journey with no tap-out was closed


def deny_keys(tid: str, device_key: bytes) -> tuple[str, str]:
    """Denylist keys: the whole ticket, or one device binding of it (re-bound to a new phone)."""
    return f"t:{tid}", f"d:{tid}:{hashlib.sha256(device_key).hexdigest()[:16]}"


class TicketVerifier:
    """Signature, proof, validity, station and denylist checks. Thread-compatible, cheap per scan.

    Verified issuer signatures are cached per (body, signature): a ticket is re-scanned many times a day
    and its Ed25519 check then costs one dict lookup; the device proof changes every ~10 s and is always
    verified.
    """

    def __init__(self, metro: MetroData, keys: dict[int, Ed25519PublicKey],
                 is_denied: Callable[[Iterable[str]], bool] = lambda _keys: False, cache_size: int = 200_000) -> None:
        self.metro = metro
        self.keys = keys
        self.is_denied = is_denied
        self.window = int(metro.rules["proof_window_seconds"])
        self.grace = int(metro.rules["max_journey_minutes"]) * 60
        self._issuer_ok: dict[bytes, bool] = {}
        self._cache_size = cache_size

    def _issuer_valid(self, scan: Scan) -> bool:
        cache_key = scan.signed + scan.issuer_sig
        hit = self._issuer_ok.get(cache_key)
        if hit is None:
            key = self.keys.get(scan.body.kid)
            if key is None:
                raise ScanRejected("unknown_key")
            if len(self._issuer_ok) >= self._cache_size:
                self._issuer_ok.clear()
            hit = self._issuer_ok[cache_key] = verify_issuer(scan, key)
        return hit

    def _station(self, index: int) -> str | None:
        if index == 0:
            return None
        station = self.metro.station_by_index(index)
        if station is None:
            raise ScanRejected("wrong_line")
        return station.code

    def verify(self, text: str, station: str, direction: str, now: int) -> VerifiedTicket:
        if self.metro.station(station) is None:
            raise ScanRejected("wrong_line")
        if direction not in (IN, OUT):
            raise ScanRejected("malformed")
        scan = parse_scan(text)
        if scan is None:
            raise ScanRejected("malformed")
        if not self._issuer_valid(scan):
            raise ScanRejected("bad_signature")
        body = scan.body
        product = self.metro.product_by_code(body.product_code)
        category = self.metro.category_by_code(body.category_code)
        if product is None or category is None:
            raise ScanRejected("malformed")
        origin, destination = self._station(body.origin), self._station(body.destination)
        self._check_window(body.valid_from, body.valid_until, direction, now)
        if abs(now - scan.proof_time) > self.window:
            raise ScanRejected("proof_stale")
        if not verify_device_proof(scan):
            raise ScanRejected("bad_device_proof")
        if self.is_denied(deny_keys(body.tid_hex, body.device_key)):
            raise ScanRejected("revoked")
        return VerifiedTicket(body.tid_hex, body.kid, product, category, origin, destination, body.valid_from,
                              body.valid_until, body.device_key, scan.proof_time)

    def _check_window(self, start: int, end: int, direction: str, now: int) -> None:
        if now < start:
            raise ScanRejected("not_yet_valid")
        # A rider who entered on a valid ticket may still leave shortly after it expires.
        if now > (end + self.grace if direction == OUT else end):
            raise ScanRejected("expired")


def initial_state(product: Product) -> JourneyState:
    return JourneyState(PHASE_UNUSED if product.kind == "single" else PHASE_IDLE)


def decide_tap(metro: MetroData, ticket: VerifiedTicket, state: JourneyState, station: str, direction: str,
               now: int) -> TapOutcome:
    """The journey state machine. Raises ScanRejected or returns the state after an admitted tap."""
    rules = metro.rules
    max_journey = int(rules["max_journey_minutes"]) * 60
    single = ticket.product.kind == "single"
    if direction == IN:
        return _tap_in(ticket, state, station, now, single, max_journey, int(rules["passback_minutes"]) * 60)
    if state.phase != PHASE_IN:
        raise ScanRejected("ticket_used" if state.phase == PHASE_DONE else "no_entry")
    if state.entry_at is not None and now - state.entry_at > max_journey:
        raise ScanRejected("journey_time_exceeded")
    if single and not _within_paid_zone(metro, ticket, station):
        raise ScanRejected("fare_adjustment")
    phase = PHASE_DONE if single else PHASE_IDLE
    return TapOutcome(JourneyState(phase, None, None, now, state.version + 1))


def _tap_in(ticket: VerifiedTicket, state: JourneyState, station: str, now: int, single: bool,
            max_journey: int, passback: int) -> TapOutcome:
    closed = False
    if state.phase == PHASE_DONE:
        raise ScanRejected("ticket_used")
    if state.phase == PHASE_IN:
        since = now - (state.entry_at or 0)
        if single:
            raise ScanRejected("passback" if since <= max_journey else "ticket_used")
        if since < passback:
            raise ScanRejected("passback")
        closed = True  # the pass holder never tapped out; that journey is closed as incomplete
    if single and ticket.origin and station != ticket.origin:
        raise ScanRejected("wrong_station")
    return TapOutcome(JourneyState(PHASE_IN, station, now, now, state.version + 1), closed)


def _within_paid_zone(metro: MetroData, ticket: VerifiedTicket, station: str) -> bool:
    if not ticket.origin or not ticket.destination:
        return True
    a, b = metro.station(ticket.origin), metro.station(ticket.destination)
    here = metro.station(station)
    assert a and b and here  # validated earlier
    low, high = sorted((a.index, b.index))
    return low <= here.index <= high


# --- offline gate ----------------------------------------------------------------------------


@dataclass
class GateEvent:
    scan_id: str
    tid: str
    direction: str
    station: str
    at: int
    device_key_hash: str = ""


@dataclass
class OfflineGate:
    """A gate that decides with cached keys and denylist and queues its taps for :func:`sync.sync_offline_taps`.

    Its journey state is its own (or the station server's) view; the central server reconciles on sync
    with the conflict rules documented in ``sync.sync_offline_taps``. Data older than
    ``denylist_max_age_offline_hours`` makes the gate refuse (``gate_data_stale``): open the gate manually.
    """

    gate_id: str
    station: str
    metro: MetroData
    keys: dict[int, Ed25519PublicKey]
    denylist: set[str] = field(default_factory=set)
    denylist_at: int = 0
    states: dict[str, JourneyState] = field(default_factory=dict)
    pending: list[GateEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._verifier = TicketVerifier(self.metro, self.keys, lambda ks: any(k in self.denylist for k in ks))

    def update_denylist(self, entries: Iterable[str], now: int) -> None:
        self.denylist = set(entries)
        self.denylist_at = now

    def scan(self, text: str, direction: str, now: int) -> tuple[bool, str]:
        """Return (admitted, reason code). Admitted taps are queued for upload."""
        max_age = int(self.metro.rules["denylist_max_age_offline_hours"]) * 3600
        if now - self.denylist_at > max_age:
            return False, "gate_data_stale"
        try:
            ticket = self._verifier.verify(text, self.station, direction, now)
            state = self.states.get(ticket.tid) or self._unseen(ticket, direction)
            outcome = decide_tap(self.metro, ticket, state, self.station, direction, now)
        except ScanRejected as rejected:
            return False, rejected.reason
        self.states[ticket.tid] = outcome.state
        self.pending.append(GateEvent(f"{self.gate_id}:{secrets.token_hex(8)}", ticket.tid, direction, self.station,
                                      now, hashlib.sha256(ticket.device_key).hexdigest()[:16]))
        return True, "ok"

    @staticmethod
    def _unseen(ticket: VerifiedTicket, direction: str) -> JourneyState:
        """A ticket this gate never saw. Going out, it entered at another gate: it leaves (where is checked, when is
        not known), and sync reconciles; refusing it would keep every rider who came in elsewhere inside."""
        return JourneyState(PHASE_IN) if direction == OUT else initial_state(ticket.product)

    def take_pending(self) -> list[dict]:
        events, self.pending = [asdict(e) for e in self.pending], []
        return events

    def save(self, path: Path) -> None:
        """Persist queued taps and state so a reboot loses nothing."""
        doc = {"pending": [asdict(e) for e in self.pending], "denylist": sorted(self.denylist),
               "denylist_at": self.denylist_at, "states": {k: asdict(v) for k, v in self.states.items()}}
        path.write_text(json.dumps(doc))

    def load(self, path: Path) -> None:
        doc = json.loads(path.read_text())
        self.pending = [GateEvent(**e) for e in doc["pending"]]
        self.denylist, self.denylist_at = set(doc["denylist"]), int(doc["denylist_at"])
        self.states = {k: replace(JourneyState(PHASE_IDLE), **v) for k, v in doc["states"].items()}
