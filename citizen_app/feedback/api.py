"""HTTP routes: Open311 GeoReport v2 under /open311/v2/, photo serving and small JSON/CSV feeds.

Every route opens one transaction (``session_scope``); on any error it is rolled back, so a rejected
POST stores nothing. Routes look ``session_scope`` and ``read_scope`` up on this module at each call, so tests swap
them (``tests.api.helpers.route_client``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.config import settings
from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.http import (
    ANY_OBJECT,
    BOOLEAN,
    INTEGER,
    NUMBER,
    Call,
    Endpoint,
    array,
    json_content,
    media,
    nullable,
    obj,
    string,
)
from citizen_app.core.page_frames import frame_response
from citizen_app.feedback import board, open311, outbox, report_frame, views
from citizen_app.feedback import photos as photo_store
from citizen_app.feedback.open311 import FORMATS, Open311Error
from citizen_app.i18n.catalog import LANG_COOKIE, lang_from_accept_language, normalize_lang, translate

MAP_FILTERS = ("category", "status", "ward", "agency", "from", "to")
PREFIX = "/open311/v2"


def _sessions() -> AbstractContextManager[Session]:
    return session_scope()  # looked up on each call: tests swap this module's session_scope


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


def _open311_refusal(request: Request, status: int, exc: DomainError) -> Response:
    """The contract's refusals under /open311/v2 in GeoReport v2's own error format (what its clients parse)."""
    fmt = request.path_params.get("fmt") or _split(request.path_params.get("name", ""))[1]
    error = Open311Error(status, [(str(status), translate(exc.code, _lang(request), **exc.params))])
    return _error(error, fmt)


def _bad_format(lang: str) -> Response:
    return _error(Open311Error(400, [("400", translate("feedback.o311_bad_format", lang))]), "xml")


async def discovery(call: Call) -> Response:
    fmt = call.path("fmt")
    if fmt not in FORMATS:
        return _bad_format(call.lang)
    return _reply(open311.render(open311.discovery(call.lang), "discovery", fmt), fmt)


async def services(call: Call) -> Response:
    fmt = call.path("fmt")
    if fmt not in FORMATS:
        return _bad_format(call.lang)
    return _reply(open311.render(open311.services(call.lang), "services", fmt), fmt)


async def service_definition(call: Call) -> Response:
    code, fmt = _split(call.path("name"))
    if not fmt:
        return _bad_format(call.lang)
    try:
        payload = open311.service_definition(code, call.lang)
    except Open311Error as error:
        return _error(error, fmt)
    return _reply(open311.render(payload, "service_definition", fmt), fmt)


async def requests_collection(call: Call) -> Response:
    fmt, lang = call.path("fmt"), call.lang
    if fmt not in FORMATS:
        return _bad_format(lang)
    try:
        if call.request.method == "POST":
            with session_scope() as db:
                payload = open311.post_request(db, call.fields, lang)
        else:
            query = open311.parse_request_query(call.queries(), lang)
            with read_scope() as db:
                payload = open311.request_dicts(db, open311.find_requests(db, query), lang, query.extensions)
    except Open311Error as error:
        return _error(error, fmt)
    return _reply(open311.render(payload, "service_requests", fmt), fmt)


async def request_item(call: Call) -> Response:
    raw_id, fmt = _split(call.path("name"))
    if not fmt:
        return _bad_format(call.lang)
    extensions = call.query("extensions").lower() == "true"
    try:
        with read_scope() as db:
            payload = open311.get_request(db, raw_id, call.lang, extensions)
    except DomainError as exc:
        return _error(open311.error_from_domain(exc, call.lang), fmt)
    return _reply(open311.render(payload, "service_requests", fmt), fmt)


async def token_item(call: Call) -> Response:
    token, fmt = _split(call.path("name"))
    if not fmt:
        return _bad_format(call.lang)
    try:
        with session_scope() as db:
            payload = open311.token_lookup(db, token, call.lang)
    except Open311Error as error:
        return _error(error, fmt)
    return _reply(open311.render(payload, "service_requests", fmt), fmt)


# --- photos and feeds ---------------------------------------------------------------------------


async def photo(call: Call) -> Response:
    """Serve a stored photo only if the viewer may see its report (404 otherwise, no hint)."""
    try:
        with session_scope() as db:
            row = board.photo_for_viewer(db, call.path("photo_id"), call.user_id)
            name = row.thumb_name if call.request.path_params.get("size") == "thumb" else row.storage_name
            public, moderated = row.report_id is not None, row.update_id is not None
        data = photo_store.read_image(name)
    except (DomainError, OSError):
        raise NotFound("feedback.photo_not_found") from None
    # an update's photo may be hidden by a moderator at any time: no shared copy may outlive that
    cache = "private, no-store" if moderated or not public else "public, max-age=3600"
    return Response(data, media_type="image/jpeg",
                    headers={"cache-control": cache, "x-content-type-options": "nosniff",
                             "content-security-policy": "default-src 'none'"})


async def map_feed(call: Call) -> dict:
    """GET /api/feedback/map.json?bbox=min_lon,min_lat,max_lon,max_lat[&category=&status=&ward=&agency=&from=&to=]:
    the board's filters (as in its URL), without the text search."""
    try:
        parts = [float(v) for v in call.query("bbox").split(",")]
    except ValueError:
        raise DomainError("feedback.bbox_invalid") from None
    if len(parts) != 4:
        raise DomainError("feedback.bbox_invalid")
    filters = board.BoardQuery.from_params({name: call.query(name) for name in MAP_FILTERS}).filters
    with session_scope() as db:
        points, truncated = board.map_reports(db, parts[1], parts[0], parts[3], parts[2], filters)
    return {"truncated": truncated, "points": [
        {"id": str(p.report_id), "lat": p.lat, "lon": p.lon, "category": p.category_code, "stage": p.stage,
         "title": p.title} for p in points]}


async def outbox_report(call: Call) -> Response:
    """POST /api/feedback/reports — a report queued on the device (``assets/outbox.js``) with its photos, once per
    idempotency key: 201 when this call made it, 200 with the same report when the key was sent before."""
    key, owner = str(call.body.get("key") or ""), str(call.body.get("owner") or "")
    data = outbox.report_from_form(call.body.get("report"))
    photos = outbox.decode_photos(call.body.get("photos", []))
    try:
        with session_scope() as db:
            done = outbox.submit(db, call.user_id, key, owner, data, photos)
    except IntegrityError:  # the same key at the same moment: the other request made the report
        with read_scope() as db:
            done = outbox.previous(db, call.user_id or 0, key)
        if done is None:
            raise
    body = {"id": done.report_id, "href": views.report_href(done.report_id), "created": done.created}
    return JSONResponse(body, status_code=201 if done.created else 200)


def _page_lang(request: Request) -> str:
    return normalize_lang(request.cookies.get(LANG_COOKIE))  # the app's own choice: the cookie, else Vietnamese


def _report_page(request: Request, inner: str, status: int) -> Response:
    return frame_response(request, report_frame.REPORT_FRAME, inner, status, public_url=settings().public_url,
                          lang=_page_lang(request))


def _report_page_refusal(request: Request, status: int, _exc: DomainError) -> Response:
    return _report_page(request, "", status)  # the app's page with an empty frame: the app says why in words


async def report_page(call: Call) -> Response:
    """GET /feedback/{id}: the app's report page with the report's public facts in its HTML, painted before the app
    has loaded (``report_frame.py``); 404 with the page's empty frame when no one may see the report."""
    request = call.request
    lang = _page_lang(request)
    with read_scope() as db:
        report = board.page_report(db, request.path_params["report_id"])
        view = board.public_report(db, report, None, lang)
        inner = report_frame.frame_html(views.public_detail(view), views.attribute_rows(report),
                                        views.photo_rows(db, view.photo_ids, view.photo_kinds), lang)
    return _report_page(request, inner, 200)


async def scorecard_csv(call: Call) -> Response:
    try:
        start = date.fromisoformat(call.query("from")) if call.query("from") else None
        end = date.fromisoformat(call.query("to")) if call.query("to") else None
    except ValueError:
        raise DomainError("feedback.filter_invalid") from None
    with session_scope() as db:
        rows = board.scorecard(db, start, end)
    return Response(board.scorecard_csv(rows), media_type="text/csv",
                    headers={"content-disposition": 'attachment; filename="feedback-scorecard.csv"'})


_FMT = {"fmt": string(enum=["json", "xml"])}
_NAME = {"name": string(pattern=r"^[^/]+\.(json|xml)$")}
_OPEN311 = {200: {**json_content({"type": ["array", "object"]}), "text/xml": {}}}
_OPEN311_ERRORS = {**json_content(array(obj(("code", "description"), code=string(), description=string()))),
                   "text/xml": {}}
_GEOREPORT: dict[str, Any] = {"query": {"lang": string(enum=["vi", "en"])}, "responses": _OPEN311,
                              "error_renderer": _open311_refusal, "error_content": _OPEN311_ERRORS}
_REQUESTS_QUERY = {name: string() for name in ("service_request_id", "service_code", "start_date", "end_date",
                                               "status", "page", "page_size", "extensions", "lat", "long", "radius")}
_POST_FORM = obj(("service_code",), service_code=string(60), api_key=string(100), lat=string(30), long=string(30),
                 address_string=string(300), description=string(4000), email=string(254), first_name=string(60),
                 last_name=string(60), phone=string(30), device_id=string(100), account_id=string(100),
                 media_url=string(500))
_POINT = obj(("id", "lat", "lon"), id=string(), lat=NUMBER, lon=NUMBER, category=string(), stage=string(),
             title=nullable(string()))
_OUTBOX_PHOTO = obj(("type", "data"), type=string(enum=list(outbox.PHOTO_TYPES)), data=string(format="byte"))
_OUTBOX_BODY = obj(("key", "owner", "report"), key=string(64, pattern=outbox.KEY_PATTERN.pattern), owner=string(64),
                   report=ANY_OBJECT, photos=array(_OUTBOX_PHOTO, maxItems=5))
_OUTBOX_SENT = json_content(obj(("id", "href", "created"), id=INTEGER, href=string(), created=BOOLEAN))
# Five photos resized on the phone (about 1600 px, well under 3 MiB each), base64, and the form's text.
OUTBOX_MAX_BODY = 5 * outbox.MAX_DEVICE_PHOTO_BYTES * 4 // 3 + 64 * 1024
_GEOREPORT_NOTE = "GeoReport v2: errors are GeoReport error lists in the requested format, not the app's shape."

ROUTES: list[BaseRoute] = [
    Endpoint(f"{PREFIX}/discovery.{{fmt}}", discovery, summary="Open311 service discovery", path_params=_FMT,
             errors=(400,), notes=_GEOREPORT_NOTE, **_GEOREPORT),
    Endpoint(f"{PREFIX}/services.{{fmt}}", services, summary="Open311 service list", path_params=_FMT,
             errors=(400,), notes=_GEOREPORT_NOTE, **_GEOREPORT),
    Endpoint(f"{PREFIX}/services/{{name}}", service_definition, summary="Open311 service definition",
             path_params=_NAME, errors=(400,), notes=_GEOREPORT_NOTE, **_GEOREPORT),
    Endpoint(f"{PREFIX}/requests.{{fmt}}", requests_collection, methods=("GET", "POST"),
             summary="Open311 service requests: search (GET) or submit (POST, form-encoded, needs an API key)",
             path_params=_FMT, form=_POST_FORM, errors=(400, 403), notes=_GEOREPORT_NOTE,
             **{**_GEOREPORT, "query": {**_GEOREPORT["query"], **_REQUESTS_QUERY}}),
    Endpoint(f"{PREFIX}/requests/{{name}}", request_item, summary="One Open311 service request",
             path_params=_NAME, errors=(400, 404), notes=_GEOREPORT_NOTE,
             **{**_GEOREPORT, "query": {**_GEOREPORT["query"], "extensions": string(enum=["true", "false"])}}),
    Endpoint(f"{PREFIX}/tokens/{{name}}", token_item, summary="The service request id behind a submission token",
             path_params=_NAME, errors=(400, 404), notes=_GEOREPORT_NOTE, **_GEOREPORT),
    Endpoint("/api/feedback/photos/{photo_id:int}", photo, auth="session", sessions=_sessions,
             summary="A report photo (hidden reports' photos only to those who may see them)",
             responses={200: media("image/jpeg")}),
    Endpoint("/api/feedback/photos/{photo_id:int}/{size}", photo, auth="session", sessions=_sessions,
             summary="A report photo's thumbnail (size=thumb) or full image", path_params={"size": string()},
             responses={200: media("image/jpeg")}),
    Endpoint("/api/feedback/map.json", map_feed, summary="Report markers in a box (newest first)",
             query={"bbox": string(), "category": string(),
                    "status": string(enum=[*board.STATUSES, *board.LEGACY_STATUSES]), "ward": string(),
                    "agency": string(), "from": string(format="date"), "to": string(format="date")},
             required_query=("bbox",),
             responses={200: json_content(obj(("truncated", "points"), truncated=BOOLEAN, points=array(_POINT)))}),
    Endpoint("/api/feedback/reports", outbox_report, methods=("POST",), auth="cookie", sessions=_sessions,
             summary="A report queued on the device while offline, with its photos (once per idempotency key)",
             body=_OUTBOX_BODY, max_body=OUTBOX_MAX_BODY, responses={201: _OUTBOX_SENT, 200: _OUTBOX_SENT},
             errors=(409, 413), notes="Photos are base64 JPEG/PNG/WebP; EXIF is stripped. 409: the item was queued "
             "by another person than the session's (on a shared phone it is never filed under the next one)."),
    Endpoint("/feedback/{report_id:int}", report_page, digits_only=True, cache="no-cache",
             summary="A report's page (HTML) with its public facts, before the app has loaded",
             responses={200: media("text/html"), 404: media("text/html")}, error_renderer=_report_page_refusal,
             notes="The app's page: the browser runs the app from it. Only digits match (`/feedback/new` is another "
             "page). 404 (the same page, no facts) when the report does not exist or is hidden."),
    Endpoint("/api/feedback/scorecard.csv", scorecard_csv, summary="Agency × category scorecard (CSV)",
             query={"from": string(format="date"), "to": string(format="date")}, responses={200: media("text/csv")}),
]
