"""Sessions end when the user ends them, in Chromium against the prod-mode app.

- A shared phone: what the device holds for a user (metro ticket, wallet, drafts, web storage, the service
  worker's runtime cache) is gone at logout and when another user logs in without the last one logging out;
  the next user sees no ticket QR, online or offline.
- An open tab of a user who logged out in another tab can do nothing for them any more.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import func, select

from tests.conftest import wait_hydrated
from tests.e2e.helpers import HA, KHOA, goto, login, wait_controlled

SEED_DEVICE_DATA = """async () => {
  await cdsStore.put("drafts", "feedback-new", {text: "Ổ gà trước nhà số 12"});
  await new Promise((resolve, reject) => {
    const req = indexedDB.open("cds-wallet", 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("keys");
      req.result.createObjectStore("credentials", {keyPath: "id"});
    };
    req.onsuccess = () => {
      const tx = req.result.transaction("credentials", "readwrite");
      tx.objectStore("credentials").put({id: "cred-1", kind: "age60", sdJwt: "eyJ.secret"});
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    req.onerror = () => reject(req.error);
  });
  localStorage.setItem("cds-ios-hint", "1");
  sessionStorage.setItem("cds-server-creds", JSON.stringify([{id: "cred-2"}]));
  const cache = await caches.open((await caches.keys()).find((n) => n.startsWith("cds-runtime-")) || "cds-runtime-x");
  await cache.put("/account", new Response("<p>Lê Thị Mai</p>", {headers: {"Content-Type": "text/html"}}));
}"""

DEVICE_DATA = """async () => {
  const read = (name, store, key) => new Promise((resolve) => {
    const req = indexedDB.open(name);
    req.onupgradeneeded = () => req.transaction.abort();
    req.onerror = () => resolve(null);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(store)) { db.close(); resolve(null); return; }
      const objects = db.transaction(store).objectStore(store);
      const get = key ? objects.get(key) : objects.getAll();
      get.onsuccess = () => { db.close(); resolve(get.result === undefined ? null : get.result); };
    };
  });
  const tickets = await read("cds-metro", "kv", "tickets");
  return {
    tickets: (tickets || []).length,
    deviceKey: Boolean(await read("cds-metro", "kv", "device-key")),
    credentials: ((await read("cds-wallet", "credentials")) || []).length,
    drafts: ((await read("cds-store", "drafts")) || []).length,
    local: Object.keys(localStorage).sort(),
    session: Object.keys(sessionStorage).filter((k) => k !== "token"),
    planted: await caches.match("/account").then((r) => (r ? r.text() : "")).then((t) => t.includes("Lê Thị Mai")),
    shell: (await caches.keys()).filter((n) => n.startsWith("cds-shell-")).length,
  };
}"""


@pytest.fixture()
def prod_env(prod_app, monkeypatch: pytest.MonkeyPatch):
    """This process's service layer on the running app's database and instance folder."""
    from citizen_app.core import config
    from citizen_app.core import db as core_db

    monkeypatch.setenv("DATABASE_URL", prod_app["database_url"])
    monkeypatch.setenv("INSTANCE_DIR", prod_app["instance_dir"])
    config.settings.cache_clear()
    core_db.engine.cache_clear()
    yield prod_app
    core_db.engine().dispose()
    core_db.engine.cache_clear()
    config.settings.cache_clear()


def _user_id(phone: str) -> int:
    from citizen_app.core.db import session_scope
    from citizen_app.identity.models import UserAccount

    with session_scope() as db:
        return db.exec(select(UserAccount.id).where(UserAccount.phone == phone)).one()


def _paid_ticket_for_this_phone(page: Page, phone: str) -> None:
    """A paid single ticket of ``phone``'s rider, bound to this browser's device key (as after a purchase)."""
    from citizen_app.core.db import session_scope
    from citizen_app.metro import purchase

    page.wait_for_function("() => window.MetroTicket")
    device_key = page.evaluate("() => MetroTicket.devicePublicKey()")
    with session_scope() as db:
        ticket = purchase.create_order(db, _user_id(phone), "single", device_key, origin="L1-01", destination="L1-11")
        purchase.fulfil_paid_order(db, ticket.order_ref)


def _expect_ticket_qr(page: Page) -> None:
    goto(page, "/metro/ticket")
    expect(page.locator("#metro-qr")).to_have_attribute("data-qr", re.compile(r"^MT1:"))


def _expect_no_ticket(page: Page) -> None:
    expect(page.locator("#metro-no-ticket")).to_be_visible()
    expect(page.locator("#metro-qr")).to_have_count(0)


def test_shared_phone_next_user_gets_nothing_of_the_last_one(page: Page, prod_env) -> None:
    login(page, KHOA, next_path="/metro/ticket")
    wait_controlled(page)
    wait_hydrated(page)
    _paid_ticket_for_this_phone(page, KHOA)
    _expect_ticket_qr(page)
    page.evaluate(SEED_DEVICE_DATA)
    held = page.evaluate(DEVICE_DATA)
    assert (held["tickets"], held["credentials"], held["drafts"], held["planted"]) == (1, 1, 1, True)

    goto(page, "/account")
    page.locator("#logout").click()
    page.wait_for_url(re.compile(r".*notice=logged_out"))
    wait_hydrated(page)
    left = page.evaluate(DEVICE_DATA)
    assert (left["tickets"], left["credentials"], left["drafts"], left["planted"]) == (0, 0, 0, False)
    assert "cds-server-creds" not in left["session"] and "cds-ios-hint" not in left["local"]
    assert left["shell"] == 1, "the app shell and offline verifier stay"
    assert left["deviceKey"], "the phone's device key stays: a ticket bound to it needs the ticket itself"

    login(page, KHOA, next_path="/metro/ticket")  # the rider's ticket comes back to the same phone
    _expect_ticket_qr(page)

    page.context.clear_cookies()  # the session expired or was closed elsewhere: nobody logged out here
    login(page, HA, next_path="/metro/ticket")
    _expect_no_ticket(page)
    assert page.evaluate(DEVICE_DATA)["tickets"] == 0
    page.context.set_offline(True)
    page.reload()
    _expect_no_ticket(page)
    page.context.set_offline(False)


def test_open_tab_stops_acting_after_logout_in_another_tab(page: Page, prod_env) -> None:
    from citizen_app.core.db import session_scope
    from citizen_app.payments.models import PayOrder

    login(page, KHOA, next_path="/payments")
    expect(page.locator("#test-order-create")).to_be_visible()
    other = page.context.new_page()
    goto(other, "/account")
    other.locator("#logout").click()
    other.wait_for_url(re.compile(r".*notice=logged_out"))

    with session_scope() as db:
        count = select(func.count()).select_from(PayOrder).where(PayOrder.user_id == _user_id(KHOA))
        before = db.exec(count).one()
    page.locator("#test-order-create").click()  # the first tab was never reloaded
    expect(page.locator("#session-notice")).to_contain_text("Phiên đăng nhập đã kết thúc")
    expect(page.locator("#account-link")).to_have_attribute("href", "/login")
    expect(page.get_by_text("Vui lòng đăng nhập để tiếp tục.")).to_be_visible()
    with session_scope() as db:
        assert db.exec(count).one() == before
