"""Open311 GeoReport v2 mapping layer: board data <-> spec resources, one serialiser for XML and JSON.

Follows http://wiki.open311.org/GeoReport_v2 and our profile (docs: shared/reference/open311.md):
string ids and codes, datetimes with +07:00, errors as lists, 90-day / 1,000-row default window,
extensions ``page``/``page_size``, ``extensions=true`` (attributes, notes) and ``lat``/``long``/``radius``.
Reports posted here enter the same triage queue as web reports (``service.insert_report``).
"""

from __future__ import annotations

import functools
import json
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from citizen_app.core.config import settings
from citizen_app.core.db import run
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import VN_TZ, to_local, utcnow
from citizen_app.feedback.backoffice import check_api_key
from citizen_app.feedback.catalog import Category, load_catalog
from citizen_app.feedback.geo import bbox_around, distance_m, valid_point
from citizen_app.feedback.models import FeedbackPhoto, FeedbackReport
from citizen_app.feedback.service import ReportInput, check_report_input, check_text, insert_report, report_id_of
from citizen_app.feedback.text import MASK, mask_personal, shorten
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import Agency

R = FeedbackReport
PLURALS = {"services": "service", "attributes": "attribute", "values": "value", "endpoints": "endpoint",
           "formats": "format", "notes": "note", "errors": "error", "service_requests": "request"}
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id", "media_url")


@dataclass
class Open311Error(Exception):
    """One or more spec errors with the HTTP status to answer (400, 403 or 404)."""

    status: int
    errors: list[tuple[str, str]]


def error_from_domain(exc: DomainError, lang: str) -> Open311Error:
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, NotAllowed) else 400
    return Open311Error(status, [(str(status), translate(exc.code, lang, **exc.params))])


def bad_request(key: str, lang: str, **params: Any) -> Open311Error:
    return Open311Error(400, [("400", translate(key, lang, **params))])


# --- serialiser ---------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, list):
        child_tag = PLURALS.get(tag, "item")
        for item in value:
            _xml_value(element, child_tag, item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(payload: Any, root: str, fmt: str) -> str:
    """``payload`` is a list (list resources) or a dict (discovery, service definition)."""
    if fmt == "json":
        return json.dumps(payload, ensure_ascii=False)
    element = ET.Element(root)
    if isinstance(payload, list):
        for item in payload:
            _xml_value(element, PLURALS[root], item)
    else:
        for key, value in payload.items():
            _xml_value(element, key, value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def render_errors(error: Open311Error, fmt: str) -> str:
    return render([{"code": code, "description": text} for code, text in error.errors], "errors", fmt)


def iso(value: datetime | None) -> str | None:
    return to_local(value).isoformat(timespec="seconds") if value else None


def parse_datetime(raw: str, lang: str, name: str) -> datetime:
    """W3C/ISO 8601 -> aware UTC; a value without a zone is taken as local time (+07:00)."""
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise bad_request("feedback.o311_bad_date", lang, name=name) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(UTC)


# --- discovery and services ---------------------------------------------------------------------


def discovery(lang: str = "vi") -> dict[str, Any]:
    conf = load_catalog().open311
    return {
        "changeset": conf["changeset"],
        "contact": conf["contact_vi"],
        "key_service": conf["key_service_vi"],
        "endpoints": [{"specification": conf["specification"], "url": settings().public_url + conf["path"],
                       "changeset": conf["changeset"], "type": conf["type"],
                       "formats": ["text/xml", "application/json"]}],
    }


def _listed(category: Category) -> bool:
    return not category.emergency


def services(lang: str = "vi") -> list[dict[str, Any]]:
    return [{"service_code": c.code, "service_name": c.name(lang),
             "description": c.description_en if lang == "en" else c.description_vi,
             "metadata": bool(c.attributes), "type": c.open311_type, "keywords": c.keywords,
             "group": c.group_en if lang == "en" else c.group_vi}
            for c in load_catalog().categories.values() if _listed(c)]


def service_definition(code: str, lang: str = "vi") -> dict[str, Any]:
    category = load_catalog().category(code)
    if category is None or not _listed(category):
        raise Open311Error(404, [("404", translate("feedback.category_unknown", lang))])
    attributes = []
    for attr in sorted(category.attributes, key=lambda a: a.order):
        item: dict[str, Any] = {"variable": True, "code": attr.code, "datatype": attr.datatype,
                                "required": attr.required, "datatype_description": "", "order": attr.order,
                                "description": attr.description(lang)}
        if attr.values:
            item["values"] = [{"key": key, "name": name_en if lang == "en" else name_vi}
                              for key, name_vi, name_en in attr.values]
        attributes.append(item)
    return {"service_code": category.code, "attributes": attributes}


# --- reading requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    """A parsed list request: the filters given (name -> the value bound into their SQL, ``_FILTERS``) and the
    created-at window, so one statement built once per set of filters serves every request with it."""

    ids: list[int] | None
    filters: dict[str, list[str]]
    window: tuple[datetime, datetime] | None  # None with ids
    page: int
    page_size: int
    extensions: bool
    near: tuple[float, float, float] | None


def _param_service_code(value: str, lang: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _param_status(value: str, lang: str) -> list[str]:
    wanted = {s.strip() for s in value.split(",") if s.strip()}
    if not wanted or wanted - {"open", "closed"}:
        raise bad_request("feedback.o311_bad_status", lang)
    cat = load_catalog()
    return [code for code in cat.stages if cat.open311_status(code) in wanted]


# Parameter table (FixMyStreet style): name -> parser of its value, and the SQL condition it is bound into.
PARAMS: dict[str, Callable[[str, str], list[str]]] = {
    "service_code": _param_service_code,
    "status": _param_status,
}
_RC = R.__table__.c  # the report table's columns: the lists and the single request are Core statements (core/db.py)
_FILTERS: dict[str, Any] = {
    "service_code": _RC.category_code.in_(bindparam("service_code", expanding=True)),
    "status": _RC.stage.in_(bindparam("status", expanding=True)),
}


def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int, lang: str) -> int:
    raw = params.get(name) or ""
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request("feedback.o311_bad_number", lang, name=name) from None
    if not low <= value <= high:
        raise bad_request("feedback.o311_bad_number", lang, name=name)
    return value


def _window(params: dict[str, str], lang: str, now: datetime) -> tuple[datetime, datetime]:
    max_days = int(load_catalog().open311["max_window_days"])
    start = parse_datetime(params["start_date"], lang, "start_date") if params.get("start_date") else None
    end = parse_datetime(params["end_date"], lang, "end_date") if params.get("end_date") else None
    if start and end and start > end:
        raise bad_request("feedback.o311_bad_range", lang)
    if start and end and end - start > timedelta(days=max_days):
        raise bad_request("feedback.o311_range_too_long", lang, days=max_days)
    if start is None and end is None:
        end = now
    if start is None:
        start = end - timedelta(days=max_days)  # type: ignore[operator]
    if end is None:
        end = start + timedelta(days=max_days)
    return start, end  # type: ignore[return-value]


def _near(params: dict[str, str], lang: str) -> tuple[float, float, float] | None:
    if not (params.get("lat") or params.get("long")):
        return None
    try:
        lat, lon = float(params["lat"]), float(params["long"])
        radius = float(params.get("radius") or 500)
    except (KeyError, ValueError):
        raise bad_request("feedback.o311_bad_location", lang) from None
    if not 1 <= radius <= 5000 or not valid_point(lat, lon):
        raise bad_request("feedback.o311_bad_location", lang)
    return lat, lon, radius


def parse_request_query(params: dict[str, str], lang: str, now: datetime | None = None) -> RequestQuery:
    params = {k: v for k, v in params.items() if v not in (None, "")}  # empty = absent (spec)
    max_rows = int(load_catalog().open311["max_requests"])
    extensions = params.get("extensions", "").lower() == "true"
    if params.get("service_request_id"):
        ids = []
        for part in params["service_request_id"].split(","):
            try:
                ids.append(int(part.strip()))
            except ValueError:
                continue
        return RequestQuery(ids[:max_rows], {}, None, 1, max_rows, extensions, None)
    filters = {name: parse(params[name], lang) for name, parse in PARAMS.items() if name in params}
    window = _window(params, lang, now or utcnow())
    page = _int_param(params, "page", 1, 1, 100_000, lang)
    page_size = _int_param(params, "page_size", max_rows, 1, max_rows, lang)
    return RequestQuery(None, filters, window, page, page_size, extensions, _near(params, lang))


# Columns request_dicts needs without extensions (skips the private originals and the search text).
_PUBLIC_COLUMNS = (_RC.id, _RC.stage, _RC.outcome, _RC.duplicate_of, _RC.category_code, _RC.agency_code,
                   _RC.public_description, _RC.public_response, _RC.public_address, _RC.created_at, _RC.updated_at,
                   _RC.closed_at, _RC.expected_at, _RC.lat, _RC.lon, _RC.hidden)
# With extensions, also what ``_extensions`` reads (attributes, channel, me too's): still no private column.
_EXTENDED_COLUMNS = (*_PUBLIC_COLUMNS, _RC.attributes_json, _RC.channel, _RC.me_too_count)


def _visible(extensions: bool) -> Any:
    """The reports Open311 shows (on the board: not hidden), as Core rows of the public columns."""
    return sa_select(*(_EXTENDED_COLUMNS if extensions else _PUBLIC_COLUMNS)).where(_RC.hidden == False)  # noqa: E712


_BY_IDS = tuple(_visible(extensions).where(_RC.id.in_(bindparam("ids", expanding=True)))  # built once: core/db.py
                .order_by(_RC.id.desc()) for extensions in (False, True))


@functools.cache
def _list_statement(extensions: bool, filters: tuple[str, ...], near: bool) -> Any:
    """The list's statement for one set of filters, built once (at most 2 x 4 x 2 of them): building a statement
    and its cache key cost about as much CPU as running it (core/db.py)."""
    conditions = [_FILTERS[name] for name in filters]
    conditions += [_RC.created_at >= bindparam("start"), _RC.created_at <= bindparam("end")]
    if near:
        conditions += [_RC.lat.between(bindparam("min_lat"), bindparam("max_lat")),
                       _RC.lon.between(bindparam("min_lon"), bindparam("max_lon"))]
    return (_visible(extensions).where(*conditions).order_by(_RC.created_at.desc(), _RC.id.desc())
            .offset(bindparam("skip")).limit(bindparam("size")))


def find_requests(db: Session, query: RequestQuery) -> list[Any]:
    """Matching public reports, newest first: Core rows of the public columns (and, with extensions, the ones those
    read), never ORM objects (the list is the busiest public route; rows cost a fraction of full objects and carry
    the same names)."""
    if query.ids is not None:
        if not query.ids:
            return []
        return list(run(db, _BY_IDS[query.extensions], {"ids": query.ids}).all())
    start, end = query.window or (None, None)
    values: dict[str, Any] = {**query.filters, "start": start, "end": end,
                              "skip": (query.page - 1) * query.page_size, "size": query.page_size}
    if query.near:
        lat, lon, radius = query.near
        values["min_lat"], values["min_lon"], values["max_lat"], values["max_lon"] = bbox_around(lat, lon, radius)
    stmt = _list_statement(query.extensions, tuple(query.filters), query.near is not None)
    rows = list(run(db, stmt, values).all())
    if query.near:
        lat, lon, radius = query.near
        rows = [r for r in rows if distance_m(lat, lon, r.lat, r.lon) <= radius]
    return rows


def _first_photos(db: Session, report_ids: list[int]) -> dict[int, int]:
    if not report_ids:
        return {}
    return {rid: pid for rid, pid in run(db, _FIRST_PHOTOS, {"report_ids": report_ids}).all()}


_PHOTOS = FeedbackPhoto.__table__.c
_FIRST_PHOTOS = (sa_select(_PHOTOS.report_id, func.min(_PHOTOS.id))  # a Core statement built once: core/db.py
                 .where(_PHOTOS.report_id.in_(bindparam("report_ids", expanding=True)))
                 .group_by(_PHOTOS.report_id))


def _status_notes(report: FeedbackReport, lang: str) -> str:
    cat = load_catalog()
    parts = [cat.stage_label(report.stage, lang)]
    if report.outcome:
        parts.append(cat.outcome_label(report.outcome, lang))
    if report.duplicate_of:
        parts.append(f"#{report.duplicate_of}")
    return " – ".join(parts)


_AGENCIES = Agency.__table__.c
_AGENCY_NAMES = (sa_select(_AGENCIES.code, _AGENCIES.name_vi), sa_select(_AGENCIES.code, _AGENCIES.name_en))  # Core


def request_dicts(db: Session, reports: Iterable[FeedbackReport], lang: str = "vi",
                  extensions: bool = False) -> list[dict[str, Any]]:
    reports = list(reports)
    cat = load_catalog()
    agencies = dict(run(db, _AGENCY_NAMES[lang == "en"]).all())
    photos = _first_photos(db, [r.id for r in reports])
    base = settings().public_url
    out = []
    for r in reports:
        category = cat.categories.get(r.category_code)
        item: dict[str, Any] = {
            "service_request_id": str(r.id),
            "status": cat.open311_status(r.stage),
            "status_notes": _status_notes(r, lang),
            "service_name": category.name(lang) if category else r.category_code,
            "service_code": r.category_code,
            "description": r.public_description,
            "agency_responsible": agencies.get(r.agency_code, r.agency_code),
            "service_notice": r.public_response,
            "requested_datetime": iso(r.created_at),
            "updated_datetime": iso(r.closed_at if not cat.is_open(r.stage) and r.closed_at else r.updated_at),
            "expected_datetime": iso(r.expected_at),
            "address": r.public_address,
            "address_id": "",
            "zipcode": "",
            "lat": r.lat,
            "long": r.lon,
            "media_url": f"{base}/api/feedback/photos/{photos[r.id]}" if r.id in photos else "",
        }
        if extensions:
            item.update(_extensions(db, r, lang))
        out.append(item)
    return out


def _extensions(db: Session, report: FeedbackReport, lang: str) -> dict[str, Any]:
    from citizen_app.feedback.board import public_timeline

    answers = json.loads(report.attributes_json or "{}")
    notes = [{"datetime": iso(e.at), "description": e.text, "type": e.kind} for e in public_timeline(db, report.id)]
    values = {k: ",".join(v) if isinstance(v, list) else v for k, v in answers.items()}
    return {"attributes": [{"code": k, "value": _public_value(v)} for k, v in values.items()],
            "notes": notes, "extended_attributes": {"channel": report.channel, "me_too_count": report.me_too_count}}


def _public_value(value: Any) -> Any:
    """Answers are public here: free text is masked, and a number that reads as a phone or ID becomes the mask."""
    if isinstance(value, str):
        return mask_personal(value)
    if isinstance(value, int | float) and mask_personal(str(value)) != str(value):
        return MASK
    return value


def get_request(db: Session, raw_id: str, lang: str = "vi", extensions: bool = False) -> list[dict[str, Any]]:
    """One request by id, as the list shows it (``_visible``): a hidden or unknown report is 'not found'."""
    rows = run(db, _BY_IDS[extensions], {"ids": [report_id_of(raw_id)]}).all()
    if not rows:
        raise NotFound("feedback.report_not_found")
    return request_dicts(db, rows, lang, extensions)


def token_lookup(db: Session, token: str, lang: str = "vi") -> list[dict[str, Any]]:
    report = db.exec(select(R).where(R.token == (token or "")[:64])).first() if token else None
    if report is None or report.hidden:
        raise Open311Error(404, [("404", translate("feedback.o311_token_unknown", lang))])
    return [{"service_request_id": str(report.id), "token": report.token}]


# --- POST ---------------------------------------------------------------------------------------


def parse_attributes(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``attribute[CODE]=v`` and repeated ``attribute[CODE][]=v`` into {code: value | [values]}."""
    answers: dict[str, Any] = {}
    for key, value in items:
        if not key.startswith("attribute[") or "]" not in key:
            continue
        code = key[len("attribute["):key.index("]")]
        if key.endswith("[]"):
            answers.setdefault(code, [])
            if isinstance(answers[code], list):
                answers[code].append(value)
        else:
            answers[code] = value
    return answers


def _post_location(form: dict[str, str], lang: str) -> tuple[float | None, float | None, str]:
    lat, lon = form.get("lat") or None, form.get("long") or None
    address = form.get("address_string") or ""
    if (lat is None) != (lon is None):
        raise bad_request("feedback.o311_bad_location", lang)
    if lat is None and not address:
        if form.get("address_id"):
            raise bad_request("feedback.o311_address_id_unsupported", lang)
        raise bad_request("feedback.o311_location_required", lang)
    return lat, lon, address  # type: ignore[return-value]


def post_request(db: Session, items: list[tuple[str, str]], lang: str = "vi") -> list[dict[str, Any]]:
    """Create a request from a form body. Raises Open311Error (nothing stored on any error)."""
    form = {k: v for k, v in items if not k.startswith("attribute[")}
    form = {k: v for k, v in form.items() if v != ""}
    try:
        key = check_api_key(db, form.get("api_key"))
        if not form.get("service_code"):
            raise bad_request("feedback.o311_service_code_required", lang)
        category = load_catalog().category(form["service_code"])
        if category is None:
            raise Open311Error(404, [("404", translate("feedback.category_unknown", lang))])
        lat, lon, address = _post_location(form, lang)
        description = form.get("description", "")
        title = shorten(check_text(description.split("\n", 1)[0], "title", max_len=10_000), 120) or category.name("vi")
        data = ReportInput(category.code, title, description, lat, lon, address=address,
                           attributes=parse_attributes(items))
        checked = check_report_input(data, require_location=lat is not None, min_title=0)
        contact = {f: check_text(form.get(f, ""), "contact", max_len=254) for f in CONTACT_FIELDS if form.get(f)}
        token = secrets.token_urlsafe(16)
        report = insert_report(db, checked, reporter_id=None, hide_name=True, channel="open311", now=utcnow(),
                               contact=contact, api_key_id=key.id, token=token)
    except DomainError as exc:
        raise error_from_domain(exc, lang) from exc
    notice = translate("feedback.o311_service_notice", lang, date=(to_local(report.due_at).strftime("%d/%m/%Y")
                                                                   if report.due_at else ""))
    if category.open311_type == "batch":
        return [{"token": token, "service_notice": notice}]
    if category.open311_type == "blackbox":
        return [{"service_notice": notice}]
    return [{"service_request_id": str(report.id), "service_notice": notice}]
