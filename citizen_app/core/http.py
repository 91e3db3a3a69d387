"""The one HTTP contract of every route (docs/ARCHITECTURE.md, "HTTP contract").

A route is declared once as an ``Endpoint`` (a Starlette ``Route``): path, methods, who may call it, the
request body and query it takes, the responses it gives. The same declaration runs the request and writes
the OpenAPI document (``core.openapi``), so the two cannot drift. For every request the contract:

- checks ``Origin`` on every non-GET route that reads the session cookie (CSRF defence besides SameSite);
- finds the user from the ``cds_sid`` cookie (``auth="session"``: maybe nobody; ``"cookie"``: 401 without one);
- refuses path ids beyond 64 bits (404) before any query sees them;
- reads a declared body: ``application/json`` exactly (415), at most ``max_body`` bytes (413), a JSON object at
  most ``MAX_DEPTH`` deep without NaN/Infinity (400); or form fields (``application/x-www-form-urlencoded``); or a
  file upload (``multipart/form-data``, parsed in memory: nothing is written to disk);
- cleans every string it hands over (``core.text``: no lone surrogates or control characters, NFC);
- answers every refusal as ``{"error": code, "message": {"vi", "en"}}`` with the status of the error's class
  (``DomainError.http_status``), and an unexpected exception as a 500 of the same shape, logged.

Open311 keeps its GeoReport v2 error format (``error_response``): its clients parse that, not ours.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, HttpError, NotFound, Unauthenticated
from citizen_app.core.text import clean_text, clean_value

log = logging.getLogger(__name__)

Auth = Literal["public", "session", "cookie", "gate"]
Schema = dict[str, Any]
Content = Mapping[str, Schema]  # media type -> schema
SessionFactory = Callable[[], AbstractContextManager[Session]]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_BODY = 64 * 1024
MAX_DEPTH = 32
MAX_ID = 2**63 - 1  # the largest id a database column holds: anything beyond cannot exist
MAX_FIELDS = 200
_INT_PARAM = re.compile(r"\{(\w+):int\}")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NO_STORE = "no-store"

ERROR_SCHEMA: Schema = {
    "type": "object", "required": ["error", "message"], "additionalProperties": False,
    "properties": {"error": {"type": "string"}, "message": {
        "type": "object", "required": ["vi", "en"], "additionalProperties": False,
        "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}}},
}


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def same_origin(request: Request) -> bool:
    """Cookie-authenticated POSTs must come from our own pages (CSRF defence besides SameSite)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    parts = urlsplit(origin)
    candidate = f"{parts.scheme}://{parts.netloc}"
    allowed = {settings().public_url, f"{request.url.scheme}://{request.url.netloc}"}
    return candidate in allowed


def cookie_values(header: str | None) -> dict[str, str]:
    """The cookies of a Cookie header (a websocket's, fixed at connect); empty when it cannot be parsed."""
    try:
        jar = SimpleCookie(header or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


# --- errors ---------------------------------------------------------------------------------------------


def error_body(code: str, **params: Any) -> dict[str, Any]:
    from citizen_app.i18n.catalog import translate

    return {"error": code, "message": {lang: translate(code, lang, **params) for lang in ("vi", "en")}}


def error_response(status: int, code: str, **params: Any) -> JSONResponse:
    return JSONResponse(error_body(code, **params), status_code=status, headers={"Cache-Control": NO_STORE})


ErrorRenderer = Callable[[Request, int, DomainError], Response]


def _default_renderer(_request: Request, status: int, exc: DomainError) -> Response:
    return error_response(status, exc.code, **exc.params)


# --- the request as a handler sees it ------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One file of a ``multipart/form-data`` body, held in memory."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One request after the contract's checks: the user, the cleaned body and query values."""

    request: Request
    user_id: int | None = None
    body: dict[str, Any] = field(default_factory=dict)  # the JSON object, or the form fields (last value wins)
    fields: list[tuple[str, str]] = field(default_factory=list)  # form fields in order, repeats kept
    files: dict[str, Upload] = field(default_factory=dict)  # multipart file parts by field name (first wins)
    clean: bool = True

    def query(self, name: str, default: str = "") -> str:
        value = self.request.query_params.get(name, default)
        return clean_text(value) if self.clean else value

    def queries(self) -> dict[str, str]:
        return {key: self.query(key) for key in self.request.query_params}

    def path(self, name: str) -> Any:
        return self.request.path_params[name]

    @property
    def lang(self) -> str:
        """The reader's language for success texts: ``?lang=`` when valid, else Accept-Language."""
        from citizen_app.i18n.catalog import lang_from_accept_language

        wanted = self.request.query_params.get("lang")
        if wanted in ("vi", "en"):
            return wanted
        return lang_from_accept_language(self.request.headers.get("accept-language"))

    @property
    def bearer(self) -> str | None:
        header = self.request.headers.get("authorization", "")
        return header[7:].strip() if header.lower().startswith("bearer ") else None

    @property
    def cookies(self) -> Mapping[str, str]:
        return self.request.cookies


Handler = Callable[[Call], Awaitable[Response | dict[str, Any] | list[Any]]]


@dataclass(frozen=True)
class Operation:
    """What a route is, for the contract and for the OpenAPI document."""

    path: str
    methods: tuple[str, ...]
    summary: str
    auth: Auth = "public"
    query: Mapping[str, Schema] = field(default_factory=dict)
    required_query: tuple[str, ...] = ()
    path_params: Mapping[str, Schema] = field(default_factory=dict)  # beyond what the converters say
    body: Schema | None = None  # a JSON object
    form: Schema | None = None  # form-encoded fields
    upload: Schema | None = None  # multipart/form-data: file parts (``"format": "binary"``) and text fields
    responses: Mapping[int, Content] = field(default_factory=dict)
    errors: tuple[int, ...] = ()  # refusals beyond those the contract derives (auth, body, path ids)
    error_content: Mapping[str, Schema] | None = None  # the refusals' media types when not the one shape
    tag: str = ""
    notes: str = ""


class Endpoint(Route):
    """A Starlette route run by the contract. ``handler(call)`` returns a Response, or data sent as JSON."""

    def __init__(self, path: str, handler: Handler, *, summary: str, methods: tuple[str, ...] = ("GET",),
                 auth: Auth = "public", query: Mapping[str, Schema] | None = None, required_query: tuple[str, ...] = (),
                 path_params: Mapping[str, Schema] | None = None, body: Schema | None = None,
                 form: Schema | None = None, upload: Schema | None = None,
                 responses: Mapping[int, Content] | None = None,
                 errors: tuple[int, ...] = (), max_body: int = MAX_BODY, cache: str = NO_STORE,
                 clean: bool = True, error_renderer: ErrorRenderer | None = None,
                 error_content: Mapping[str, Schema] | None = None, sessions: SessionFactory | None = None,
                 notes: str = "", digits_only: bool = False) -> None:
        tag = handler.__module__.split(".")[1] if handler.__module__.startswith("citizen_app.") else ""
        self.op = Operation(path, tuple(methods), summary, auth, dict(query or {}), required_query,
                            dict(path_params or {}), body, form, upload,
                            dict(responses or {200: json_content({})}), errors, error_content, tag, notes)
        self.handler, self.max_body, self.cache, self.clean = handler, max_body, cache, clean
        self.error_renderer = error_renderer or _default_renderer
        self.sessions = sessions
        # ``{id:int}`` is matched as text and parsed here, so "-1" or 20 digits get the contract's 404, not the
        # router's plain-text one (or, in the app, Reflex's catch-all mount). ``digits_only``: a route that shares its
        # prefix with the app's pages (``/feedback/{id}`` beside ``/feedback/new``) matches digits only, the rest
        # falls through to the app.
        self.int_params = tuple(_INT_PARAM.findall(path))
        route_path = path if digits_only else _INT_PARAM.sub(r"{\1}", path)
        super().__init__(route_path, self._serve, methods=list(methods), name=handler.__name__)

    async def _serve(self, request: Request) -> Response:
        try:
            result = await self.handler(await self._call(request))
            response = result if isinstance(result, Response) else JSONResponse(result)
        except DomainError as exc:
            return self.error_renderer(request, exc.http_status, exc)
        except Exception:  # a bug: logged, answered in the contract's shape, nothing committed
            log.exception("unexpected error in %s %s", request.method, self.path)
            return self.error_renderer(request, 500, DomainError("error.unexpected"))
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = self.cache
        return response

    async def _call(self, request: Request) -> Call:
        cookie_auth = self.op.auth in ("session", "cookie")
        if cookie_auth and request.method not in SAFE_METHODS and not same_origin(request):
            raise HttpError(403, "error.origin")
        for name in self.int_params:
            request.path_params[name] = int_id(request.path_params[name])
        call = Call(request, clean=self.clean)
        if cookie_auth:
            call.user_id = self._user(request)
            if call.user_id is None and self.op.auth == "cookie":
                raise Unauthenticated()
        if request.method not in SAFE_METHODS:
            if self.op.body is not None:
                call.body = _json_object(await _read(request, self.max_body, JSON), self.clean)
            elif self.op.form is not None:
                call.fields = _form_fields(await _read(request, self.max_body, FORM), self.clean)
                call.body = dict(call.fields)
            elif self.op.upload is not None:
                raw = await _read(request, self.max_body, MULTIPART)
                call.fields, call.files = _multipart(raw, request.headers.get("content-type", ""), self.clean)
                call.body = dict(call.fields)
        return call

    def _user(self, request: Request) -> int | None:
        from citizen_app.identity.cookies import cookie_user_id  # identity builds on core, not the reverse

        if self.sessions is None:
            from citizen_app.core.db import session_scope

            sessions: SessionFactory = session_scope
        else:
            sessions = self.sessions
        with sessions() as db:
            return cookie_user_id(db, request.cookies)


class DocumentedMount(Mount):
    """A mounted sub-application (OIDC with its own session middleware) with its operations written down."""

    def __init__(self, path: str, app: Any, operations: tuple[Operation, ...]) -> None:
        super().__init__(path, app=app)
        self.operations = operations


def int_id(raw: object) -> int:
    """A path or body id as a database id; NotFound when it cannot be one (not digits, beyond 64 bits)."""
    text = str(raw)
    if not text.isdigit() or int(text) > MAX_ID:
        raise NotFound()
    return int(text)


async def _read(request: Request, limit: int, media_type: str) -> bytes:
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given != media_type:
        raise HttpError(415, "error.media_type", expected=media_type)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HttpError(413, "error.too_large")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise HttpError(413, "error.too_large")
    return bytes(data)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_object(raw: bytes, clean: bool) -> dict[str, Any]:
    """The body as a JSON object. Empty means ``{}``; deeper than MAX_DEPTH, NaN/Infinity, not UTF-8: 400."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError):  # RecursionError: nesting beyond the parser's own limit
        raise HttpError(400, "error.bad_json", depth=MAX_DEPTH) from None
    if not isinstance(value, dict) or _depth(value) > MAX_DEPTH:
        raise HttpError(400, "error.bad_json", depth=MAX_DEPTH)
    return clean_value(value) if clean else value


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _form_fields(raw: bytes, clean: bool) -> list[tuple[str, str]]:
    try:
        pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than MAX_FIELDS
        raise HttpError(413, "error.too_large") from None
    return [(clean_text(k), clean_text(v)) for k, v in pairs] if clean else pairs


class _Parts:
    """Collects the parts of a multipart body in memory (python-multipart's callbacks)."""

    def __init__(self) -> None:
        self.parts: list[tuple[dict[bytes, bytes], bytearray]] = []
        self.headers: dict[bytes, bytes] = {}
        self.field, self.value = b"", b""

    def begin(self) -> None:
        self.headers = {}
        self.parts.append((self.headers, bytearray()))

    def data(self, chunk: bytes, start: int, end: int) -> None:
        self.parts[-1][1].extend(chunk[start:end])

    def header_field(self, chunk: bytes, start: int, end: int) -> None:
        self.field += chunk[start:end]

    def header_value(self, chunk: bytes, start: int, end: int) -> None:
        self.value += chunk[start:end]

    def header_end(self) -> None:
        self.headers[self.field.lower()] = self.value
        self.field, self.value = b"", b""


def _multipart(raw: bytes, content_type: str, clean: bool) -> tuple[list[tuple[str, str]], dict[str, Upload]]:
    """Text fields (in order) and file parts of a ``multipart/form-data`` body; a malformed one is a 400."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary", b"")
    if not boundary or len(boundary) > 200:
        raise HttpError(400, "error.bad_multipart")
    collected = _Parts()
    parser = MultipartParser(boundary, {"on_part_begin": collected.begin, "on_part_data": collected.data,
                                        "on_header_field": collected.header_field,
                                        "on_header_value": collected.header_value,
                                        "on_header_end": collected.header_end})
    try:
        parser.write(raw)
        parser.finalize()
    except (MultipartParseError, ValueError):
        raise HttpError(400, "error.bad_multipart") from None
    if len(collected.parts) > MAX_FIELDS:
        raise HttpError(413, "error.too_large")
    fields: list[tuple[str, str]] = []
    files: dict[str, Upload] = {}
    for headers, data in collected.parts:
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disposition:
            if name not in files:
                files[name] = Upload(disposition[b"filename"].decode("utf-8", "replace")[:200],
                                     headers.get(b"content-type", b"").decode("latin-1")[:100], bytes(data))
        else:
            text = bytes(data).decode("utf-8", "replace")
            fields.append((clean_text(name), clean_text(text)) if clean else (name, text))
    return fields, files


# --- declaring responses -------------------------------------------------------------------------------


def json_content(schema: Schema) -> Content:
    return {JSON: schema}


def media(*types: str) -> Content:
    """Non-JSON bodies (PDF, images, CSV, XML, HTML, ZIP): documented by media type, not by schema."""
    return {media_type: {} for media_type in types}


REDIRECT: Content = {}  # 303 See Other with a Location header, no body worth a schema


def obj(required: tuple[str, ...] = (), **properties: Schema) -> Schema:
    """A JSON object schema (extra properties allowed: clients must ignore what they do not know)."""
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


BINARY: Schema = {"type": "string", "format": "binary"}  # a file part of a multipart upload


def string(max_length: int | None = None, **extra: Any) -> Schema:
    return {"type": "string", **({"maxLength": max_length} if max_length else {}), **extra}


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
ANY_OBJECT: Schema = {"type": "object"}
LANG_QUERY: Mapping[str, Schema] = {"lang": {"type": "string", "enum": ["vi", "en"]}}
