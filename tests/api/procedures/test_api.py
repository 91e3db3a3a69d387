from __future__ import annotations

from contextlib import contextmanager

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.procedures import api, service
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign, world  # noqa: F401


@pytest.fixture()
def client(db, monkeypatch):
    @contextmanager
    def scope():
        yield db
        db.commit()

    monkeypatch.setattr(api, "session_scope", scope)
    return TestClient(Starlette(routes=api.ROUTES))


def test_catalog_route(client):
    body = client.get("/api/procedures/catalog").json()
    assert any(p["code"] == "tam_tru_danh_sach" for p in body["procedures"])


def test_lookup_route(client, db, world):  # noqa: F811
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.mai.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    sign(db, world.mai.id, dossier.id, now=MORNING)
    receipt = service.submit(db, world.mai.id, dossier.id, now=MORNING)
    db.commit()
    ok = client.post("/api/procedures/lookup", json={"number": receipt.number, "access_code": receipt.access_code})
    assert ok.status_code == 200 and ok.json()["status"] == 6
    assert "Mai" not in ok.text and "0912" not in ok.text
    bad = client.post("/api/procedures/lookup", json={"number": receipt.number, "access_code": "x"},
                      headers={"accept-language": "en"})
    assert bad.status_code == 404 and bad.json()["message"]["en"] == "The dossier number or access code is wrong."
    for _ in range(service.LOOKUP_LOCK_FAILURES - 1):
        wrong = client.post("/api/procedures/lookup", json={"number": receipt.number, "access_code": "y"})
        assert wrong.status_code == 404
    locked = client.post("/api/procedures/lookup", json={"number": receipt.number, "access_code": receipt.access_code},
                         headers={"accept-language": "en"})
    assert locked.status_code == 429 and "Too many wrong access codes" in locked.json()["message"]["en"]


def test_result_requires_login(client, db, world):  # noqa: F811
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    db.commit()
    assert client.get(f"/api/procedures/dossiers/{dossier.id}/result.pdf").status_code == 403
    assert client.get(f"/api/procedures/dossiers/{dossier.id + 1}/result.pdf").status_code == 404
