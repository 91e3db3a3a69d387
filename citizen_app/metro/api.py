"""HTTP routes for Metro Line 1: the GTFS feed, public keys, fares, gate validation/sync, the rider's tickets.

Handlers only translate HTTP <-> service calls (style P1). Gates authenticate with ``Authorization: Bearer``
(token from ``service.register_gate``); rider routes use the ``cds_sid`` session cookie.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.config import settings
from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.i18n.catalog import lang_from_accept_language, translate
from citizen_app.identity.service import cookie_user_id
from citizen_app.metro import keys, service
from citizen_app.metro.catalog import gtfs_zip_bytes
from citizen_app.metro.models import MetroGate, MetroTicket

try:  # registers the payment fulfilment hooks when the payments pillar is present
    from citizen_app.metro import pay as _pay  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover
    _pay = None

Sessions = Callable[[], AbstractContextManager[Session]]
GATE_AUTH_CACHE_SECONDS = 10
MAX_BODY = 2_000_000
NO_STORE = {"Cache-Control": "no-store"}


def _error(request: Request, exc: DomainError, status: int = 400) -> JSONResponse:
    lang = lang_from_accept_language(request.headers.get("accept-language"))
    if isinstance(exc, NotAllowed):
        status = 401 if exc.code in ("error.login_required", "metro.error.gate_auth") else 403
    elif isinstance(exc, NotFound):
        status = 404
    return JSONResponse({"error": exc.code, "message": translate(exc.code, lang, **exc.params)}, status,
                        headers=NO_STORE)


async def _json_body(request: Request) -> dict[str, Any]:
    if "application/json" not in request.headers.get("content-type", ""):
        raise DomainError("metro.error.bad_request")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise DomainError("metro.error.sync_too_large")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise DomainError("metro.error.bad_request") from exc
    if not isinstance(body, dict):
        raise DomainError("metro.error.bad_request")
    return body


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _user_id(db: Session, request: Request) -> int:
    user_id = cookie_user_id(db, request.cookies)
    if user_id is None:
        raise NotAllowed("error.login_required")
    return user_id


def _station_names(code: str | None) -> dict[str, str] | None:
    station = service.data().station(code or "")
    return {"vi": station.name_vi, "en": station.name_en} if station else None


def _ticket_json(ticket: MetroTicket) -> dict[str, Any]:
    """What the phone stores for offline display: ids, names and validity (no personal data)."""
    product = service.data().products[ticket.product_id]
    return {"id": ticket.id, "product": ticket.product_id, "name_vi": product.name_vi, "name_en": product.name_en,
            "kind": product.kind, "origin": ticket.origin, "destination": ticket.destination,
            "origin_name": _station_names(ticket.origin), "destination_name": _station_names(ticket.destination),
            "rider_category": ticket.rider_category,
            "valid_from": service.to_ts(ticket.valid_from) if ticket.valid_from else None,
            "valid_until": service.to_ts(ticket.valid_until) if ticket.valid_until else None,
            "payload": ticket.payload, "device_key": ticket.device_key}


def _gate_limiter() -> CapacityLimiter:
    """SQLite has one writer: queue scans in-process instead of letting threads spin in its busy handler
    (which sleeps in growing steps and wrecks tail latency). PostgreSQL takes parallel scans."""
    return CapacityLimiter(1 if settings().database_url.startswith("sqlite") else 16)


def build_routes(sessions: Sessions = session_scope) -> list[BaseRoute]:
    limiter: list[CapacityLimiter] = []  # created lazily inside the event loop

    async def in_gate_thread(fn: Callable[..., Any], *args: Any) -> Any:
        if not limiter:
            limiter.append(_gate_limiter())
        return await anyio.to_thread.run_sync(fn, *args, limiter=limiter[0])

    async def gtfs_zip(_request: Request) -> Response:
        return Response(gtfs_zip_bytes(), media_type="application/zip",
                        headers={"Content-Disposition": 'attachment; filename="gtfs.zip"',
                                 "Cache-Control": "public, max-age=3600"})

    async def keys_json(_request: Request) -> JSONResponse:
        return JSONResponse(keys.jwks(), headers={"Cache-Control": "public, max-age=300"})

    async def fare(request: Request) -> JSONResponse:
        try:
            quote = service.quote_single(request.query_params.get("from", ""), request.query_params.get("to", ""))
        except DomainError as exc:
            return _error(request, exc)
        return JSONResponse({"origin": quote.origin, "destination": quote.destination, "cash_vnd": quote.cash_vnd,
                             "cashless_vnd": quote.cashless_vnd, "is_estimate": quote.is_estimate})

    gate_cache: dict[str, tuple[float, str, str]] = {}

    def authenticated_gate(db: Session, token: str | None) -> tuple[str, str]:
        """(gate id, station) for a bearer token; cached for a few seconds per process, so a deactivated
        gate is refused within ``GATE_AUTH_CACHE_SECONDS`` while busy gates skip one query per scan."""
        cached = gate_cache.get(token or "")
        if cached and cached[0] > time.monotonic():
            return cached[1], cached[2]
        gate_id, station = service.scan_point(db, token)
        gate_cache[token or ""] = (time.monotonic() + GATE_AUTH_CACHE_SECONDS, gate_id, station)
        return gate_id, station

    def gate_validate(request: Request, body: dict[str, Any]) -> JSONResponse:
        with sessions() as db:  # the scan is its own transaction (the service commits or rolls back)
            gate_id, station = authenticated_gate(db, _bearer(request))
            # a token gate is bound to its registered station (docs/metro.md); the body cannot move it
            decision = service.validate_at_gate(db, str(body.get("qr", ""))[:1000], station,
                                                str(body.get("direction", "")), gate_id=gate_id,
                                                scan_id=_scan_id(gate_id, body.get("scan_id")))
        return JSONResponse(decision.__dict__, headers=NO_STORE)

    async def gate_validate_route(request: Request) -> JSONResponse:
        try:
            return await in_gate_thread(gate_validate, request, await _json_body(request))
        except DomainError as exc:
            return _error(request, exc)

    def sync(request: Request, events: list[dict]) -> tuple[list[service.SyncItem], list[str]]:
        with sessions() as db:
            gate: MetroGate = service.authenticate_gate(db, _bearer(request))
            results = service.sync_offline_taps(db, gate, events)
            return results, service.denylist_entries(db)

    async def gate_sync(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            events = body.get("events")
            if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
                raise DomainError("metro.error.bad_request")
            results, denylist = await in_gate_thread(sync, request, events)
        except DomainError as exc:
            return _error(request, exc)
        return JSONResponse({"results": [r.__dict__ for r in results], "denylist": denylist, "keys": keys.jwks()},
                            headers=NO_STORE)

    async def gate_denylist(request: Request) -> JSONResponse:
        try:
            with sessions() as db:
                service.authenticate_gate(db, _bearer(request))
                entries = service.denylist_entries(db)
        except DomainError as exc:
            return _error(request, exc)
        return JSONResponse({"denylist": entries}, headers=NO_STORE)

    async def my_tickets(request: Request) -> JSONResponse:
        try:
            with sessions() as db:
                tickets = service.list_my_tickets(db, _user_id(db, request))
                payload = [_ticket_json(t) for t in tickets]
        except DomainError as exc:
            return _error(request, exc)
        return JSONResponse({"tickets": payload}, headers=NO_STORE)

    async def rebind(request: Request) -> JSONResponse:
        try:
            body = await _json_body(request)
            with sessions() as db:
                ticket = service.rebind_device(db, _user_id(db, request), request.path_params["tid"],
                                               str(body.get("device_key", "")))
                payload = _ticket_json(ticket)
        except DomainError as exc:
            return _error(request, exc)
        return JSONResponse(payload, headers=NO_STORE)

    return [
        Route("/gtfs.zip", gtfs_zip, methods=["GET"]),
        Route("/api/metro/keys.json", keys_json, methods=["GET"]),
        Route("/api/metro/fare", fare, methods=["GET"]),
        Route("/api/metro/gate/validate", gate_validate_route, methods=["POST"]),
        Route("/api/metro/gate/sync", gate_sync, methods=["POST"]),
        Route("/api/metro/gate/denylist.json", gate_denylist, methods=["GET"]),
        Route("/api/metro/my/tickets", my_tickets, methods=["GET"]),
        Route("/api/metro/my/tickets/{tid:str}/device", rebind, methods=["POST"]),
    ]


def _scan_id(gate_id: str, raw: object) -> str | None:
    """Scan ids are namespaced per gate, so one gate cannot replay (or block) another's."""
    return f"{gate_id}:{str(raw)[:30]}" if raw else None


ROUTES: list[BaseRoute] = build_routes()
