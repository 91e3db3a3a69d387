"""Gates and handheld validators: the operator registers them, gives each a credential through a one-time enrolment
QR, rotates and revokes it, and sees what each device last reported; devices enrol, authenticate and pull keys and
the denylist (reporting their queue of offline taps and the versions they hold).

Credentials: the device's bearer token and the enrolment code are random 256-bit / 192-bit values; only their
SHA-256 is stored. The enrolment code (in the QR the operator shows once) is single-use and expires after
``gate_devices.enrolment_minutes``; it is exchanged for the token by the device itself (``POST
/api/metro/gate/enrol``), so the long-lived token is never shown to anybody. Issuing a new QR for an enrolled device
(rotation) leaves its current token working until the new one is enrolled; revoking stops both at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, NotFound, Unauthenticated
from citizen_app.core.timeutil import to_unix, utcnow
from citizen_app.metro import keys as issuer_keys
from citizen_app.metro.backoffice import require_operator
from citizen_app.metro.catalog import data
from citizen_app.metro.denylist import denylist_entries
from citizen_app.metro.fares import station_or_error
from citizen_app.metro.models import MetroGate

KINDS = ("gate", "handheld")
ENROL_PATH = "/metro/gate/"
ENROL_MARK = "enrol="
# No ":" (scan ids are "<gate id>:<n>") and not "staff-…" (staff scans are recorded under that id).
_GATE_ID = re.compile(r"^(?!staff-)[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_CODE = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_QUEUE = 1_000_000


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Enrolment:
    """What the operator's screen shows once: the QR text (a link to the gate page with the code after ``#``, so
    the code never reaches a server log) and when it stops working."""

    gate_id: str
    code: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class DeviceView:
    id: str
    station: str
    kind: str
    label: str
    status: str  # "active", "pending" (registered, not enrolled yet), "revoked"
    new_credential_pending: bool  # an enrolment QR is out for a device that still uses its current token
    credential_at: datetime | None
    last_contact_at: datetime | None
    queue_depth: int
    key_version: int | None
    key_current: bool
    denylist_current: bool


def _gate_or_404(db: Session, gate_id: str) -> MetroGate:
    row = db.get(MetroGate, (gate_id or "")[:64])
    if row is None:
        raise NotFound("metro.error.gate_unknown")
    return row


def _new_enrolment(db: Session, row: MetroGate, now: datetime) -> Enrolment:
    code = secrets.token_urlsafe(24)
    expires = now + timedelta(minutes=data().devices["enrolment_minutes"])
    row.enrol_hash, row.enrol_expires_at = _hash(code), expires
    db.add(row)
    return Enrolment(row.id, code, f"{settings().public_url}{ENROL_PATH}#{ENROL_MARK}{code}", expires)


def register_device(db: Session, actor_id: int | None, gate_id: str, station: str, kind: str = "gate",
                    label: str = "", now: datetime | None = None) -> Enrolment:
    """Register a gate or handheld validator of a station; returns its first enrolment QR (shown once)."""
    actor = require_operator(db, actor_id)
    station_or_error(data(), station)
    gate_id = (gate_id or "").strip()
    if kind not in KINDS:
        raise DomainError("metro.error.device_kind")
    if not _GATE_ID.match(gate_id) or db.get(MetroGate, gate_id) is not None:
        raise DomainError("metro.error.gate_id")
    row = MetroGate(id=gate_id, station=station, kind=kind, label=(label or "").strip()[:80], created_by=actor)
    return _new_enrolment(db, row, now or utcnow())


def issue_credential(db: Session, actor_id: int | None, gate_id: str, now: datetime | None = None) -> Enrolment:
    """A new enrolment QR for a device: rotation (its current token keeps working until the new one is enrolled,
    then stops), or a new start after a revocation. Any earlier QR of the device stops working."""
    require_operator(db, actor_id)
    return _new_enrolment(db, _gate_or_404(db, gate_id), now or utcnow())


def revoke_device(db: Session, actor_id: int | None, gate_id: str, now: datetime | None = None) -> None:
    """The device's token and any enrolment QR stop working now (cached authentications within seconds)."""
    require_operator(db, actor_id)
    row = _gate_or_404(db, gate_id)
    row.token_hash = row.enrol_hash = row.enrol_expires_at = None
    row.is_active, row.revoked_at = False, now or utcnow()
    db.add(row)


def enrolment_code(text: str) -> str:
    """The code inside what a device scanned or an operator pasted: the QR's link, or the bare code."""
    value = (text or "").strip()
    if ENROL_MARK in value:
        value = value.split(ENROL_MARK, 1)[1]
    found = _CODE.fullmatch(value.strip())
    return found.group(0) if found else ""


def enrol(db: Session, text: str, now: datetime | None = None) -> tuple[MetroGate, str]:
    """The device side: exchange a valid enrolment code for the device's own token (returned once)."""
    now = now or utcnow()
    code = enrolment_code(text)
    row = db.exec(select(MetroGate).where(MetroGate.enrol_hash == _hash(code))).first() if code else None
    if row is None or row.enrol_expires_at is None or row.enrol_expires_at <= now:
        raise Unauthenticated("metro.error.enrol_code")
    token = secrets.token_urlsafe(32)
    row.token_hash, row.enrol_hash, row.enrol_expires_at = _hash(token), None, None
    row.is_active, row.revoked_at, row.credential_at, row.last_contact_at = True, None, now, now
    db.add(row)
    return row, token


def register_gate(db: Session, actor_id: int | None, gate_id: str, station: str) -> str:
    """Register a gate and enrol it at once; returns its token (scripts, tests and benchmarks acting as the gate)."""
    enrolment = register_device(db, actor_id, gate_id, station)
    return enrol(db, enrolment.code)[1]


def authenticate_gate(db: Session, raw_token: str | None) -> MetroGate:
    if not raw_token:
        raise Unauthenticated("metro.error.gate_auth")
    gate = db.exec(select(MetroGate).where(MetroGate.token_hash == _hash(raw_token),
                                           MetroGate.is_active == True)).first()
    if gate is None:
        raise Unauthenticated("metro.error.gate_auth")
    return gate


# --- what devices pull and report --------------------------------------------------------------------------


def denylist_version(entries: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class DeviceReport:
    queue: int  # offline taps waiting on the device
    key_version: int | None  # newest key id the device holds
    denylist_version: str

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> DeviceReport:
        queue, kid = body.get("queue"), body.get("key_version")
        return cls(min(max(queue, 0), MAX_QUEUE) if isinstance(queue, int) else 0,
                   kid if isinstance(kid, int) and 0 < kid <= 0xFFFF else None,
                   str(body.get("denylist_version") or "")[:16])


def record_contact(db: Session, gate: MetroGate, report: DeviceReport, now: datetime | None = None) -> None:
    gate.last_contact_at = now or utcnow()
    gate.queue_depth, gate.key_version = report.queue, report.key_version
    gate.denylist_version = report.denylist_version
    db.add(gate)


def device_rules() -> dict[str, Any]:
    """What an offline device decides with (besides keys and the denylist): the line and the journey rules."""
    metro = data()
    rules = metro.rules
    return {
        "stations": [{"code": s.code, "index": s.index, "name_vi": s.name_vi, "name_en": s.name_en}
                     for s in metro.stations],
        "products": {str(p.code): {"id": p.id, "kind": p.kind, "name_vi": p.name_vi, "name_en": p.name_en}
                     for p in metro.products.values()},
        "categories": {str(code): name for name, code in metro.rider_categories.items()},
        **{key: int(rules[key]) for key in ("max_journey_minutes", "passback_minutes", "proof_window_seconds",
                                            "denylist_max_age_offline_hours")},
        "pull_seconds": metro.devices["pull_seconds"], "online_timeout_ms": metro.devices["online_timeout_ms"],
    }


def gate_json(gate: MetroGate) -> dict[str, Any]:
    station = data().station(gate.station)
    return {"id": gate.id, "station": gate.station, "kind": gate.kind, "label": gate.label,
            "station_vi": station.name_vi if station else gate.station,
            "station_en": station.name_en if station else gate.station}


def pull(db: Session, gate: MetroGate, report: DeviceReport, now: datetime | None = None) -> dict[str, Any]:
    """A device's regular pull: records its report and answers with what it needs to decide offline."""
    now = now or utcnow()
    record_contact(db, gate, report, now)
    entries = denylist_entries(db, now)
    return {"gate": gate_json(gate), "keys": issuer_keys.jwks(), "key_version": issuer_keys.key_version(),
            "denylist": entries, "denylist_version": denylist_version(entries), "rules": device_rules(),
            "server_time": to_unix(now)}


# --- the operator's view -----------------------------------------------------------------------------------


def _status(row: MetroGate) -> str:
    if row.token_hash is not None and row.is_active:
        return "active"
    return "revoked" if row.revoked_at is not None else "pending"


def list_devices(db: Session, actor_id: int | None, now: datetime | None = None) -> list[DeviceView]:
    require_operator(db, actor_id)
    now = now or utcnow()
    newest_key, current_denylist = issuer_keys.key_version(), denylist_version(denylist_entries(db, now))
    rows = db.exec(select(MetroGate).order_by(col(MetroGate.station), col(MetroGate.id))).all()
    return [DeviceView(r.id, r.station, r.kind, r.label, _status(r),
                       r.token_hash is not None and r.enrol_hash is not None and r.enrol_expires_at is not None
                       and r.enrol_expires_at > now,
                       r.credential_at, r.last_contact_at, r.queue_depth, r.key_version,
                       r.key_version == newest_key, r.denylist_version == current_denylist) for r in rows]


def publish_signing_key(db: Session, actor_id: int | None) -> int:
    """The operator's key update: a new ticket-signing key, published to gates now, signing from
    ``keys.SIGNING_LEAD`` on. Returns its id."""
    require_operator(db, actor_id)
    return issuer_keys.rotate_issuer_key()
