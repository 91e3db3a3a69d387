"""The phone's ticket screen (assets/metro/ticket.js ``show``, ticket-page.js, the head's ticket-early.js after
session.js) in headless Chromium, from a loopback static server (issue 24: the rider's ticket offline on a slow
phone): the QR is drawn from the tickets and the key stored on the phone without waiting for the screen wake lock,
which a browser may grant late or never; the screen opens the phone's database once and reads it once; the code is
drawn after the card's first frame, the signing done meanwhile; the clock needs no locale data; the early read is
not used once another user's login cleared the phone. Needs Debian's Chromium (``interop``)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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

# The ticket screen as the app serves it (citizen_app.py: session.js and ticket-early.js inline in the head; the ticket
# scripts async), at its address: ticket-early.js reads only there. ``{between}``: scripts run right after the early
# read started.
SCREEN = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Vé</title>
<script src="/session.js"></script><script src="/metro/ticket-early.js"></script>{between}
<script {mode} src="/qr/qrcode-generator.js"></script><script {mode} src="/qr/draw.js"></script>
<script {mode} src="/metro/ticket.js"></script><script {mode} src="/metro/ticket-page.js"></script></head>
<body><div id="metro-ticket-view"></div></body></html>"""
SCREEN_PAGES = {
    "/metro/ticket/": SCREEN.format(between="", mode="async"),
    # another user logs in on this phone just after the early read started (session.js clears the tickets)
    "/metro/ticket/?switch": SCREEN.format(mode="", between="""<script>
      document.cookie = "cds_owner=B; path=/"; cdsSession.check();</script>"""),
}
OPENS = """window.__opens = [];
const open = IDBFactory.prototype.open;
IDBFactory.prototype.open = function (name) { window.__opens.push(name); return open.apply(this, arguments); };"""
EVER_SHOWN = """window.__shown = false;
new MutationObserver(() => { if (document.getElementById("metro-ticket-card")) window.__shown = true; })
  .observe(document, {childList: true, subtree: true});"""
DRAWN = "() => { const qr = document.getElementById('metro-qr'); return !!qr && qr.hasAttribute('data-qr'); }"

pytestmark = interop(Path(CHROMIUM).exists(), "Debian chromium")


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def do_GET(self) -> None:
        if self.path == "/ticket" or self.path in SCREEN_PAGES:
            body = (PAGE if self.path == "/ticket" else SCREEN_PAGES[self.path]).encode()
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


@contextmanager
def _chromium() -> Iterator[object]:
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def _ticket_tab(site: str) -> Iterator[object]:
    """A page with the ticket scripts and a ticket stored on the phone, the wake lock slow to be granted."""
    with _chromium() as browser:
        tab = browser.new_page()
        tab.add_init_script(SLOW_WAKE_LOCK)
        tab.goto(site + "/ticket")
        tab.evaluate(STORE_TICKET, "t1")
        yield tab


def test_the_code_is_drawn_while_the_wake_lock_is_still_pending(site: str) -> None:
    with _ticket_tab(site) as tab:
        tab.evaluate("() => { MetroTicket.show(document.getElementById('qr'), 't1'); }")  # not awaited
        wait_until(tab, "() => document.getElementById('qr').hasAttribute('data-qr')", None, 5000)
        assert tab.get_attribute("#qr", "data-qr").startswith("MT1:")
        assert tab.evaluate("() => window.__wakeLocks") == ["screen"]  # still asked for, to keep the screen on


def test_a_wake_lock_granted_after_the_ticket_was_closed_is_let_go(site: str) -> None:
    with _ticket_tab(site) as tab:
        tab.evaluate("""async () => {
          const late = new Promise((_, fail) => setTimeout(() => fail(new Error("show() never returned")), 5000));
          const stop = await Promise.race([MetroTicket.show(document.getElementById("qr"), "t1"), late]);
          stop(); window.__grant[0](); }""")
        assert wait_until(tab, "() => window.__lock && window.__lock.released", None, 5000)


def _code_not_drawn_until_released(tab) -> None:
    tab.evaluate("""() => { window.__signed = 0; const sign = SubtleCrypto.prototype.sign;
      SubtleCrypto.prototype.sign = function () {
        return sign.apply(this, arguments).then((s) => { window.__signed++; return s; }); };
      window.__release = null;
      const painted = new Promise((resolve) => { window.__release = resolve; });
      MetroTicket.show(document.getElementById('qr'), 't1', {painted}); }""")


def test_the_code_waits_for_the_cards_frame_while_it_is_signed(site: str) -> None:
    with _ticket_tab(site) as tab:
        _code_not_drawn_until_released(tab)
        assert wait_until(tab, "() => window.__signed === 1", None, 5000)  # signed already
        tab.wait_for_timeout(200)
        assert not tab.evaluate("() => document.getElementById('qr').hasAttribute('data-qr')")
        tab.evaluate("() => window.__release()")  # the card's frame painted
        assert wait_until(tab, "() => document.getElementById('qr').hasAttribute('data-qr')", None, 5000)


def test_the_clock_needs_no_locale_data(site: str) -> None:
    """toLocaleTimeString's first call loads the locale's data: ~0.1 s at 4x CPU slowdown, before the code showed."""
    with _ticket_tab(site) as tab:
        text = tab.evaluate("""async () => { let asked = 0; const own = Date.prototype.toLocaleTimeString;
          Date.prototype.toLocaleTimeString = function () { asked++; return own.apply(this, arguments); };
          const clock = document.createElement('span');
          const stop = await MetroTicket.show(document.getElementById('qr'), 't1', {clock}); stop();
          const d = new Date(); return [asked, clock.textContent, d.getHours(), d.getMinutes()]; }""")
        asked, shown, hours, minutes = text
        assert asked == 0
        assert re.fullmatch(r"\d\d:\d\d:\d\d", shown) and int(shown[:2]) == hours, shown
        assert abs(int(shown[3:5]) - minutes) in (0, 1, 59), shown


@contextmanager
def _phone_with_a_ticket(site: str) -> Iterator[object]:
    """A phone where user A is logged in (session.js's owner cookie, already seen) with a ticket stored."""
    with _chromium() as browser:
        context = browser.new_context()
        context.add_cookies([{"name": "cds_owner", "value": "A", "url": site}])
        tab = context.new_page()
        tab.add_init_script(SLOW_WAKE_LOCK)
        tab.goto(site + "/metro/ticket/")
        assert wait_until(tab, "() => window.MetroTicket && window.MetroTicketPage", None, 5000)
        tab.evaluate(STORE_TICKET, "t1")
        tab.add_init_script(OPENS)
        yield tab


def test_the_screen_opens_and_reads_the_phones_database_once(site: str) -> None:
    """The head's early read (ticket-early.js) is the only opening: the screen reads nothing again (it used to open
    the database three times, ~0.03-0.3 s each at 4x CPU slowdown)."""
    with _phone_with_a_ticket(site) as tab:
        tab.reload()
        assert wait_until(tab, DRAWN, None, 10000)
        assert tab.get_attribute("#metro-qr", "data-ticket") == "t1"
        assert tab.evaluate("() => window.__opens.filter((name) => name === 'cds-metro')") == ["cds-metro"]


def test_an_early_read_from_before_another_users_login_is_not_shown(site: str) -> None:
    """The early read started for user A; B's login cleared the phone before the ticket scripts ran: B sees no
    ticket, not even for a moment (the read is used only while cdsSession.ready and the owner are the ones it waited
    for; the end of the clearing would redraw the screen, too late)."""
    with _phone_with_a_ticket(site) as tab:
        tab.add_init_script(EVER_SHOWN)
        # at the gate, offline: the screen shows what the phone holds (online, the server's list is asked for
        # anyway); the page itself still comes from the test server, as it would from the service worker
        tab.add_init_script("Object.defineProperty(Navigator.prototype, 'onLine', {get: () => false})")
        tab.goto(site + "/metro/ticket/?switch")
        assert wait_until(tab, "() => document.getElementById('metro-no-ticket')", None, 10000)
        assert tab.evaluate("() => window.cdsTicketEarly.owner") == "A"  # the early read was A's
        tab.wait_for_timeout(500)  # the clearing's end redraws the screen
        assert not tab.evaluate("() => document.getElementById('metro-qr') || window.__shown")


def test_the_screen_says_drawn_once_the_code_s_frame_is_painted(site: str) -> None:
    """cds:drawn starts the app (ui/first_paint.py): dispatched in the task that drew the code, the app's stylesheet
    and modules arriving held that frame back."""
    with _phone_with_a_ticket(site) as tab:
        tab.add_init_script("""window.__frameAfterCode = false;
          const seen = new MutationObserver(() => { seen.disconnect();
            requestAnimationFrame(() => { window.__frameAfterCode = true; }); });
          seen.observe(document, {subtree: true, attributes: true, attributeFilter: ["data-qr"]});
          window.addEventListener("cds:drawn", () => { window.__drawnAfterFrame = window.__frameAfterCode; });""")
        tab.reload()
        assert wait_until(tab, "() => window.__drawnAfterFrame !== undefined", None, 10000)
        assert tab.evaluate("() => window.__drawnAfterFrame") is True
        assert tab.evaluate(DRAWN)
