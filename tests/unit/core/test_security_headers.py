"""The security headers middleware around a Starlette app that serves a built frontend the way Reflex's
single-port mode does (PrecompressedStaticFiles with .gz sidecars) and a route that renders HTML."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from citizen_app.core import asgi, headers
from citizen_app.core.config import settings

THEME = "document.documentElement.dataset.theme = 'light';"
HYDRATE = 'window.__ctx = {"ssr": false};\nimport("/assets/entry.js");'
PAGE = (f"<!doctype html><html><head><script>{THEME}</script><script src=\"/shell.js\"></script></head>"
        f"<body><div id=\"root\"></div><SCRIPT type=\"module\" async>{HYDRATE}</SCRIPT></body></html>")


def sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def write_page(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    Path(f"{path}.gz").write_bytes(gzip.compress(text.encode()))


@pytest.fixture()
def static_dir(tmp_path: Path) -> Path:
    write_page(tmp_path / "index.html", PAGE)
    write_page(tmp_path / "offline.html", "<!doctype html><style>body{margin:0}</style><p>offline</p>")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    for name in ("assets/entry.client-BcBPaK_9.js", "assets/spinner--w0MPmBu.js", "pwa.js", "icons/icon-192.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    return tmp_path


@pytest.fixture()
def client(static_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """``client(public_url, served)``: the test app behind the middleware, configured as the real app is (the
    settings, Reflex's build folder = ``static_dir``); ``served`` is the folder the app serves files from."""
    monkeypatch.setattr(asgi, "frontend_static_dir", lambda: static_dir, raising=False)

    def make(public_url: str = "http://127.0.0.1:3000", served: Path | None = None) -> TestClient:
        monkeypatch.setenv("PUBLIC_URL", public_url)
        settings.cache_clear()
        return serve(served or static_dir)

    yield make
    settings.cache_clear()


def serve(files: Path) -> TestClient:
    """The test app: a sandbox-like HTML route, JSON routes, and the frontend files as Reflex serves them."""
    async def sandbox_page(_request) -> HTMLResponse:
        return HTMLResponse("<!doctype html><form method=post><button>Pay</button></form>")

    async def api(_request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def photo(_request) -> PlainTextResponse:
        return PlainTextResponse("jpeg", headers={"content-security-policy": "default-src 'none'"})

    app = Starlette(routes=[
        Route("/pay/sandbox/checkout", sandbox_page), Route("/api/x", api), Route("/api/photo", photo),
        Mount("/", PrecompressedStaticFiles(directory=files, html=True, encodings=["gzip"])),
    ])
    return TestClient(asgi.security_headers(app))


Client = Callable[..., TestClient]


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_compiled_page_may_run_exactly_its_own_inline_scripts(client: Client, encoding: str) -> None:
    response = client().get("/", headers={"accept-encoding": encoding})
    assert response.text == PAGE
    assert response.headers.get("content-encoding", "identity") == encoding  # the .gz sidecar when asked
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-eval'", sha256(THEME), sha256(HYDRATE)]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'", "ws://127.0.0.1:3000"]
    assert policy["img-src"] == ["'self'", "data:", "blob:", "https://tile.openstreetmap.org"]
    for name, sources in {"default-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'self'"],
                          "form-action": ["'self'"], "frame-ancestors": ["'none'"], "frame-src": ["'none'"],
                          "worker-src": ["'self'"], "manifest-src": ["'self'"]}.items():
        assert policy[name] == sources, name
    assert "camera=(self)" in response.headers["permissions-policy"]
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    assert "microphone=()" in response.headers["permissions-policy"]
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_static_and_route_pages_get_the_policy_without_eval(client: Client) -> None:
    app = client()
    for path in ("/offline.html", "/pay/sandbox/checkout"):
        response = app.get(path)
        policy = directives(response.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert response.headers["cross-origin-opener-policy"] == "same-origin", path


def test_the_service_worker_gets_a_policy_and_data_responses_keep_their_own(client: Client) -> None:
    app = client()
    assert directives(app.get("/sw.js").headers["content-security-policy"])["script-src"] == ["'self'"]
    api = app.get("/api/x")
    assert "content-security-policy" not in api.headers
    assert "permissions-policy" not in api.headers
    assert api.headers["cache-control"] == "no-store"
    assert app.get("/api/photo").headers["content-security-policy"] == "default-src 'none'"


def test_hashed_build_files_are_immutable_for_a_year_and_the_rest_revalidated(client: Client) -> None:
    app = client()
    for path in ("/assets/entry.client-BcBPaK_9.js", "/assets/spinner--w0MPmBu.js"):
        assert app.get(path).headers["cache-control"] == "public, max-age=31536000, immutable", path
    for path in ("/", "/offline.html", "/sw.js", "/pwa.js"):  # a release must reach every phone at once
        assert app.get(path).headers["cache-control"] == "no-cache", path
    assert app.get("/icons/icon-192.png").headers["cache-control"] == "public, max-age=86400"
    assert app.get("/api/x").headers["cache-control"] == "no-store"
    missing = app.get("/assets/gone-AbCd1234.js")  # an old build's file: the 404 must not stick for a year
    assert missing.status_code == 404
    assert "cache-control" not in missing.headers
    first = app.get("/assets/entry.client-BcBPaK_9.js")
    again = app.get("/assets/entry.client-BcBPaK_9.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_a_not_modified_answer_leaves_the_cached_policy_alone(client: Client) -> None:
    app = client()
    first = app.get("/")
    assert "content-security-policy" in first.headers
    again = app.get("/", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert "content-security-policy" not in again.headers  # a 304's headers replace the cached ones


def test_a_rebuilt_page_is_hashed_again(client: Client, static_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headers, "_RESCAN_SECONDS", 0.0, raising=False)
    app = client()
    assert sha256(THEME) in app.get("/").headers["content-security-policy"]
    write_page(static_dir / "index.html", PAGE.replace(THEME, "window.rebuilt = true;"))
    later = os.stat(static_dir / "index.html").st_mtime + 5
    for name in ("index.html", "index.html.gz"):
        os.utime(static_dir / name, (later, later))
    policy = app.get("/").headers["content-security-policy"]
    assert sha256("window.rebuilt = true;") in policy
    assert sha256(THEME) not in policy


def test_a_page_outside_the_build_gets_no_hashes(client: Client, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("other")
    write_page(elsewhere / "index.html", PAGE)
    os.utime(elsewhere / "index.html", (1_000_000, 1_000_000))  # not the ETag of the built copy
    response = client(served=elsewhere).get("/", headers={"accept-encoding": "identity"})
    assert directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]


def test_hsts_only_when_the_public_url_is_https(client: Client) -> None:
    assert "strict-transport-security" not in client("http://127.0.0.1:3000").get("/").headers
    secure = client("https://congdanso.example")
    for path in ("/", "/api/x", "/sw.js"):
        assert secure.get(path).headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "wss://congdanso.example" in secure.get("/").headers["content-security-policy"]


def test_inline_script_hashes_skip_external_scripts() -> None:
    html = ('<script src="/a.js"></script><script>one()</script>'
            '<script\nsrc="/b.js" defer></script><script>one()</script>')
    assert headers.inline_script_hashes(html) == (sha256("one()")[8:-1],)
