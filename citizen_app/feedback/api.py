"""HTTP routes: Open311 GeoReport v2 under /open311/v2/, photo serving and small JSON/CSV feeds.

Every route opens one transaction (``session_scope``); on any error it is rolled back, so a rejected
POST stores nothing. Tests swap the session factory with ``use_session_factory``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.feedback import board, open311, wiring  # noqa: F401 - wiring installs the notifier
from citizen_app.feedback import photos as photo_store
from citizen_app.feedback.open311 import FORMATS, Open311Error
from citizen_app.i18n.catalog import lang_from_accept_language, translate
from citizen_app.identity.service import cookie_user_id

SessionFactory = Callable[[], AbstractContextManager[Session]]
_session_factory: SessionFactory = session_scope
_read_factory: SessionFactory = read_scope  # the public GETs only read
PREFIX = "/open311/v2"


def use_session_factory(factory: SessionFactory | None) -> None:
    global _session_factory, _read_factory
    _session_factory = factory or session_scope
    _read_factory = factory or read_scope


def _lang(request: Request) -> str:
    wanted = request.query_params.get("lang")
    return wanted if wanted in ("vi", "en") else lang_from_accept_language(request.headers.get("accept-language"))


def _split(name: str) -> tuple[str, str]:
    stem, _, fmt = name.rpartition(".")
    return (stem, fmt) if stem and fmt in FORMATS else (name, "")


def _reply(body: str, fmt: str, status: int = 200) -> Response:
    return Response(body, status_code=status, headers={"content-type": FORMATS[fmt]})


def _error(error: Open311Error, fmt: str) -> Response:
    fmt = fmt if fmt in FORMATS else "xml"
    return _reply(open311.render_errors(error, fmt), fmt, error.status)


def _bad_format(lang: str) -> Response:
    return _error(Open311Error(400, [("400", translate("feedback.o311_bad_format", lang))]), "xml")


async def discovery(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return _bad_format(_lang(request))
    return _reply(open311.render(open311.discovery(_lang(request)), "discovery", fmt), fmt)


async def services(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return _bad_format(_lang(request))
    return _reply(open311.render(open311.services(_lang(request)), "services", fmt), fmt)


async def service_definition(request: Request) -> Response:
    code, fmt = _split(request.path_params["name"])
    lang = _lang(request)
    if not fmt:
        return _bad_format(lang)
    try:
        payload = open311.service_definition(code, lang)
    except Open311Error as error:
        return _error(error, fmt)
    return _reply(open311.render(payload, "service_definition", fmt), fmt)


async def requests_collection(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    lang = _lang(request)
    if fmt not in FORMATS:
        return _bad_format(lang)
    try:
        if request.method == "POST":
            form = await request.form()
            items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            with _session_factory() as db:
                payload = open311.post_request(db, items, lang)
        else:
            query = open311.parse_request_query(dict(request.query_params), lang)
            with _read_factory() as db:
                payload = open311.request_dicts(db, open311.find_requests(db, query), lang, query.extensions)
    except Open311Error as error:
        return _error(error, fmt)
    return _reply(open311.render(payload, "service_requests", fmt), fmt)


async def request_item(request: Request) -> Response:
    raw_id, fmt = _split(request.path_params["name"])
    lang = _lang(request)
    if not fmt:
        return _bad_format(lang)
    extensions = request.query_params.get("extensions", "").lower() == "true"
    try:
        with _read_factory() as db:
            payload = open311.get_request(db, raw_id, lang, extensions)
    except DomainError as exc:
        return _error(open311.error_from_domain(exc, lang), fmt)
    return _reply(open311.render(payload, "service_requests", fmt), fmt)


async def token_item(request: Request) -> Response:
    token, fmt = _split(request.path_params["name"])
    lang = _lang(request)
    if not fmt:
        return _bad_format(lang)
    try:
        with _session_factory() as db:
            payload = open311.token_lookup(db, token, lang)
    except Open311Error as error:
        return _error(error, fmt)
    return _reply(open311.render(payload, "service_requests", fmt), fmt)


# --- photos and feeds ---------------------------------------------------------------------------


def _viewer(db: Session, request: Request) -> int | None:
    return cookie_user_id(db, request.cookies)


async def photo(request: Request) -> Response:
    """Serve a stored photo only if the viewer may see its report (404 otherwise, no hint)."""
    try:
        with _session_factory() as db:
            row = board.photo_for_viewer(db, request.path_params["photo_id"], _viewer(db, request))
            name = row.thumb_name if request.path_params.get("size") == "thumb" else row.storage_name
            public = row.report_id is not None
        data = photo_store.read_image(name)
    except (DomainError, OSError):
        return PlainTextResponse("Not found", status_code=404)
    cache = "public, max-age=3600" if public else "private, no-store"
    return Response(data, media_type="image/jpeg",
                    headers={"cache-control": cache, "x-content-type-options": "nosniff",
                             "content-security-policy": "default-src 'none'"})


async def map_feed(request: Request) -> Response:
    """GET /api/feedback/map.json?bbox=min_lon,min_lat,max_lon,max_lat[&category=&status=]"""
    lang = _lang(request)
    params = request.query_params
    try:
        parts = [float(v) for v in (params.get("bbox") or "").split(",")]
        if len(parts) != 4:
            raise ValueError
        filters = board.BoardFilters(category=params.get("category") or None, status=params.get("status") or None)
        with _session_factory() as db:
            points, truncated = board.map_reports(db, parts[1], parts[0], parts[3], parts[2], filters)
    except ValueError:
        return JSONResponse({"error": translate("feedback.bbox_invalid", lang)}, status_code=400)
    except DomainError as exc:
        return JSONResponse({"error": translate(exc.code, lang, **exc.params)}, status_code=400)
    return JSONResponse({"truncated": truncated, "points": [
        {"id": str(p.report_id), "lat": p.lat, "lon": p.lon, "category": p.category_code, "stage": p.stage,
         "title": p.title} for p in points]})


async def scorecard_csv(request: Request) -> Response:
    lang = _lang(request)
    try:
        start = date.fromisoformat(request.query_params["from"]) if request.query_params.get("from") else None
        end = date.fromisoformat(request.query_params["to"]) if request.query_params.get("to") else None
        with _session_factory() as db:
            rows = board.scorecard(db, start, end)
    except ValueError:
        return PlainTextResponse(translate("feedback.filter_invalid", lang), status_code=400)
    except DomainError as exc:
        return PlainTextResponse(translate(exc.code, lang), status_code=400)
    return Response(board.scorecard_csv(rows), media_type="text/csv",
                    headers={"content-disposition": 'attachment; filename="feedback-scorecard.csv"'})


ROUTES: list[BaseRoute] = [
    Route(f"{PREFIX}/discovery.{{fmt}}", discovery, methods=["GET"]),
    Route(f"{PREFIX}/services.{{fmt}}", services, methods=["GET"]),
    Route(f"{PREFIX}/services/{{name}}", service_definition, methods=["GET"]),
    Route(f"{PREFIX}/requests.{{fmt}}", requests_collection, methods=["GET", "POST"]),
    Route(f"{PREFIX}/requests/{{name}}", request_item, methods=["GET"]),
    Route(f"{PREFIX}/tokens/{{name}}", token_item, methods=["GET"]),
    Route("/api/feedback/photos/{photo_id:int}", photo, methods=["GET"]),
    Route("/api/feedback/photos/{photo_id:int}/{size}", photo, methods=["GET"]),
    Route("/api/feedback/map.json", map_feed, methods=["GET"]),
    Route("/api/feedback/scorecard.csv", scorecard_csv, methods=["GET"]),
]
