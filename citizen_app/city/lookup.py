"""Public lookups (no login): dossier status, feedback report, metro fare, procedures catalog, help points.

``search(db, q)`` is the one search box: it reads the query diacritic-insensitively and returns hits of
every kind it can answer. Dossier status needs the access code too, so a bare dossier number returns a
hit that asks for it; "HS-… CODE" answers directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session

from citizen_app.city import directory
from citizen_app.city.text import fold, ward_key
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_date, format_vnd
from citizen_app.i18n.catalog import translate

MAX_QUERY = 200
MAX_HITS = 12
_DOSSIER = re.compile(r"\b(HS-\d{6}-[A-Z0-9]{8})\b(?:\s+([A-Z0-9]{8}))?", re.IGNORECASE)
_REPORT = re.compile(r"^(?:#|pa[\s\-]?|phan anh\s*|report\s*)?(\d{1,12})$")
_STOP_WORDS = ("tu ", "den ", "di ", "ga ", "from ", "to ", "station ", "gia ve", "fare", "ve ")


@dataclass(frozen=True)
class Hit:
    kind: str  # "dossier_form", "dossier", "report", "fare", "station", "procedure", "help_point"
    title_vi: str
    title_en: str
    detail_vi: str = ""
    detail_en: str = ""
    href: str = ""
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FareAnswer:
    origin: str
    destination: str
    origin_vi: str
    origin_en: str
    destination_vi: str
    destination_en: str
    cash: str
    cashless: str
    estimate: bool


# --- single lookups ---------------------------------------------------------------------------------


def dossier_status(db: Session, number: str, access_code: str) -> Hit:
    from citizen_app.procedures.service import public_lookup

    found = public_lookup(db, (number or "")[:40].strip(), (access_code or "")[:40].strip())
    detail = {lang: translate("city.lookup.dossier_detail", lang, status=getattr(found, f"status_{lang}"),
                              submitted=found.submitted_on or "—", due=found.due_on or "—") for lang in ("vi", "en")}
    return Hit("dossier", f"{found.number} · {found.procedure_vi}", f"{found.number} · {found.procedure_en}",
               detail["vi"], detail["en"], "", {"number": found.number, "status_vi": found.status_vi,
                                                "status_en": found.status_en, "overdue": "1" if found.overdue else ""})


def report_status(db: Session, number: str) -> Hit:
    """A feedback report's public view by its number (hidden reports are 'not found')."""
    try:
        from citizen_app.feedback.board import get_public_report
    except ImportError as exc:  # the feedback pillar is not installed
        raise DomainError("city.lookup.feedback_unavailable") from exc
    text = fold(number).lstrip("#").strip()
    match = _REPORT.match(text)
    if not match:
        raise DomainError("city.lookup.report_number_invalid")
    views = {lang: get_public_report(db, match.group(1), None, lang) for lang in ("vi", "en")}
    vi, en = views["vi"], views["en"]
    detail = {v: translate("city.lookup.report_detail", v, stage=views[v].stage_label, category=views[v].category_name,
                           date=format_date(views[v].created_at)) for v in ("vi", "en")}
    return Hit("report", f"#{vi.report_id} · {vi.title}", f"#{en.report_id} · {en.title}", detail["vi"], detail["en"],
               f"/feedback/{vi.report_id}", {"id": str(vi.report_id)})


def fare(origin: str, destination: str) -> FareAnswer:
    from citizen_app.metro.fares import list_stations, quote_single

    quote = quote_single(origin, destination)
    names = {s.code: s for s in list_stations()}
    a, b = names[quote.origin], names[quote.destination]
    return FareAnswer(a.code, b.code, a.name_vi, a.name_en, b.name_vi, b.name_en, format_vnd(quote.cash_vnd),
                      format_vnd(quote.cashless_vnd), quote.is_estimate)


def stations() -> list[tuple[str, str, str]]:
    from citizen_app.metro.fares import list_stations

    return [(s.code, s.name_vi, s.name_en) for s in list_stations()]


def procedures() -> list[Hit]:
    from citizen_app.procedures.catalog import catalog

    return [Hit("procedure", p.name["vi"], p.name.get("en") or p.name["vi"], href=f"/procedures/p/{p.code}",
                data={"code": p.code}) for p in catalog().values()]


# --- the one search box -----------------------------------------------------------------------------


def _station_names(name_vi: str, name_en: str) -> list[str]:
    """Ways people write a station: 'Ga Bến xe Suối Tiên', 'suoi tien', 'Suoi Tien Bus Terminal'."""
    vi = fold(name_vi).removeprefix("ga ")
    en = fold(name_en).split(" (")[0]
    names = [vi, vi.removeprefix("ben xe "), fold(name_en), en, en.removesuffix(" bus terminal")]
    return sorted({n for n in names if n}, key=len, reverse=True)


def stations_in(query: str) -> list[str]:
    """Station codes named in the query, in the order they appear ('từ Bến Thành đến Suối Tiên')."""
    folded = " " + fold(query) + " "
    found: list[tuple[int, str]] = []
    for code, name_vi, name_en in stations():
        for name in _station_names(name_vi, name_en):
            pos = folded.find(" " + name + " ") if name else -1
            if pos < 0:
                pos = folded.find(" " + name)
                if pos >= 0 and len(name) < 6:
                    pos = -1
            if pos >= 0:
                found.append((pos, code))
                break
    ordered: list[str] = []
    for _, code in sorted(found):
        if code not in ordered:
            ordered.append(code)
    return ordered


def _dossier_hits(db: Session, query: str) -> list[Hit]:
    match = _DOSSIER.search(query)
    if not match:
        return []
    number = match.group(1).upper()
    if match.group(2):
        try:
            return [dossier_status(db, number, match.group(2))]
        except DomainError:
            pass
    return [Hit("dossier_form", number, number, translate("city.lookup.need_code", "vi"),
                translate("city.lookup.need_code", "en"), f"/lookup?number={number}", {"number": number})]


def _report_hits(db: Session, query: str) -> list[Hit]:
    if not _REPORT.match(fold(query)):
        return []
    try:
        return [report_status(db, query)]
    except DomainError:
        return []


def _fare_hits(query: str) -> list[Hit]:
    codes = stations_in(query)
    if len(codes) >= 2:
        answer = fare(codes[0], codes[1])
        detail = {lang: translate("city.lookup.fare_detail", lang, cash=answer.cash, cashless=answer.cashless)
                  for lang in ("vi", "en")}
        return [Hit("fare", f"{answer.origin_vi} → {answer.destination_vi}",
                    f"{answer.origin_en} → {answer.destination_en}", detail["vi"], detail["en"],
                    f"/lookup?from={answer.origin}&to={answer.destination}",
                    {"from": answer.origin, "to": answer.destination})]
    names = {code: (vi, en) for code, vi, en in stations()}
    return [Hit("station", names[c][0], names[c][1], translate("city.lookup.station_detail", "vi"),
                translate("city.lookup.station_detail", "en"), f"/lookup?from={c}", {"from": c}) for c in codes]


def _word_in(word: str, words: list[str]) -> bool:
    """Short words match whole words only ('co' is not 'cong'); longer ones also match a word's start."""
    return any(w == word or (len(word) > 3 and w.startswith(word)) for w in words)


def _procedure_hits(query: str) -> list[Hit]:
    from citizen_app.procedures.catalog import catalog

    words = [w for w in fold(query).split() if len(w) >= 2]
    if not words:
        return []
    hits = []
    for proc in catalog().values():
        text = fold(" ".join([proc.name["vi"], proc.name.get("en", ""), proc.code.replace("_", " "),
                              str(proc.raw.get("keywords", ""))])).split()
        if all(_word_in(w, text) for w in words):
            hits.append(Hit("procedure", proc.name["vi"], proc.name.get("en") or proc.name["vi"],
                            href=f"/procedures/p/{proc.code}", data={"code": proc.code}))
    return hits


def _help_hits(query: str) -> list[Hit]:
    key = ward_key(query)
    points = [p for p in directory.directory().points if key and ward_key(p.ward) == key]
    if not points and len(fold(query)) >= 3:
        points = directory.search_points(query)
    return [Hit("help_point", p.name_vi, p.name_en, p.address, p.address, f"/help/near?ward={p.ward}",
                {"code": p.code}) for p in points]


def search(db: Session, query: str) -> list[Hit]:
    """Everything the box can answer for ``query`` (at most MAX_HITS), most specific kinds first."""
    text = (query or "").strip()
    if not text:
        return []
    if len(text) > MAX_QUERY:
        raise DomainError("city.lookup.query_long", max=MAX_QUERY)
    hits = _dossier_hits(db, text) or _report_hits(db, text)
    if not hits:
        hits = _fare_hits(text) + _procedure_hits(text) + _help_hits(text)
    return hits[:MAX_HITS]
