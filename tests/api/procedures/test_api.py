from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from citizen_app.procedures import api, service
from tests.api.helpers import ORIGIN, route_client
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign, world  # noqa: F401


@pytest.fixture()
def client(engine, db, monkeypatch) -> TestClient:
    return route_client(engine, monkeypatch, api, session=db)


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


def test_draft_answers_route(client, db, world):  # noqa: F811
    """Answers typed offline on a page, sent when back online: kept for the dossier's citizen only."""
    from citizen_app.identity.service import open_session

    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    token = open_session(db, world.mai.id)
    db.commit()
    url = f"/api/procedures/dossiers/{dossier.id}/pages/owner/draft"
    del client.headers["origin"]  # each request below says whether it comes from our pages
    origin = {"Origin": ORIGIN}
    answers = {"answers": {"full_name": "Nguyễn Thị Mai", "personal_id": "12AB"}}
    assert client.post(url, json=answers, headers=origin).status_code == 401
    client.cookies.set("cds_sid", token)
    assert client.post(url, json=answers).status_code == 403  # no Origin: refused before anything
    kept = client.post(url, json=answers, headers=origin)
    assert kept.status_code == 200
    assert (kept.json()["kept"], kept.json()["refused"]) == (["full_name"], ["personal_id"])
    db.expire_all()
    assert service.load_dossier(db, dossier.id).answers["full_name"] == "Nguyễn Thị Mai"
    assert client.post(url, json={"answers": ["x"]}, headers=origin).status_code == 400
    other = open_session(db, world.citizen.id)
    db.commit()
    client.cookies.set("cds_sid", other)
    assert client.post(url, json=answers, headers=origin).status_code == 403
