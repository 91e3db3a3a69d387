"""A browser that opens the app on another host name than PUBLIC_URL is sent to the canonical origin first, so a
login or a gateway's return always meets the session cookie; machines are answered where they call."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from citizen_app.core.asgi import canonical_origin

CANONICAL = "http://127.0.0.1:3000"
NAVIGATE = {"sec-fetch-mode": "navigate", "accept": "text/html"}


def _client(base: str) -> TestClient:
    async def page(request):
        return PlainTextResponse(f"served {request.url}")

    app = canonical_origin(Starlette(routes=[Route("/{path:path}", page, methods=["GET", "POST"])]),
                           public_url=lambda: CANONICAL)
    return TestClient(app, base_url=base)


def test_a_navigation_on_another_host_goes_to_the_canonical_origin_with_path_and_query() -> None:
    response = _client("http://localhost:3000").get("/pay/return/sandbox?vnp_TxnRef=CDS1&x=%C3%A1", headers=NAVIGATE,
                                                    follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"{CANONICAL}/pay/return/sandbox?vnp_TxnRef=CDS1&x=%C3%A1"
    assert response.headers["cache-control"] == "no-store"
    login = _client("http://localhost:3000").get("/login?next=/payments", headers={"accept": "text/html"},
                                                 follow_redirects=False)
    assert login.headers["location"] == f"{CANONICAL}/login?next=/payments"  # older browsers: by Accept


@pytest.mark.parametrize("method,headers", [
    ("GET", {"sec-fetch-mode": "cors", "accept": "application/json"}),  # a script's fetch
    ("GET", {"accept": "application/json"}),  # a gateway's notification, a gate, a health check
    ("POST", NAVIGATE),  # a form post is never replayed elsewhere
])
def test_machines_and_posts_are_answered_where_they_arrive(method: str, headers: dict[str, str]) -> None:
    response = _client("http://localhost:3000").request(method, "/api/pay/ipn/sandbox", headers=headers,
                                                        follow_redirects=False)
    assert response.status_code == 200 and response.text.startswith("served http://localhost:3000/")


def test_the_canonical_host_is_served(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _client(CANONICAL).get("/payments", headers=NAVIGATE).text == f"served {CANONICAL}/payments"
    proxied = _client("http://10.0.0.5:3000").get("/payments", headers={**NAVIGATE,
                                                                         "x-forwarded-host": "127.0.0.1:3000"})
    assert proxied.status_code == 200  # behind a proxy, the host the browser used
    monkeypatch.setenv("CANONICAL_HOST_REDIRECT", "0")
    assert _client("http://localhost:3000").get("/payments", headers=NAVIGATE).status_code == 200
