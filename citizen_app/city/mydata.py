"""My data: what the app holds about a user, a JSON export, and tracked deletion requests (Decree 13/2023).

The export is generic: every table in ``SQLModel.metadata`` with a foreign key to ``user_account.id``
(or a ``user_id`` column) is included, so a new pillar's tables appear without touching this file.
Columns that hold secrets (password hashes, key material, token hashes, push capability URLs) are left
out by an explicit denylist. Rows where the user only *acted* (an official who verified someone, a
volunteer who took a request) are listed as mentions without the other person's data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlalchemy import LargeBinary, Table, func, inspect, or_, select
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as sm_select

from citizen_app.city.models import DATA_REQUEST_STATUSES, CityDataRequest
from citizen_app.core.catalog import CatalogModel, Text, invalid, load_file, require_unique
from citizen_app.core.config import ROOT
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.registry import import_all_models
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.identity.models import UserAccount
from citizen_app.identity.service import require_role

RETENTION_FILE = ROOT / "data" / "city" / "data_retention.json"
USER_TARGET = "user_account.id"
EXPORT_FORMAT = "cong-dan-so/my-data/1"
# Never exported: secrets and key material, whatever table they sit in.
SECRET_COLUMNS = frozenset({
    "password_hash", "key_hash", "code_hash", "access_code_hash", "token", "token_hash", "enrol_hash", "secret",
    "private_key",
    "sealed_key", "challenge", "p256dh", "auth", "endpoint", "payload", "device_key", "storage_key", "storage_name",
    "thumb_name",
})
# Table-qualified secrets: primary keys that are themselves token hashes.
SECRET_QUALIFIED = frozenset({"login_session.id", "login_ticket.id", "identity_webauthn_challenge.id"})
# Columns that name someone who acted on another person's record (not the record's owner).
ACTOR_COLUMNS = frozenset({
    "actor_id", "verified_by", "issued_by", "signed_by", "requested_by", "created_by", "added_by", "handled_by",
    "helper_id", "author_id", "volunteer_id",
})
OPEN_STATUSES = ("received", "in_progress")
NEXT_STATUS = {"received": ("in_progress", "done", "rejected"), "in_progress": ("done", "rejected")}
NOTE_MAX = 1000


@dataclass(frozen=True)
class UserTable:
    name: str
    table: Table
    columns: tuple[str, ...]  # the columns that point at the user

    @property
    def owner_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in ACTOR_COLUMNS)

    @property
    def actor_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c in ACTOR_COLUMNS)


@dataclass(frozen=True)
class Rule:
    match: str
    policy: str  # delete, anonymise, keep, review
    label_vi: str
    label_en: str
    reason_vi: str
    reason_en: str


@dataclass(frozen=True)
class TableSummary:
    table: str
    label_vi: str
    label_en: str
    rows: int
    mentions: int
    policy: str
    reason_vi: str
    reason_en: str


@dataclass(frozen=True)
class DataRequestView:
    id: int
    user_name: str
    user_contact: str
    status: str
    note: str
    response_note: str
    created: str
    due: str
    overdue: bool
    plan: list[dict[str, Any]]


# --- discovery --------------------------------------------------------------------------------------


def user_tables() -> list[UserTable]:
    """Every table that references a user account, found from the metadata (new pillars included)."""
    import_all_models()
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name == "user_account":
            found.append(UserTable(table.name, table, ("id",)))
            continue
        cols = tuple(c.name for c in table.columns
                     if any(fk.target_fullname == USER_TARGET for fk in c.foreign_keys) or c.name == "user_id")
        if cols:
            found.append(UserTable(table.name, table, cols))
    return found


class RetentionRule(CatalogModel):
    match: Text
    policy: Literal["delete", "anonymise", "keep", "review"]
    label_vi: Text
    label_en: Text
    reason_vi: Text
    reason_en: Text


class RetentionFile(CatalogModel):
    """``data/city/data_retention.json``: what a deletion request removes, by table name or prefix."""

    deadline_hours: int = Field(gt=0)
    rules: list[RetentionRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_last(self) -> RetentionFile:
        require_unique(self.rules, "match", "rules")
        if self.rules[-1].match != "*":
            raise invalid("the last rule must be the '*' default", "rules", len(self.rules) - 1, "match")
        return self


@lru_cache(maxsize=1)
def retention_rules(path: Path = RETENTION_FILE) -> tuple[int, tuple[Rule, ...]]:
    raw = load_file(path, RetentionFile)
    return raw.deadline_hours, tuple(Rule(r.match, r.policy, r.label_vi, r.label_en, r.reason_vi, r.reason_en)
                                     for r in raw.rules)


def rule_for(table: str) -> Rule:
    rules = retention_rules()[1]
    exact = next((r for r in rules if r.match == table), None)
    if exact:
        return exact
    prefixed = [r for r in rules if r.match != "*" and r.match.endswith("_") and table.startswith(r.match)]
    return max(prefixed, key=lambda r: len(r.match)) if prefixed else rules[-1]


# --- export -----------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"omitted": "binary", "bytes": len(bytes(value))}
    return value


def _exported_columns(ut: UserTable) -> list[str]:
    return [c.name for c in ut.table.columns
            if c.name not in SECRET_COLUMNS and f"{ut.name}.{c.name}" not in SECRET_QUALIFIED
            and not isinstance(c.type, LargeBinary)]


def _owner_filter(ut: UserTable, user_id: int):
    cols = ut.owner_columns
    return or_(*[ut.table.c[c] == user_id for c in cols]) if cols else None


def _mention_filter(ut: UserTable, user_id: int):
    cols = ut.actor_columns
    if not cols:
        return None
    mention = or_(*[ut.table.c[c] == user_id for c in cols])
    owner = _owner_filter(ut, user_id)
    return mention if owner is None else mention & ~owner


def _rows(db: Session, ut: UserTable, user_id: int) -> list[dict[str, Any]]:
    where = _owner_filter(ut, user_id)
    if where is None:
        return []
    wanted = _exported_columns(ut)
    pk = list(ut.table.primary_key.columns)
    result = db.connection().execute(select(ut.table).where(where).order_by(*pk))
    return [{k: _jsonable(row._mapping[k]) for k in wanted} for row in result]


def _mentions(db: Session, ut: UserTable, user_id: int) -> list[dict[str, Any]]:
    where = _mention_filter(ut, user_id)
    if where is None:
        return []
    keys = [c.name for c in ut.table.primary_key.columns if f"{ut.name}.{c.name}" not in SECRET_QUALIFIED]
    times = [c.name for c in ut.table.columns if c.name.endswith("_at") or c.name == "at"]
    result = db.connection().execute(select(ut.table).where(where))
    out = []
    for row in result:
        data = row._mapping
        item = {k: _jsonable(data[k]) for k in keys + times}
        item["as"] = [c for c in ut.actor_columns if data[c] == user_id]
        out.append(item)
    return out


def _existing(db: Session) -> set[str]:
    """Tables present in the database (a pillar's models may ship before its migration is applied)."""
    return set(inspect(db.connection()).get_table_names())


def export_user_data(db: Session, user_id: int | None) -> dict[str, Any]:
    """Everything the app holds about ``user_id``, one entry per referencing table (even when empty)."""
    if user_id is None or db.get(UserAccount, user_id) is None:
        raise NotAllowed("error.login_required")
    tables: dict[str, Any] = {}
    existing = _existing(db)
    for ut in user_tables():
        rule = rule_for(ut.name)
        present = ut.name in existing
        tables[ut.name] = {"label": {"vi": rule.label_vi, "en": rule.label_en}, "references": list(ut.columns),
                           "rows": _rows(db, ut, user_id) if present else [],
                           "mentions": _mentions(db, ut, user_id) if present else [],
                           "retention": {"policy": rule.policy, "vi": rule.reason_vi, "en": rule.reason_en}}
        if not present:
            tables[ut.name]["not_in_database"] = True
    return {"format": EXPORT_FORMAT, "generated_at": utcnow().isoformat(), "user_id": user_id,
            "omitted_columns": sorted(SECRET_COLUMNS | SECRET_QUALIFIED), "tables": tables}


def export_json(db: Session, user_id: int | None) -> str:
    return json.dumps(export_user_data(db, user_id), ensure_ascii=False, indent=1)


def _count(db: Session, ut: UserTable, where: Any) -> int:
    if where is None:
        return 0
    return int(db.connection().execute(select(func.count()).select_from(ut.table).where(where)).scalar_one())


def data_summary(db: Session, user_id: int | None) -> list[TableSummary]:
    """Per table: how many rows are yours, how many mention you, and what a deletion request would do."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    out = []
    existing = _existing(db)
    for ut in user_tables():
        if ut.name not in existing:
            continue
        rows, mentions = _count(db, ut, _owner_filter(ut, user_id)), _count(db, ut, _mention_filter(ut, user_id))
        if rows or mentions:
            rule = rule_for(ut.name)
            out.append(TableSummary(ut.name, rule.label_vi, rule.label_en, rows, mentions, rule.policy,
                                    rule.reason_vi, rule.reason_en))
    return out


# --- deletion requests ------------------------------------------------------------------------------


def _plan(db: Session, user_id: int) -> list[dict[str, Any]]:
    return [{"table": s.table, "rows": s.rows, "policy": s.policy} for s in data_summary(db, user_id) if s.rows]


def request_deletion(db: Session, user_id: int | None, note: str = "", now: datetime | None = None) -> CityDataRequest:
    """File a deletion request with the plan (what goes, what the law keeps); one open request at a time."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise DomainError("city.data.note_long", max=NOTE_MAX)
    open_row = db.exec(sm_select(CityDataRequest).where(CityDataRequest.user_id == user_id,
                                                        col(CityDataRequest.status).in_(OPEN_STATUSES))).first()
    if open_row is not None:
        raise DomainError("city.data.request_open")
    now = now or utcnow()
    hours = retention_rules()[0]
    row = CityDataRequest(user_id=user_id, kind="delete", note=text, plan_json=json.dumps(_plan(db, user_id)),
                          created_at=now, updated_at=now, due_at=now + timedelta(hours=hours))
    db.add(row)
    db.flush()
    return row


def _request_view(db: Session, row: CityDataRequest, now: datetime, with_user: bool) -> DataRequestView:
    user = db.get(UserAccount, row.user_id) if with_user else None
    contact = (user.phone or user.email or "") if user else ""
    return DataRequestView(row.id or 0, user.full_name if user else "", contact, row.status, row.note,
                           row.response_note, format_datetime(row.created_at), format_datetime(row.due_at),
                           row.status in OPEN_STATUSES and row.due_at < now, json.loads(row.plan_json or "[]"))


def my_data_requests(db: Session, user_id: int | None) -> list[DataRequestView]:
    if user_id is None:
        raise NotAllowed("error.login_required")
    rows = db.exec(sm_select(CityDataRequest).where(CityDataRequest.user_id == user_id)
                   .order_by(col(CityDataRequest.id).desc())).all()
    return [_request_view(db, r, utcnow(), False) for r in rows]


def list_data_requests(db: Session, actor_id: int | None, only_open: bool = True) -> list[DataRequestView]:
    """Admin view: open requests first by due date."""
    require_role(db, actor_id, "admin")
    query = sm_select(CityDataRequest)
    if only_open:
        query = query.where(col(CityDataRequest.status).in_(OPEN_STATUSES))
    rows = db.exec(query.order_by(col(CityDataRequest.due_at)).limit(200)).all()
    return [_request_view(db, r, utcnow(), True) for r in rows]


def update_data_request(db: Session, actor_id: int | None, request_id: int, status: str, response_note: str = "",
                        now: datetime | None = None) -> CityDataRequest:
    require_role(db, actor_id, "admin")
    row = db.get(CityDataRequest, request_id)
    if row is None:
        raise NotFound()
    if status not in DATA_REQUEST_STATUSES or status not in NEXT_STATUS.get(row.status, ()):
        raise DomainError("city.data.status_invalid")
    text = (response_note or "").strip()
    if len(text) > NOTE_MAX:
        raise DomainError("city.data.note_long", max=NOTE_MAX)
    if status == "rejected" and not text:
        raise DomainError("city.data.reason_required")
    now = now or utcnow()
    row.status, row.response_note, row.handled_by, row.updated_at = status, text or row.response_note, actor_id, now
    if status in ("done", "rejected"):
        row.closed_at = now
    db.add(row)
    return row

