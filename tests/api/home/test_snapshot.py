"""GET /api/home/snapshot: what the installed app shows on its home page offline — the signed-in person's own
name and open items, in both languages; nobody else's, and nothing without a live session."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from citizen_app.home import api
from citizen_app.identity.service import open_session
from tests.api.helpers import route_client
from tests.unit.feedback.fixtures import new_report, world  # noqa: F401


@pytest.fixture()
def client(engine, db, monkeypatch) -> TestClient:
    return route_client(engine, monkeypatch, api, session=db)


def test_snapshot_is_the_persons_own(client, db, world):  # noqa: F811
    new_report(db, world.citizen, title="Ổ gà lớn trên đường Lê Lợi")
    new_report(db, world.neighbour, title="Đèn đường hỏng ở hẻm 12")
    assert client.get("/api/home/snapshot").status_code == 401
    client.cookies.set("cds_sid", open_session(db, world.citizen))
    db.commit()
    answer = client.get("/api/home/snapshot")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["name"] == "Nguyễn Văn An"
    assert [i["title"] for i in body["items"]["vi"]] == [i["title"] for i in body["items"]["en"]]
    assert any("Ổ gà lớn" in i["title"] for i in body["items"]["vi"])
    assert "Đèn đường hỏng" not in answer.text
    client.cookies.set("cds_logout", "1")  # logged out on this device while offline
    assert client.get("/api/home/snapshot").status_code == 401
