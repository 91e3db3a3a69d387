"""Importers of the link checker's lists, one per source format: bytes in, normalised entries out.

Pure functions (no database, no network). An entry that cannot be read (a bad host, a number that is not
a phone, a path on a big platform) is skipped and counted, never guessed. Formats (docs/LINKCHECK.md):

* ``cds_json`` — the city's own JSON: ``{"as_of": "YYYY-MM-DD", "entries": [{"name", "brand", "category",
  "domains": [...], "phones": [...], "note_vi", "note_en", "since", "source", "verify_before_deployment",
  "sample"}]}``.
* ``chongluadao_json`` — the Chống Lừa Đảo project's blacklist: a JSON array of ``{"url": "https://host/*",
  "meta": {...}}`` (wildcards ``*.`` and ``/*`` allowed; ``created`` read when present).
* ``moit_csv`` — websites notified to/registered with the Ministry of Industry and Trade, one row per
  website with the fields online.gov.vn shows for it (Tên miền, Tên doanh nghiệp, Mã số thuế, Loại hình,
  Tình trạng, Ngày xác nhận); only rows whose status says "Đã xác nhận" are kept.
* ``ncsc_csv`` — websites carrying the NCSC trust label (tinnhiemmang.vn): Tên miền, Tên tổ chức, Lĩnh vực,
  Ngày gắn nhãn, Trạng thái; only rows "Đang hiệu lực" are kept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from citizen_app.city.linkcheck import parse_phone, to_ascii
from citizen_app.city.text import fold
from citizen_app.core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
_ZERO_WIDTH = re.compile("[\u200b-\u200d\ufeff]")


class ImportFailed(ValueError):
    """The payload is not in the list's format at all (not JSON, no header row, too big)."""


@dataclass(frozen=True)
class EntryIn:
    kind: str  # "domain" or "phone"
    value: str  # ascii host or national number
    name: str = ""
    brand: str = ""
    category: str = ""
    hotlines: tuple[str, ...] = ()
    note_vi: str = ""
    note_en: str = ""
    since: date | None = None
    sample: bool = False
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedList:
    as_of: date | None
    entries: tuple[EntryIn, ...]
    skipped: int


def host_of(raw: str) -> str | None:
    """'https://www.Shop.vn/*', '*.shop.vn', 'shop.vn/' -> 'shop.vn'; None for a path on a site or a bad host."""
    text = _ZERO_WIDTH.sub("", raw or "").strip().replace("*.", "", 1)
    if text.endswith("/*"):
        text = text[:-2]
    parts = urlsplit(text if "://" in text else "//" + text)
    if parts.path not in ("", "/") or parts.query or not parts.hostname:
        return None
    try:
        host = to_ascii(parts.hostname.rstrip("."))
    except DomainError:
        return None
    host = host.removeprefix("www.")
    return host if "." in host else None


def parse_date(raw: Any) -> date | None:
    text = str(raw or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFailed("too big")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed("not UTF-8") from exc


def _json(data: bytes) -> Any:
    try:
        return json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"not JSON: {exc.msg}") from exc


# --- cds_json ---------------------------------------------------------------------------------------


def _cds_entries(item: dict[str, Any]) -> Iterator[EntryIn | None]:
    phones = [parse_phone(str(p)) for p in item.get("phones", [])]
    hotlines = tuple(p for p in phones if p)
    common = {"name": str(item.get("name", "")), "brand": fold(item.get("brand", "")).replace(" ", ""),
              "category": str(item.get("category", "")), "note_vi": str(item.get("note_vi", "")),
              "note_en": str(item.get("note_en", "")), "since": parse_date(item.get("since")),
              "sample": bool(item.get("sample")),
              "detail": {k: item[k] for k in ("legal_name", "source", "verify_before_deployment") if k in item}}
    for raw in item.get("domains", []):
        host = host_of(str(raw))
        yield EntryIn("domain", host, hotlines=hotlines, **common) if host else None
    for number in phones:
        yield EntryIn("phone", number, hotlines=hotlines, **common) if number else None


def cds_json(data: bytes) -> ParsedList:
    body = _json(data)
    if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        raise ImportFailed("expected an object with an 'entries' list")
    found = [entry for item in body["entries"] if isinstance(item, dict) for entry in _cds_entries(item)]
    skipped = sum(1 for item in body["entries"] if not isinstance(item, dict))
    return _parsed(parse_date(body.get("as_of")), found, skipped)


# --- chongluadao_json -----------------------------------------------------------------------------


def chongluadao_json(data: bytes) -> ParsedList:
    body = _json(data)
    if not isinstance(body, list):
        raise ImportFailed("expected a JSON array of {url, meta}")
    found: list[EntryIn | None] = []
    for item in body:
        host = host_of(str(item.get("url", ""))) if isinstance(item, dict) else None
        found.append(EntryIn("domain", host, since=parse_date(item.get("created"))) if host else None)
    return _parsed(None, found, 0)


# --- CSV lists --------------------------------------------------------------------------------------


def _csv_rows(data: bytes, columns: dict[str, tuple[str, ...]]) -> Iterator[dict[str, str]]:
    """Rows keyed by our field names; headers are matched folded ('Tên miền' == 'ten mien')."""
    reader = csv.reader(io.StringIO(_decode(data)))
    header = next(reader, None)
    if not header:
        raise ImportFailed("no header row")
    folded = [fold(h) for h in header]
    index = {name: next((i for i, h in enumerate(folded) if h in aliases), -1) for name, aliases in columns.items()}
    if index["domain"] < 0:
        raise ImportFailed("no domain column")
    for row in reader:
        if any(cell.strip() for cell in row):
            yield {name: (row[i].strip() if 0 <= i < len(row) else "") for name, i in index.items()}


def _csv_list(data: bytes, columns: dict[str, tuple[str, ...]], keep: Callable[[str], bool], category: str,
              detail: tuple[str, ...]) -> ParsedList:
    found: list[EntryIn | None] = []
    for row in _csv_rows(data, columns):
        host = host_of(row["domain"])
        if host is None or not keep(fold(row["status"])):
            found.append(None)
            continue
        found.append(EntryIn("domain", host, name=row["name"], category=category, since=parse_date(row["date"]),
                             detail={k: row[k] for k in detail if row[k]}))
    return _parsed(None, found, 0)


MOIT_COLUMNS = {
    "domain": ("ten mien", "domain", "website", "dia chi website"),
    "name": ("ten doanh nghiep", "ten thuong nhan", "chu so huu", "ten to chuc"),
    "tax_id": ("ma so thue", "mst"),
    "service": ("loai hinh", "loai hinh cung cap dich vu"),
    "status": ("tinh trang", "trang thai"),
    "date": ("ngay xac nhan", "ngay thong bao", "ngay dang ky", "ngay"),
}
NCSC_COLUMNS = {
    "domain": ("ten mien", "domain", "website"),
    "name": ("ten to chuc", "to chuc", "chu so huu"),
    "field": ("linh vuc",),
    "status": ("trang thai", "tinh trang"),
    "date": ("ngay gan nhan", "ngay cap", "ngay"),
}


def moit_csv(data: bytes) -> ParsedList:
    return _csv_list(data, MOIT_COLUMNS, lambda status: status.startswith("da xac nhan"), "shop",
                     ("tax_id", "service"))


def ncsc_csv(data: bytes) -> ParsedList:
    return _csv_list(data, NCSC_COLUMNS, lambda status: status in ("dang hieu luc", "con hieu luc", "active"),
                     "site", ("field",))


def _parsed(as_of: date | None, found: list[EntryIn | None], skipped: int) -> ParsedList:
    kept = tuple(entry for entry in found if entry is not None)
    return ParsedList(as_of, kept, skipped + len(found) - len(kept))


IMPORTERS: dict[str, Callable[[bytes], ParsedList]] = {
    "cds_json": cds_json,
    "chongluadao_json": chongluadao_json,
    "moit_csv": moit_csv,
    "ncsc_csv": ncsc_csv,
}
