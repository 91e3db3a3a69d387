"""A dynamic page's frame (issue 24): the built placeholder page with the record's markup in its slot, served with the
built page's own script policy."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from citizen_app.core.headers import inline_script_hashes
from citizen_app.core.page_frames import (
    PageFrame,
    fill_slot,
    frame_response,
    placeholder_file,
    with_sample,
    without_sample,
)

SCRIPT = "window.__reactRouterContext = {};"
BUILT = ('<!DOCTYPE html><html lang="vi"><head><title>Chi tiết phản ánh</title></head><body><main id="main">'
         '<a href="/feedback">Quay lại</a><div data-cds-frame="" class="x"></div></main>'
         f'<script>{SCRIPT}</script></body></html>')
FRAME = PageFrame("/things/[id]", "/things/0", lambda: "<h1>Mẫu</h1>")


def test_the_slot_takes_the_markup_and_nothing_else_changes() -> None:
    page = fill_slot(BUILT, "<h1>Ổ gà</h1>")
    assert '<div data-cds-frame="" class="x"><h1>Ổ gà</h1></div>' in page
    assert page.replace("<h1>Ổ gà</h1>", "") == BUILT
    with pytest.raises(ValueError):
        fill_slot(page, "again")  # only an empty slot is filled
    # the slot as Beasties writes it after choosing the critical CSS
    assert fill_slot("<p>a</p><div data-cds-frame></div>", "<b>x</b>") == "<p>a</p><div data-cds-frame><b>x</b></div>"
    with pytest.raises(ValueError):
        fill_slot("<div data-cds-frame-other></div>", "x")


def test_the_build_sample_comes_out_again() -> None:
    sampled = with_sample(BUILT, FRAME.sample())
    assert "<h1>Mẫu</h1>" in sampled
    assert without_sample(sampled) == BUILT


@pytest.fixture()
def static_dir(tmp_path: Path) -> Path:
    page = placeholder_file(tmp_path, FRAME.placeholder)
    page.parent.mkdir(parents=True)
    page.write_text(BUILT + "<!--" + "x" * 2000 + "-->", encoding="utf-8")
    return tmp_path


def _client(static_dir: Path | None, inner: str, status: int = 200) -> TestClient:
    async def page(request: Request):
        return frame_response(request, FRAME, inner, status, public_url="https://cds.example", lang="vi",
                              static_dir=static_dir)

    return TestClient(Starlette(routes=[Route("/things/{id:int}", page)]))


def test_the_page_is_the_built_page_with_the_record_and_its_own_policy(static_dir: Path) -> None:
    response = _client(static_dir, "<h1>Ổ gà &amp; nước</h1>").get("/things/7", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-encoding"] == "gzip"  # TestClient decoded it
    assert '<div data-cds-frame="" class="x"><h1>Ổ gà &amp; nước</h1></div>' in response.text
    csp = response.headers["content-security-policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert f"'sha256-{inline_script_hashes(BUILT)[0]}'" in script_src and "'unsafe-inline'" not in script_src
    assert response.headers["cache-control"] == "no-cache"


def test_plain_when_the_browser_takes_no_gzip_and_the_status_is_kept(static_dir: Path) -> None:
    response = _client(static_dir, "", 404).get("/things/7", headers={"accept-encoding": "identity"})
    assert response.status_code == 404 and "content-encoding" not in response.headers
    assert '<div data-cds-frame="" class="x"></div>' in response.text


def test_gzip_is_a_real_gzip_of_the_page(static_dir: Path) -> None:
    scope = {"type": "http", "method": "GET", "path": "/things/7", "headers": [(b"accept-encoding", b"gzip")]}
    response = frame_response(Request(scope), FRAME, "<p>x</p>", public_url="http://127.0.0.1:3000", lang="en",
                              static_dir=static_dir)
    assert b"<p>x</p></div>" in gzip.decompress(response.body)


def test_nothing_built_here_is_a_plain_404(tmp_path: Path) -> None:
    response = _client(tmp_path, "<h1>x</h1>").get("/things/7")
    assert response.status_code == 404 and "<h1>x</h1>" not in response.text
    assert response.headers["content-type"].startswith("text/html")  # as the route's contract says


def test_a_build_without_the_frame_serves_the_spa_fallback(tmp_path: Path) -> None:
    (tmp_path / "404.html").write_text(f"<html><body><script>{SCRIPT}</script></body></html>", encoding="utf-8")
    response = _client(tmp_path, "<h1>x</h1>").get("/things/7")
    assert response.status_code == 200 and "<h1>x</h1>" not in response.text and SCRIPT in response.text
    page = placeholder_file(tmp_path, FRAME.placeholder)
    page.parent.mkdir(parents=True)
    page.write_text("<html><body>no slot</body></html>", encoding="utf-8")  # a broken build: no slot
    assert SCRIPT in _client(tmp_path, "<h1>x</h1>").get("/things/7").text
