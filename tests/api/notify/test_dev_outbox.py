"""The development outbox page and its JSON: 404 unless CDS_DEV_OUTBOX=1, never stored by caches."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.notify import api
from citizen_app.notify.messaging import send_message


@pytest.fixture()
def client(app_db) -> TestClient:
    return TestClient(Starlette(routes=api.ROUTES))


def test_outbox_is_closed_unless_enabled(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDS_DEV_OUTBOX", raising=False)
    assert client.get("/dev/outbox").status_code == 404
    assert client.get("/api/dev/outbox").status_code == 404


def test_outbox_lists_messages(client: TestClient, app_db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDS_DEV_OUTBOX", "1")
    with Session(app_db) as db:
        send_message(db, "0903123456", "registration_code", "identity.register.msg_code",
                     {"code": "<b>123456</b>", "minutes": 10})
        send_message(db, "an@example.vn", "security_alert", "identity.alert.verified_body", lang="en")
        db.commit()
    page = client.get("/dev/outbox", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Development outbox" in page.text and "&lt;b&gt;123456&lt;/b&gt;" in page.text  # escaped
    assert "<html lang='en'>" in page.text and "E-mail" in page.text
    body = client.get("/api/dev/outbox", params={"to": "0903123456"}).json()
    assert [m["purpose"] for m in body["messages"]] == ["registration_code"]
    assert "123456" in body["messages"][0]["body"]
