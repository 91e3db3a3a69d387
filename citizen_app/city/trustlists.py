"""The link checker's lists in the database: import (shipped snapshot or source URL), refresh, the snapshot the
engine and the offline checker use, and the city's own blacklist fed by confirmed scam reports.

Every list is described in ``data/city/lists/manifest.json`` (name, publisher, source, licence, format, the
shipped snapshot and its date, the environment variable holding a refresh URL). Until a list has been
imported, its shipped snapshot is read straight from the file, so the checker works on a fresh database and
without any network. ``current_rules()`` keeps the built rules per worker and rebuilds them when the lists'
version (one small query on ``city_trust_list``) changes, so an entry confirmed in one worker reaches the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func
from sqlmodel import Session, select

from citizen_app.city import importers, linkcheck
from citizen_app.city.models import CityScamTarget, CityTrustEntry, CityTrustList
from citizen_app.core.config import ROOT, settings
from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.timeutil import to_local, utcnow

log = logging.getLogger(__name__)
DATA = ROOT / "data" / "city"
LISTS = DATA / "lists"
CITY_BLACKLIST = "city_blacklist"
FETCH_TIMEOUT_S = 30
SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class ListSpec:
    code: str
    kind: str  # "trusted" or "blacklist"
    format: str
    snapshot: str
    snapshot_date: date
    refresh_env: str
    name_vi: str
    name_en: str
    publisher_vi: str
    publisher_en: str
    source_url: str
    licence: str
    sample: bool

    def refresh_url(self) -> str:
        return os.environ.get(self.refresh_env, "").strip() if self.refresh_env else ""


@lru_cache(maxsize=1)
def manifest() -> tuple[ListSpec, ...]:
    """The lists, validated once (a bad manifest stops start-up, not a request)."""
    raw = json.loads((LISTS / "manifest.json").read_text(encoding="utf-8"))
    specs = []
    for item in raw["lists"]:
        if item["format"] not in importers.IMPORTERS or item["kind"] not in ("trusted", "blacklist"):
            raise ValueError(f"lists manifest: bad format or kind for {item['code']}")
        if not (LISTS / item["snapshot"]).is_file():
            raise ValueError(f"lists manifest: missing snapshot {item['snapshot']}")
        specs.append(ListSpec(item["code"], item["kind"], item["format"], item["snapshot"],
                              date.fromisoformat(item["snapshot_date"]), item.get("refresh_env", ""),
                              item["name_vi"], item["name_en"], item["publisher_vi"], item["publisher_en"],
                              item.get("source_url", ""), item.get("licence", ""), bool(item.get("sample"))))
    if len({s.code for s in specs}) != len(specs) or CITY_BLACKLIST not in {s.code for s in specs}:
        raise ValueError("lists manifest: duplicate codes or no city blacklist")
    return tuple(specs)


def spec_of(code: str) -> ListSpec:
    return next(s for s in manifest() if s.code == code)


def include_samples() -> bool:
    """CDS_LIST_SAMPLES=0 leaves out every sample entry (a deployment with real lists)."""
    return os.environ.get("CDS_LIST_SAMPLES", "1") != "0"


@lru_cache(maxsize=16)
def parsed_snapshot(code: str) -> importers.ParsedList:
    spec = spec_of(code)
    parsed = importers.IMPORTERS[spec.format]((LISTS / spec.snapshot).read_bytes())
    return importers.ParsedList(parsed.as_of or spec.snapshot_date, parsed.entries, parsed.skipped)


def _rules_file() -> dict[str, Any]:
    raw = json.loads((DATA / "linkcheck_rules.json").read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


# --- import ---------------------------------------------------------------------------------------


def import_entries(db: Session, spec: ListSpec, parsed: importers.ParsedList, origin: str,
                   source: str) -> CityTrustList:
    """Replace the list's entries (those from confirmed reports stay) with ``parsed``; record provenance."""
    sample_list = spec.sample and origin == "snapshot"
    keep_samples = include_samples()
    db.exec(delete(CityTrustEntry).where(CityTrustEntry.list_code == spec.code,  # type: ignore[call-overload]
                                         CityTrustEntry.report_id.is_(None)))  # type: ignore[union-attr]
    seen: set[tuple[str, str]] = set()
    for entry in parsed.entries:
        sample = entry.sample or sample_list
        if (sample and not keep_samples) or (entry.kind, entry.value) in seen:
            continue
        seen.add((entry.kind, entry.value))
        db.add(CityTrustEntry(list_code=spec.code, kind=entry.kind, value=entry.value, name=entry.name[:200],
                              brand=entry.brand[:64], category=entry.category[:16], hotlines=" ".join(entry.hotlines),
                              note_vi=entry.note_vi[:300], note_en=entry.note_en[:300], since=entry.since,
                              sample=sample, detail_json=json.dumps(entry.detail, ensure_ascii=False)))
    row = db.exec(select(CityTrustList).where(CityTrustList.code == spec.code)).first() \
        or CityTrustList(code=spec.code, kind=spec.kind)
    now = utcnow()
    reports = db.exec(select(func.count(CityTrustEntry.id)).where(CityTrustEntry.list_code == spec.code,
                                                                 CityTrustEntry.report_id.is_not(None))).one()  # type: ignore[union-attr]
    row.origin, row.source, row.as_of, row.sample = origin, source[:500], parsed.as_of, sample_list
    row.entry_count, row.imported_at, row.updated_at = len(seen) + int(reports), now, now
    if origin == "refresh":
        row.last_attempt_at, row.last_error = now, ""
    db.add(row)
    db.flush()
    return row


def import_snapshot(db: Session, code: str) -> CityTrustList:
    spec = spec_of(code)
    return import_entries(db, spec, parsed_snapshot(code), "snapshot", spec.snapshot)


def fetch(url: str) -> bytes:
    """GET a list from its configured source (http or https only, size-capped)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise importers.ImportFailed("the source URL must be http or https")
    request = urllib.request.Request(url, headers={"User-Agent": "cong-dan-so-linkcheck/1"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:  # scheme checked above
        body = response.read(importers.MAX_BYTES + 1)
    if len(body) > importers.MAX_BYTES:
        raise importers.ImportFailed("too big")
    return body


def import_from_url(db: Session, spec: ListSpec, url: str, body: bytes) -> CityTrustList:
    parsed = importers.IMPORTERS[spec.format](body)
    if not parsed.entries:
        raise importers.ImportFailed(f"no usable entry ({parsed.skipped} skipped)")
    today = to_local(utcnow()).date()
    return import_entries(db, spec, importers.ParsedList(parsed.as_of or today, parsed.entries, parsed.skipped),
                          "refresh", url)


def record_failure(db: Session, spec: ListSpec, error: str) -> None:
    """A failed refresh keeps the entries it had; the error is shown on the jobs page and in the list's row."""
    row = db.exec(select(CityTrustList).where(CityTrustList.code == spec.code)).first()
    if row is None:
        row = import_snapshot(db, spec.code)
    row.last_attempt_at, row.last_error = utcnow(), error[:500]
    db.add(row)


def refresh_due(row: CityTrustList | None, spec: ListSpec, now: datetime) -> str:
    """'fetch' (a source URL is configured and the last attempt is old), 'snapshot' (nothing imported yet, or
    a newer snapshot was shipped) or ''."""
    if spec.refresh_url():
        hours = int(os.environ.get("CDS_LIST_REFRESH_HOURS", "24"))
        last = row.last_attempt_at if row is not None else None
        return "fetch" if last is None or last < now - timedelta(hours=hours) else ""
    if row is None or (row.origin == "snapshot" and (row.as_of or date.min) < spec.snapshot_date):
        return "snapshot"
    return ""


def refresh_lists(now: datetime | None = None) -> int:
    """The background job: import what is due, one transaction per list. Returns how many lists failed."""
    now = now or utcnow()
    failed = 0
    for spec in manifest():
        with session_scope() as db:
            how = refresh_due(db.exec(select(CityTrustList).where(CityTrustList.code == spec.code)).first(), spec, now)
        if how == "snapshot":
            with session_scope() as db:
                import_snapshot(db, spec.code)
        elif how == "fetch":
            failed += _refresh_from_source(spec)
    return failed


def _refresh_from_source(spec: ListSpec) -> int:
    url = spec.refresh_url()
    try:
        body = fetch(url)
        with session_scope() as db:
            import_from_url(db, spec, url, body)
        return 0
    except (OSError, importers.ImportFailed) as exc:  # network, HTTP status, format: keep the old entries
        log.warning("list %s: refresh from %s failed: %s", spec.code, url, exc)
        with session_scope() as db:
            record_failure(db, spec, f"{type(exc).__name__}: {exc}")
        return 1


# --- the snapshot the engine and the offline checker use ---------------------------------------------


def _entry_dict(row: CityTrustEntry | importers.EntryIn, list_code: str, sample: bool) -> dict[str, Any]:
    hotlines = row.hotlines.split() if isinstance(row.hotlines, str) else list(row.hotlines)
    out: dict[str, Any] = {"name": row.name, "lists": [list_code], "category": row.category}
    if row.brand:
        out["brand"] = row.brand
    if hotlines:
        out["hotlines"] = hotlines
    if sample:
        out["sample"] = True
    return out


def _block_dict(row: CityTrustEntry | importers.EntryIn, list_code: str, sample: bool,
                as_of: date | None) -> dict[str, Any]:
    since = row.since or as_of
    out: dict[str, Any] = {"list": list_code, "since": since.isoformat() if since else ""}
    if row.note_vi or row.note_en:
        out.update(note_vi=row.note_vi, note_en=row.note_en)
    report_id = getattr(row, "report_id", None)
    if report_id:
        out["report"] = str(report_id)
    if sample:
        out["sample"] = True
    return out


def _list_entries(db: Session | None, spec: ListSpec,
                  rows: dict[str, CityTrustList]) -> tuple[list[tuple[Any, bool]], date | None, bool, str]:
    """(entry, sample) pairs of one list, from the database once imported, else from the shipped file."""
    row = rows.get(spec.code)
    if db is not None and row is not None:
        found = db.exec(select(CityTrustEntry).where(CityTrustEntry.list_code == spec.code)
                        .order_by(CityTrustEntry.id)).all()  # type: ignore[arg-type]
        return [(e, e.sample) for e in found], row.as_of, row.sample, row.origin
    parsed = parsed_snapshot(spec.code)
    keep = include_samples()
    pairs = [(e, e.sample or spec.sample) for e in parsed.entries]
    return [(e, s) for e, s in pairs if keep or not s], parsed.as_of, spec.sample, "snapshot"


def _own_portal() -> dict[str, str] | None:
    host = (urlsplit(settings().public_url).hostname or "").lower()
    if "." not in host or linkcheck.ip_host(host) is not None or host.endswith(".localhost"):
        return None
    return {"domain": host, "name": "Công dân số TP.HCM"}


def build_snapshot(db: Session | None, own_site: bool = True) -> dict[str, Any]:
    """Everything the engine needs, as plain JSON (also served to the offline checker)."""
    rows = {r.code: r for r in db.exec(select(CityTrustList)).all()} if db is not None else {}
    rules = _rules_file()
    portal = _own_portal() if own_site else None
    if portal:
        rules["government"]["portals"].append(portal)
    out: dict[str, Any] = {"format": SNAPSHOT_FORMAT, "rules": rules, "lists": {}, "sites": {}, "phones": {},
                           "blocked": {}, "blocked_phones": {}}
    out["lists"][linkcheck.GOVERNMENT] = {"name_vi": "Quy tắc tên miền .gov.vn và cổng thông tin nhà nước",
                                         "name_en": "The .gov.vn rule and state portals", "kind": "trusted"}
    for spec in manifest():
        entries, as_of, sample, origin = _list_entries(db, spec, rows)
        out["lists"][spec.code] = {"name_vi": spec.name_vi, "name_en": spec.name_en, "kind": spec.kind,
                                   "as_of": as_of.isoformat() if as_of else "", "sample": sample, "origin": origin,
                                   "count": len(entries)}
        for entry, entry_sample in entries:
            _merge(out, spec, entry, entry_sample, as_of)
    _drop_conflicts(out)
    body = json.dumps(out, sort_keys=True, ensure_ascii=False)
    out["version"] = hashlib.sha256(body.encode()).hexdigest()[:16]
    return out


def _merge(out: dict[str, Any], spec: ListSpec, entry: Any, sample: bool, as_of: date | None) -> None:
    if spec.kind == "trusted":
        target = out["sites" if entry.kind == "domain" else "phones"]
        if entry.value in target:
            target[entry.value]["lists"].append(spec.code)
        else:
            target[entry.value] = _entry_dict(entry, spec.code, sample)
        return
    target = out["blocked" if entry.kind == "domain" else "blocked_phones"]
    if entry.value not in target or getattr(entry, "report_id", None):  # a confirmed report wins
        target[entry.value] = _block_dict(entry, spec.code, sample, as_of)


def _drop_conflicts(out: dict[str, Any]) -> None:
    """A trusted site also on a blacklist stays trusted unless an official confirmed the report about it."""
    for key, trusted in (("blocked", "sites"), ("blocked_phones", "phones")):
        for value in [v for v, e in out[key].items() if v in out[trusted] and not e.get("report")]:
            del out[key][value]


# --- the rules each worker keeps --------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def lists_version(db: Session) -> str:
    newest, count = db.exec(select(func.max(CityTrustList.updated_at), func.count(CityTrustList.id))).one()
    return f"{id(db.get_bind())}|{newest}|{count}|{include_samples()}|{settings().public_url}"


def _cached(db: Session) -> dict[str, Any]:
    version = lists_version(db)
    with _lock:
        if _cache.get("version") == version:
            return dict(_cache)
    snapshot = build_snapshot(db)
    fresh = {"version": version, "snapshot": snapshot, "rules": linkcheck.build_rules(snapshot)}
    with _lock:
        _cache.clear()
        _cache.update(fresh)
    return fresh


def current_snapshot(db: Session | None = None) -> dict[str, Any]:
    """The snapshot of the lists as they are now (built again only when they changed)."""
    if db is not None:
        return _cached(db)["snapshot"]
    with read_scope() as session:
        return _cached(session)["snapshot"]


def current_rules(db: Session | None = None) -> linkcheck.Rules:
    if db is not None:
        return _cached(db)["rules"]
    with read_scope() as session:
        return _cached(session)["rules"]


def check(raw: str, db: Session | None = None) -> linkcheck.CheckResult:
    """The checker against the current lists (read with ``db`` when given, else in a read scope of its own)."""
    return linkcheck.check(raw, current_rules(db))


@lru_cache(maxsize=1)
def shipped_rules() -> linkcheck.Rules:
    """The rules from the shipped snapshots only (no database): tests and the offline export."""
    return linkcheck.build_rules(build_snapshot(None, own_site=False))


# --- the city's blacklist, fed by confirmed scam reports ----------------------------------------------


def record_target(db: Session, report_id: int, result: linkcheck.CheckResult) -> CityScamTarget | None:
    """Remember which link or number a scam report is about (an IP address is not a listable site)."""
    if result.kind == "url":
        if linkcheck.ip_host(result.ascii_form) is not None:
            return None
        kind, value = "domain", result.ascii_form.removeprefix("www.")
    else:
        kind, value = "phone", result.site
    target = CityScamTarget(report_id=report_id, kind=kind, value=value, display=result.display[:300])
    db.add(target)
    return target


def add_confirmed_report(db: Session, report_id: int) -> CityTrustEntry | None:
    """The official confirmed the report: its link or number joins the city's blacklist, the report as
    provenance. Returns the entry, or None when the report is not about a recorded link or number."""
    target = db.exec(select(CityScamTarget).where(CityScamTarget.report_id == report_id)).first()
    if target is None:
        return None
    row = db.exec(select(CityTrustList).where(CityTrustList.code == CITY_BLACKLIST)).first() \
        or import_snapshot(db, CITY_BLACKLIST)
    entry = CityTrustEntry(list_code=CITY_BLACKLIST, kind=target.kind, value=target.value, report_id=report_id,
                           since=to_local(utcnow()).date(), detail_json=json.dumps({"display": target.display},
                                                                                  ensure_ascii=False))
    db.add(entry)
    row.entry_count, row.updated_at = row.entry_count + 1, utcnow()
    db.add(row)
    db.flush()
    return entry


def list_rows(db: Session) -> list[dict[str, Any]]:
    """Every list with its provenance, for the /safety page and the docs' promise of showing dates."""
    rows = {r.code: r for r in db.exec(select(CityTrustList)).all()}
    out = []
    for spec in manifest():
        row = rows.get(spec.code)
        as_of = row.as_of if row is not None else parsed_snapshot(spec.code).as_of
        out.append({"code": spec.code, "name_vi": spec.name_vi, "name_en": spec.name_en,
                    "publisher_vi": spec.publisher_vi, "publisher_en": spec.publisher_en,
                    "as_of": as_of, "sample": row.sample if row is not None else spec.sample,
                    "origin": row.origin if row is not None else "snapshot", "source_url": spec.source_url})
    return out
