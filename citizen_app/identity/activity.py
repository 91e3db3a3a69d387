"""The citizen's activity log, chained by hash per user so that edits and deletions show.

Each entry's ``hash`` is SHA-256 over its canonical content and the previous entry's hash.
Anyone with database write access could rebuild a whole chain, so operators should also
export the latest hash of each chain to an append-only store (not done in v1).

Run ``python -m citizen_app.identity.activity verify`` to check every chain (exit 1 on tamper).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import ActivityEntry

GENESIS = "0" * 64
KINDS = frozenset({
    "login", "logout", "credential_issued", "credential_presented", "credential_revoked", "signature",
    "consent_given", "consent_revoked", "consent_expired", "helper_action", "profile_changed", "profile_verified",
    "passkey_added", "passkey_removed", "official_access", "recovery", "password_changed", "dossier",
})


@dataclass(frozen=True)
class ChainReport:
    user_id: int
    ok: bool
    count: int
    first_bad_seq: int | None = None


@dataclass(frozen=True)
class ActivityView:
    seq: int
    kind: str
    when: str
    text: str
    by_other: bool


def _entry_hash(user_id: int, seq: int, kind: str, summary_key: str, params_json: str,
                actor_id: int | None, created_at: datetime, prev_hash: str) -> str:
    body = json.dumps([user_id, seq, kind, summary_key, params_json, actor_id,
                       created_at.isoformat(timespec="microseconds"), prev_hash],
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _params_json(params: dict[str, Any] | None) -> str:
    try:
        return json.dumps(params or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except TypeError as exc:
        raise DomainError("identity.activity.bad_params") from exc


def _last_entry(db: Session, user_id: int) -> ActivityEntry | None:
    query = select(ActivityEntry).where(ActivityEntry.user_id == user_id)
    return db.exec(query.order_by(col(ActivityEntry.seq).desc()).limit(1)).first()


def record_activity(db: Session, user_id: int, kind: str, summary_key: str,
                    params: dict[str, Any] | None = None, actor_id: int | None = None) -> ActivityEntry:
    """Append one entry to ``user_id``'s chain in the caller's transaction.

    ``summary_key`` is an i18n key rendered with ``params``; ``actor_id`` is set when someone else
    (an official or helper) acted on the citizen's behalf. The unique (user_id, seq) constraint makes
    a concurrent writer fail instead of forking the chain.
    """
    if kind not in KINDS:
        raise DomainError("identity.activity.bad_kind")
    last = _last_entry(db, user_id)
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    created = utcnow()
    params_json = _params_json(params)
    entry = ActivityEntry(user_id=user_id, seq=seq, kind=kind, summary_key=summary_key, params_json=params_json,
                          actor_id=actor_id, created_at=created, prev_hash=prev,
                          hash=_entry_hash(user_id, seq, kind, summary_key, params_json, actor_id, created, prev))
    db.add(entry)
    db.flush()
    return entry


def verify_chain(db: Session, user_id: int) -> ChainReport:
    """Recompute every hash and link; report the first broken sequence number."""
    rows = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == user_id)
                   .order_by(col(ActivityEntry.seq))).all()
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        digest = _entry_hash(row.user_id, row.seq, row.kind, row.summary_key, row.params_json,
                             row.actor_id, row.created_at, row.prev_hash)
        if row.seq != expected_seq or row.prev_hash != prev or row.hash != digest:
            return ChainReport(user_id, False, len(rows), row.seq)
        prev = row.hash
    return ChainReport(user_id, True, len(rows))


def verify_all_chains(db: Session) -> list[ChainReport]:
    user_ids = db.exec(select(ActivityEntry.user_id).distinct()).all()
    return [verify_chain(db, uid) for uid in sorted(user_ids)]


_CODED_PARAMS = {"kind": "identity.kind.", "method": "identity.method."}
# Other packages turn their own stored values into words here, e.g. the wallet names a verifier audience:
# ``PARAM_WORDS["verifier"] = lambda value, lang: ...`` (citizen_app/wallet/words.py).
PARAM_WORDS: dict[str, Callable[[str, str], str]] = {}


def _words(name: str, value: Any, lang: str) -> Any:
    """A parameter as people read it: a ``{"vi", "en"}`` pair in the reader's language, a coded value named."""
    if isinstance(value, dict) and "vi" in value:
        return value.get(lang) or value["vi"]
    if isinstance(value, str) and name in _CODED_PARAMS:
        return translate(_CODED_PARAMS[name] + value, lang)
    if isinstance(value, str) and name in PARAM_WORDS:
        return PARAM_WORDS[name](value, lang)
    return value


def render_entry(entry: ActivityEntry, lang: str = "vi") -> str:
    params = {name: _words(name, value, lang) for name, value in json.loads(entry.params_json or "{}").items()}
    try:
        return translate(entry.summary_key, lang, **params)
    except (KeyError, IndexError, ValueError):
        return translate(entry.summary_key, lang)


def list_activity(db: Session, user_id: int, lang: str = "vi", limit: int = 100, offset: int = 0) -> list[ActivityView]:
    """The citizen's own log, newest first, in plain language."""
    rows = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == user_id)
                   .order_by(col(ActivityEntry.seq).desc()).offset(offset).limit(min(limit, 500))).all()
    return [ActivityView(r.seq, r.kind, format_datetime(r.created_at), render_entry(r, lang),
                         r.actor_id is not None and r.actor_id != user_id) for r in rows]


def export_activity(db: Session, user_id: int) -> list[dict[str, Any]]:
    """Machine-readable export with hashes, so the citizen can keep and check their own copy."""
    rows = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == user_id)
                   .order_by(col(ActivityEntry.seq))).all()
    return [{"seq": r.seq, "kind": r.kind, "summary_key": r.summary_key, "params": json.loads(r.params_json),
             "actor_id": r.actor_id, "created_at": r.created_at.isoformat(timespec="microseconds"),
             "prev_hash": r.prev_hash, "hash": r.hash} for r in rows]


def main(argv: list[str]) -> int:
    if argv[:1] != ["verify"]:
        print("usage: python -m citizen_app.identity.activity verify", file=sys.stderr)
        return 2
    from citizen_app.core.db import session_scope

    with session_scope() as db:
        reports = verify_all_chains(db)
    bad = [r for r in reports if not r.ok]
    for report in bad:
        print(f"TAMPERED user={report.user_id} first_bad_seq={report.first_bad_seq}")
    print(f"checked {len(reports)} chains, {sum(r.count for r in reports)} entries, {len(bad)} broken")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
