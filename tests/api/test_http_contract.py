"""The one HTTP contract (core.http): every route of the app on a real database with the demo data.

Schemathesis fuzzes the published OpenAPI document against the in-process app (the routes, the security
headers and the upload guard, as ``citizen_app.citizen_app`` assembles them): no server error, every status,
media type and JSON body as documented. The other tests pin the refusals the contract exists for.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from citizen_app.core import config
from citizen_app.core import db as core_db
from citizen_app.core.asgi import all_routes, security_headers
from citizen_app.core.http import Endpoint
from citizen_app.core.openapi import OPENAPI_PATH, openapi_path
from citizen_app.identity.models import UserAccount
from citizen_app.identity.service import open_session
from citizen_app.metro import purchase, tickets
from citizen_app.metro.phone import SimulatedPhone
from citizen_app.ops import health
from tests.conftest import fresh_schema

MAI = "0903123456"
ROUTES = all_routes()
# A path no route takes goes on to Reflex's frontend mount, which answers its 404.html (an app page routes share a
# prefix with, such as /feedback/new beside /feedback/{report_id:int}, is served there too).
FRONTEND_404 = Mount("/", app=HTMLResponse("<!DOCTYPE html><title>404</title>", status_code=404))
APP = security_headers(Starlette(routes=[*ROUTES, FRONTEND_404]))  # as citizen_app.citizen_app assembles it


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app's own engine on a fresh database with the demo accounts and data (once for this module)."""
    from citizen_app.demo import seed_agencies, seed_demo

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('contract') / 'app.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("PAYMENTS_SANDBOX", "1")
        patch.delenv("REDIS_URL", raising=False)
        patch.setattr(health, "database_revisions", health.migration_heads)  # create_all builds the head schema
        config.settings.cache_clear()
        core_db.engine.cache_clear()
        fresh_schema(core_db.engine())
        with core_db.session_scope() as db:
            seed_agencies(db)
            seed_demo(db)
            mai = db.exec(select(UserAccount).where(UserAccount.phone == MAI)).one().id
        yield {"mai": mai, "origin": config.settings().public_url}
        core_db.engine().dispose()
        core_db.engine.cache_clear()
        config.settings.cache_clear()


def _cookie(user_id: int) -> str:
    with core_db.session_scope() as db:
        return open_session(db, user_id)


@pytest.fixture(scope="module")
def client(demo: dict[str, Any]) -> TestClient:
    return TestClient(APP, base_url=demo["origin"], raise_server_exceptions=False)


# --- the fuzzing -----------------------------------------------------------------------------------------


schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, APP)  # the published document, read from the app


@pytest.fixture()
def mai_cookie(demo: dict[str, Any]) -> dict[str, str]:
    """A session of its own for each route (logout is fuzzed too)."""
    return {"cds_sid": _cookie(demo["mai"])}


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_fuzz_every_route(case: Any, demo: dict[str, Any], mai_cookie: dict[str, str]) -> None:
    """Logged in as a demo citizen, from the app's own origin: no 5xx, and every answer as documented."""
    case.call_and_validate(
        headers={"Origin": demo["origin"]}, cookies=mai_cookie,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance])


def _table(routes: list[BaseRoute], prefix: str = "") -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, Mount):
            found |= _table(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            methods = route.methods or {"GET"}
            found |= {(openapi_path(prefix + route.path), m) for m in methods if m != "HEAD" or "GET" not in methods}
    return found


def test_openapi_lists_every_route_of_the_table(client: TestClient) -> None:
    document = client.get(OPENAPI_PATH).json()
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    documented -= {(path, "HEAD") for path, _ in documented if (path, "GET") in documented}
    assert documented == _table(ROUTES)
    assert document["openapi"] == "3.1.0"


# --- the refusals the contract exists for -----------------------------------------------------------------


def _ticket(user_id: int) -> str:
    with core_db.session_scope() as db:
        ticket = purchase.create_order(db, user_id, "day_1", SimulatedPhone().device_key)
        purchase.fulfil_paid_order(db, ticket.order_ref)
        return ticket.id


def test_cross_origin_text_plain_rebind_is_refused(client: TestClient, demo: dict[str, Any]) -> None:
    """The form a foreign page can send without CORS: text/plain that happens to hold JSON."""
    tid, phone = _ticket(demo["mai"]), SimulatedPhone()
    cookies = {"cds_sid": _cookie(demo["mai"])}
    path = f"/api/metro/my/tickets/{tid}/device"
    body = json.dumps({"device_key": phone.device_key})
    cross = client.post(path, content=body, cookies=cookies,
                        headers={"Origin": "https://evil.example", "Content-Type": "text/plain; application/json"})
    assert cross.status_code == 403 and cross.json()["error"] == "error.origin"
    own_origin_text = client.post(path, content=body, cookies=cookies,
                                  headers={"Origin": demo["origin"], "Content-Type": "text/plain; application/json"})
    assert own_origin_text.status_code == 415
    with core_db.session_scope() as db:
        assert tickets.list_my_tickets(db, demo["mai"])[-1].device_key != phone.device_key
    moved = client.post(path, json={"device_key": phone.device_key}, cookies=cookies,
                        headers={"Origin": demo["origin"]})
    assert moved.status_code == 200 and moved.json()["device_key"] == phone.device_key


@pytest.mark.parametrize("path", ["/api/procedures/lookup", "/api/identity/verify", "/api/metro/gate/validate"])
def test_deeply_nested_json_is_a_400(client: TestClient, path: str) -> None:
    deep = b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = client.post(path, content=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"] == "error.bad_json"
    shallow_enough = b'{"a":' + b"[" * 40 + b"]" * 40 + b"}"
    assert client.post(path, content=shallow_enough, headers={"Content-Type": "application/json"}).status_code == 400
    nan = client.post(path, content=b'{"number": NaN}', headers={"Content-Type": "application/json"})
    assert nan.status_code == 400


@pytest.mark.parametrize("path", [
    "/api/procedures/dossiers/99999999999999999999/result.pdf",
    "/api/procedures/dossiers/99999999999999999999/draft.pdf",
    "/api/procedures/dossiers/99999999999999999999/signed.pdf",
    "/api/procedures/attachments/99999999999999999999",
    "/api/feedback/photos/99999999999999999999",
    "/api/feedback/photos/99999999999999999999/thumb",
])
def test_ids_beyond_64_bits_are_not_found(client: TestClient, demo: dict[str, Any], path: str) -> None:
    response = client.get(path, cookies={"cds_sid": _cookie(demo["mai"])})
    assert response.status_code == 404 and response.json()["error"] == "error.not_found"


def test_revoke_with_an_id_beyond_64_bits_is_not_found(client: TestClient, demo: dict[str, Any]) -> None:
    response = client.post("/api/identity/credentials/99999999999999999999/revoke",
                           cookies={"cds_sid": _cookie(demo["mai"])}, headers={"Origin": demo["origin"]})
    assert response.status_code == 404


@pytest.mark.parametrize("query", [
    "bbox=nan,nan,nan,nan", "bbox=106.6,10.7,inf,10.8", "bbox=106.6,-100,106.7,10.8", "bbox=106.6,10.7,106.7"])
def test_map_box_needs_real_coordinates(client: TestClient, query: str) -> None:
    response = client.get(f"/api/feedback/map.json?{query}")
    assert response.status_code == 400 and response.json()["error"] == "feedback.bbox_invalid"


@pytest.mark.parametrize("near", ["lat=nan&long=106.7", "lat=10.7&long=inf", "lat=1e308&long=106.7",
                                  "lat=95&long=106.7"])
def test_open311_search_needs_real_coordinates(client: TestClient, near: str) -> None:
    response = client.get(f"/open311/v2/requests.json?{near}")
    assert response.status_code == 400 and response.json()[0]["code"] == "400"


def test_open311_post_with_nan_coordinates_is_a_400(client: TestClient) -> None:
    response = client.post("/open311/v2/requests.json", data={"service_code": "road_damage", "lat": "nan",
                                                              "long": "nan", "description": "Ổ gà"})
    assert response.status_code in (400, 403) and isinstance(response.json(), list)


# --- one error shape --------------------------------------------------------------------------------------

# Routes with nothing to refuse to an anonymous request without parameters (public documents and redirects).
ANSWERS_ANYONE = {"/api/health/live", "/api/health/ready", "/api/metro/keys.json", "/gtfs.zip", "/gtfs-rt/alerts.pb",
                  "/api/procedures/catalog",
                  "/.well-known/jwt-vc-issuer", "/.well-known/jwks.json", "/api/identity/status-lists",
                  "/api/push/vapid-public-key", "/api/feedback/scorecard.csv", "/api/identity/passkeys/login/options",
                  "/auth/session", "/pay/return/{provider}", "/api/city/linkcheck-data.json", OPENAPI_PATH,
                  "/.well-known/openid-credential-issuer", "/.well-known/oauth-authorization-server",
                  "/api/identity/oid4vci/nonce", "/api/identity/oid4vp/verifier-jwks"}
# OAuth protocol endpoints (OpenID4VCI/VP): the same shape plus the ``error_description`` their clients read.
OAUTH_ROUTES = {"/api/identity/oid4vci/token", "/api/identity/oid4vci/credential", "/api/identity/oid4vci/deferred",
                "/api/identity/oid4vp/request/{request_id:str}", "/api/identity/oid4vp/response/{request_id:str}"}
# The sandbox gateways' pages answer a browser in HTML, as a gateway or a bank does; so does a report's page.
HTML_PAGES = {"/pay/sandbox/checkout", "/pay/sandbox/momo/pay", "/pay/sandbox/bank", "/feedback/{report_id:int}"}
# The OpenID4VCI authorization endpoint answers the citizen's browser: its refusals are pages too, never redirects
# (an unvalidated redirect URI must not be followed).
HTML_REFUSALS = {"/api/identity/oid4vci/authorize"}


def _every_endpoint() -> list[str]:
    return [f"{method} {e.path}" for e in ROUTES if isinstance(e, Endpoint) and not e.path.startswith("/open311/")
            for method in sorted(e.methods - {"HEAD"})]


@pytest.mark.parametrize("route", _every_endpoint())
def test_every_pillar_refuses_in_one_shape(client: TestClient, demo: dict[str, Any], route: str) -> None:
    """Anonymous, from a foreign origin, with a text body and placeholder path values: each route refuses (or has
    nothing to refuse), and every refusal is {"error", "message": {"vi", "en"}}, never cached."""
    method, path = route.split(" ")
    concrete = re.sub(r"\{[^}]+\}", "0", path)
    response = client.request(method, concrete, content=b"x", headers={"Origin": "https://evil.example",
                                                                       "Content-Type": "text/plain"})
    if path in ANSWERS_ANYONE or (path in HTML_PAGES and method == "GET"):
        assert response.status_code < 500
        return
    if path in HTML_REFUSALS:
        assert 400 <= response.status_code < 500 and "location" not in response.headers, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
        return
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    extra = {"error_description"} if path in OAUTH_ROUTES else set()
    assert set(body) == {"error", "message"} | extra and set(body["message"]) == {"vi", "en"}, body
    assert all(body["message"].values()) and response.headers["cache-control"] == "no-store"
