"""A login ticket completes only in the browser that made the login (the HttpOnly ``cds_login`` binding cookie).

An attacker who logs in to their own account and sends the ticket link to someone must not log that person into
the attacker's account (login CSRF): the link opened in another browser logs nobody in.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.config import settings
from citizen_app.core.db import session_scope
from citizen_app.identity import service
from citizen_app.identity.api import ROUTES


@pytest.fixture()
def ticket(app_db) -> tuple[str, int]:
    with session_scope() as db:
        user = service.register(db, "0903123456", "Phuong2026xanh", "Lê Thị Mai")
        return service.create_login_ticket(db, user.id, "/account"), user.id


def _browser() -> TestClient:
    origin = settings().public_url
    return TestClient(Starlette(routes=ROUTES), base_url=origin, headers={"origin": origin}, follow_redirects=False)


def test_ticket_url_opened_in_another_browser_does_not_log_in(ticket) -> None:
    raw, user_id = ticket
    victim, mine = _browser(), _browser()
    assert mine.post("/auth/session", json={"ticket": raw}).status_code == 200  # the login's own page binds it

    opened = victim.get(f"/auth/session?ticket={raw}")
    assert opened.status_code == 303 and opened.headers["location"] == "/login?error=ticket_other_browser"
    assert "cds_sid" not in opened.headers.get("set-cookie", "") and not victim.cookies.get("cds_sid")

    redeemed = mine.get(f"/auth/session?ticket={raw}")  # the ticket still works where the login was made
    assert redeemed.status_code == 303 and redeemed.headers["location"] == "/account"
    sid = mine.cookies.get("cds_sid")
    with session_scope() as db:
        assert service.lookup_session(db, sid)[1].user_id == user_id
    assert mine.cookies.get("cds_owner") == service.device_owner_tag(user_id)
    assert "cds_login=" in redeemed.headers["set-cookie"], "the binding cookie is dropped"


def test_a_binding_fits_only_its_own_ticket_and_is_set_only_from_the_site(ticket) -> None:
    raw, _ = ticket
    browser = _browser()
    browser.post("/auth/session", json={"ticket": raw + "x"})
    assert browser.get(f"/auth/session?ticket={raw}").headers["location"] == "/login?error=ticket_other_browser"

    other_site = browser.post("/auth/session", json={"ticket": raw}, headers={"origin": "https://evil.example"})
    assert other_site.status_code == 403 and "cds_login" not in other_site.headers.get("set-cookie", "")
    assert browser.post("/auth/session", json={}).status_code == 400


def test_logout_when_ended_keeps_a_live_session(ticket) -> None:
    """A stale tab that found its old session closed must not log out whoever logged in since in this browser."""
    raw, _ = ticket
    browser = _browser()
    browser.post("/auth/session", json={"ticket": raw})
    browser.get(f"/auth/session?ticket={raw}")
    kept = browser.post("/auth/logout?ended=1")
    assert kept.json() == {"ok": True, "ended": False} and browser.cookies.get("cds_sid")
    ended = browser.post("/auth/logout")
    assert ended.json()["ended"] and ended.headers["clear-site-data"] == '"cache"'
    assert not browser.cookies.get("cds_sid") and not browser.cookies.get("cds_owner")
