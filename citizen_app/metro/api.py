"""HTTP routes for Metro Line 1: the GTFS feed, public keys, fares, gate validation/sync, the rider's tickets.

Handlers only translate HTTP <-> service calls (style P1). Gates authenticate with ``Authorization: Bearer``
(token from ``devices.register_gate``); rider routes use the ``cds_sid`` session cookie.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter
from sqlmodel import Session
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.config import settings
from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import (
    ANY_OBJECT,
    BOOLEAN,
    INTEGER,
    Call,
    Endpoint,
    array,
    json_content,
    media,
    nullable,
    obj,
    string,
)
from citizen_app.core.timeutil import to_unix
from citizen_app.metro import alerts, devices, fares, gate_service, keys
from citizen_app.metro.catalog import data, gtfs_zip_bytes
from citizen_app.metro.denylist import denylist_entries
from citizen_app.metro.models import MetroGate, MetroTicket
from citizen_app.metro.sync import SyncItem, sync_offline_taps
from citizen_app.metro.tickets import list_my_tickets, rebind_device

try:  # registers the payment fulfilment hooks when the payments pillar is present
    from citizen_app.metro import pay as _pay
except ModuleNotFoundError:  # pragma: no cover
    _pay = None

Sessions = Callable[[], AbstractContextManager[Session]]
PROTOBUF = "application/x-protobuf"
ALERTS_CACHE = "public, max-age=30"
GATE_AUTH_CACHE_SECONDS = 10
MAX_BODY = 2_000_000
NO_STORE = {"Cache-Control": "no-store"}


def _station_names(code: str | None) -> dict[str, str] | None:
    station = data().station(code or "")
    return {"vi": station.name_vi, "en": station.name_en} if station else None


def _ticket_json(ticket: MetroTicket) -> dict[str, Any]:
    """What the phone stores for offline display: ids, names and validity (no personal data)."""
    product = data().products[ticket.product_id]
    return {"id": ticket.id, "product": ticket.product_id, "name_vi": product.name_vi, "name_en": product.name_en,
            "kind": product.kind, "origin": ticket.origin, "destination": ticket.destination,
            "origin_name": _station_names(ticket.origin), "destination_name": _station_names(ticket.destination),
            "rider_category": ticket.rider_category,
            "valid_from": to_unix(ticket.valid_from) if ticket.valid_from else None,
            "valid_until": to_unix(ticket.valid_until) if ticket.valid_until else None,
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

    async def gtfs_zip(_call: Call) -> Response:
        return Response(gtfs_zip_bytes(f"{settings().public_url}{alerts.FEED_PATH}"), media_type="application/zip",
                        headers={"Content-Disposition": 'attachment; filename="gtfs.zip"'})

    async def alerts_feed(call: Call) -> Response:
        with sessions() as db:
            message = alerts.feed(db)
        if call.query("format") == "json":
            return JSONResponse(alerts.feed_json(message))
        return Response(message.SerializeToString(), media_type=PROTOBUF)

    async def keys_json(_call: Call) -> dict:
        return keys.jwks()

    async def fare(call: Call) -> dict:
        quote = fares.quote_single(call.query("from"), call.query("to"))
        return {"origin": quote.origin, "destination": quote.destination, "cash_vnd": quote.cash_vnd,
                "cashless_vnd": quote.cashless_vnd, "is_estimate": quote.is_estimate}

    gate_cache: dict[str, tuple[float, str, str]] = {}

    def authenticated_gate(db: Session, token: str | None) -> tuple[str, str]:
        """(gate id, station) for a bearer token; cached for a few seconds per process, so a deactivated
        gate is refused within ``GATE_AUTH_CACHE_SECONDS`` while busy gates skip one query per scan."""
        cached = gate_cache.get(token or "")
        if cached and cached[0] > time.monotonic():
            return cached[1], cached[2]
        gate_id, station = gate_service.scan_point(db, token)
        gate_cache[token or ""] = (time.monotonic() + GATE_AUTH_CACHE_SECONDS, gate_id, station)
        return gate_id, station

    def gate_validate(call: Call) -> JSONResponse:
        body = call.body
        with sessions() as db:  # the scan is its own transaction: it commits here, after the decision
            gate_id, station = authenticated_gate(db, call.bearer)
            # a token gate is bound to its registered station (docs/metro.md); the body cannot move it
            decision = gate_service.validate_at_gate(db, str(body.get("qr", ""))[:1000], station,
                                                     str(body.get("direction", "")), gate_id=gate_id,
                                                     scan_id=_scan_id(gate_id, body.get("scan_id")))
        return JSONResponse(decision.__dict__, headers=NO_STORE)

    async def validate(call: Call) -> JSONResponse:
        return await in_gate_thread(gate_validate, call)

    def sync(token: str | None, events: list[dict], report: devices.DeviceReport) -> tuple[list[SyncItem], list[str]]:
        with sessions() as db:
            gate: MetroGate = devices.authenticate_gate(db, token)
            results = sync_offline_taps(db, gate, events)
            devices.record_contact(db, gate, report)
            return results, denylist_entries(db)

    async def gate_sync(call: Call) -> dict:
        events = call.body.get("events")
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise DomainError("metro.error.bad_request")
        report = devices.DeviceReport.from_body(call.body)
        results, denylist = await in_gate_thread(sync, call.bearer, events, report)
        return {"results": [r.__dict__ for r in results], "denylist": denylist, "keys": keys.jwks()}

    async def gate_denylist(call: Call) -> dict:
        with sessions() as db:
            devices.authenticate_gate(db, call.bearer)
            return {"denylist": denylist_entries(db)}

    async def gate_enrol(call: Call) -> dict:
        with sessions() as db:
            gate, token = devices.enrol(db, str(call.body.get("code", "")))
            return {"token": token, **devices.pull(db, gate, devices.DeviceReport(0, None, ""))}

    async def gate_pull(call: Call) -> dict:
        with sessions() as db:
            gate = devices.authenticate_gate(db, call.bearer)
            return devices.pull(db, gate, devices.DeviceReport.from_body(call.body))

    async def my_tickets(call: Call) -> dict:
        with sessions() as db:
            return {"tickets": [_ticket_json(t) for t in list_my_tickets(db, call.user_id)]}

    async def rebind(call: Call) -> dict:
        with sessions() as db:
            ticket = rebind_device(db, call.user_id, call.path("tid"), str(call.body.get("device_key", "")))
            return _ticket_json(ticket)

    gate: dict[str, Any] = {"auth": "gate", "max_body": MAX_BODY}
    rider: dict[str, Any] = {"auth": "cookie", "sessions": sessions}
    return [
        Endpoint("/gtfs.zip", gtfs_zip, summary="GTFS + GTFS-Fares v2 feed of Metro Line 1",
                 responses={200: media("application/zip")}, cache="public, max-age=3600"),
        Endpoint(alerts.FEED_PATH, alerts_feed, summary="Service alerts of Metro Line 1 (GTFS-Realtime ServiceAlerts)",
                 query={"format": string(enum=["pb", "json"])},
                 responses={200: {**media(PROTOBUF), **json_content(ANY_OBJECT)}}, cache=ALERTS_CACHE),
        Endpoint("/api/metro/keys.json", keys_json, summary="Ticket-signing public keys (JWKS)",
                 responses={200: json_content(_JWKS)}, cache="public, max-age=300"),
        Endpoint("/api/metro/fare", fare, summary="Single-journey fare between two stations",
                 query={"from": string(), "to": string()}, responses={200: json_content(_FARE)}),
        Endpoint("/api/metro/gate/validate", validate, methods=("POST",), summary="Validate a scanned ticket QR",
                 body=obj(("qr", "direction"), qr=string(1000), direction=string(enum=["in", "out"]),
                          scan_id=string(30)),
                 responses={200: json_content(_DECISION)}, errors=(401,), **gate),
        Endpoint("/api/metro/gate/sync", gate_sync, methods=("POST",), summary="Upload offline taps, get the denylist",
                 body=obj(("events",), events=array(_TAP), **_REPORT["properties"]),
                 responses={200: json_content(_SYNC)}, errors=(401,),
                 **gate),
        Endpoint("/api/metro/gate/enrol", gate_enrol, methods=("POST",),
                 summary="Enrol a gate or handheld validator with the operator's one-time QR: its token, once",
                 body=obj(("code",), code=string(300)), responses={200: json_content(_ENROLLED)}, errors=(401,)),
        Endpoint("/api/metro/gate/pull", gate_pull, methods=("POST",),
                 summary="A gate's regular pull: report queue and versions, get keys, denylist and rules",
                 body=_REPORT, responses={200: json_content(_PULL)}, errors=(401,), **gate),
        Endpoint("/api/metro/gate/denylist.json", gate_denylist, summary="Tickets and devices a gate must refuse",
                 responses={200: json_content(obj(("denylist",), denylist=array(string())))}, errors=(401,), **gate),
        Endpoint("/api/metro/my/tickets", my_tickets, summary="My tickets (for offline display)",
                 responses={200: json_content(obj(("tickets",), tickets=array(_TICKET)))}, **rider),
        Endpoint("/api/metro/my/tickets/{tid:str}/device", rebind, methods=("POST",),
                 summary="Move my ticket to this phone", body=obj(("device_key",), device_key=string(200)),
                 responses={200: json_content(_TICKET)}, **rider),
    ]


def _scan_id(gate_id: str, raw: object) -> str | None:
    """Scan ids are namespaced per gate, so one gate cannot replay (or block) another's."""
    return f"{gate_id}:{str(raw)[:30]}" if raw else None


_NAMES = nullable(obj(("vi", "en"), vi=string(), en=string()))
_TICKET = obj(("id", "product", "payload", "device_key"), id=string(), product=string(), name_vi=string(),
              name_en=string(), kind=string(), origin=nullable(string()), destination=nullable(string()),
              origin_name=_NAMES, destination_name=_NAMES, rider_category=nullable(string()),
              valid_from=nullable(INTEGER), valid_until=nullable(INTEGER), payload=string(), device_key=string())
_JWKS = obj(("keys",), keys=array(obj(("kty",), kty=string(), kid=string())))
_FARE = obj(("origin", "destination", "cash_vnd", "cashless_vnd", "is_estimate"), origin=string(),
            destination=string(), cash_vnd=INTEGER, cashless_vnd=INTEGER, is_estimate=BOOLEAN)
_DECISION = obj(("admitted", "reason"), admitted=BOOLEAN, reason=string(), message_vi=string(), message_en=string(),
                ticket_id=nullable(string()), product_id=nullable(string()), rider_category=nullable(string()),
                replay=BOOLEAN)
_TAP = obj(("scan_id", "tid", "direction", "at"), scan_id=string(60), tid=string(24),
           direction=string(enum=["in", "out"]), station=string(10), at=INTEGER)
_REPORT = obj((), queue=INTEGER, key_version=nullable(INTEGER), denylist_version=string(16))
_GATE = obj(("id", "station", "kind"), id=string(), station=string(), kind=string(), label=string(),
            station_vi=string(), station_en=string())
_PULL_FIELDS = {"gate": _GATE, "keys": _JWKS, "key_version": INTEGER, "denylist": array(string()),
                "denylist_version": string(), "rules": ANY_OBJECT, "server_time": INTEGER}
_PULL = obj(tuple(_PULL_FIELDS), **_PULL_FIELDS)
_ENROLLED = obj(("token", *_PULL_FIELDS), token=string(), **_PULL_FIELDS)
_SYNC = obj(("results", "denylist", "keys"), results=array(obj(("scan_id", "status"), scan_id=string(),
                                                              status=string(), conflict=string())),
            denylist=array(string()), keys=_JWKS)

ROUTES: list[BaseRoute] = build_routes()
