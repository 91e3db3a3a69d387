"""The phone's ticket screen (assets/metro/ticket.js ``show``) in headless Chromium, from a loopback static server:
the QR is drawn from the tickets and the key stored on the phone without waiting for the screen wake lock, which a
browser may grant late or never (issue 24: the rider's ticket offline). Needs Debian's Chromium (``interop``)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, interop, require_module, wait_until

ASSETS = Path(__file__).resolve().parents[3] / "assets"
PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Vé</title>
<script src="/qr/qrcode-generator.js"></script><script src="/qr/draw.js"></script>
<script src="/metro/ticket.js"></script></head><body><canvas id="qr"></canvas></body></html>"""
# A browser slow to grant the wake lock: each request is recorded and answered only when the test grants it.
SLOW_WAKE_LOCK = """window.__wakeLocks = []; window.__grant = [];
Object.defineProperty(navigator, "wakeLock", {configurable: true, value: {request(type) {
  window.__wakeLocks.push(type);
  return new Promise((resolve) => window.__grant.push(() => { const lock = {released: false,
    release() { this.released = true; return Promise.resolve(); }}; window.__lock = lock; resolve(lock); }));
}}});"""
# A stored ticket as syncTickets keeps it (the payload: any Base45 text of a ticket's length will do for drawing).
STORE_TICKET = """async (id) => {
  await MetroTicket.devicePublicKey();  // the phone's key, made and kept in IndexedDB
  const payload = MetroTicket._internal.b45encode(new Uint8Array(90).map((_, i) => i));
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("cds-metro", 1);
    r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  await new Promise((ok, fail) => { const tx = db.transaction("kv", "readwrite");
    tx.objectStore("kv").put([{id, payload, valid_until: Date.now() / 1000 + 3600}], "tickets");
    tx.oncomplete = ok; tx.onerror = () => fail(tx.error); });
  db.close();
}"""

pytestmark = interop(Path(CHROMIUM).exists(), "Debian chromium")


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def do_GET(self) -> None:
        if self.path == "/ticket":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(ASSETS)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _ticket_tab(playwright, site: str):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    tab = browser.new_page()
    tab.add_init_script(SLOW_WAKE_LOCK)
    tab.goto(site + "/ticket")
    tab.evaluate(STORE_TICKET, "t1")
    return browser, tab


def test_the_code_is_drawn_while_the_wake_lock_is_still_pending(site: str) -> None:
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser, tab = _ticket_tab(playwright, site)
        try:
            tab.evaluate("() => { MetroTicket.show(document.getElementById('qr'), 't1'); }")  # not awaited
            wait_until(tab, "() => document.getElementById('qr').hasAttribute('data-qr')", None, 5000)
            assert tab.get_attribute("#qr", "data-qr").startswith("MT1:")
            assert tab.evaluate("() => window.__wakeLocks") == ["screen"]  # still asked for, to keep the screen on
        finally:
            browser.close()


def test_a_wake_lock_granted_after_the_ticket_was_closed_is_let_go(site: str) -> None:
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser, tab = _ticket_tab(playwright, site)
        try:
            tab.evaluate("""async () => {
              const late = new Promise((_, fail) => setTimeout(() => fail(new Error("show() never returned")), 5000));
              const stop = await Promise.race([MetroTicket.show(document.getElementById("qr"), "t1"), late]);
              stop(); window.__grant[0](); }""")
            assert wait_until(tab, "() => window.__lock && window.__lock.released", None, 5000)
        finally:
            browser.close()
