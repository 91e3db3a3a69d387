"""HTTP: the personal-data export needs the session cookie and is never cached; the link check is public JSON."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.city.api import ROUTES
from citizen_app.core.db import session_scope
from citizen_app.identity import service


def _client() -> TestClient:
    return TestClient(Starlette(routes=ROUTES))


def test_export_requires_login(app_db) -> None:
    response = _client().get("/api/my-data/export.json")
    assert response.status_code == 401
    assert response.headers["cache-control"] == "no-store"
    client = _client()
    client.cookies.set("cds_sid", "forged")
    forged = client.get("/api/my-data/export.json")
    assert forged.status_code == 401


def test_export_downloads_own_data(app_db) -> None:
    with session_scope() as db:
        mai = service.register(db, "0903123456", "Phuong2026xanh", "Lê Thị Mai")
        other = service.register(db, "0912000001", "Phuong2026xanh", "Nguyễn Minh Khoa")
        token = service.open_session(db, mai.id)
        mai_id, other_id = mai.id, other.id
    client = _client()
    client.cookies.set("cds_sid", token)
    response = client.get("/api/my-data/export.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith('attachment; filename="du-lieu-cua-toi-')
    body = json.loads(response.content)
    assert body["user_id"] == mai_id
    assert [r["id"] for r in body["tables"]["user_account"]["rows"]] == [mai_id]
    assert other_id not in [r["user_id"] for r in body["tables"]["user_role"]["rows"]]
    assert "Nguyễn Minh Khoa" not in response.text and "argon2" not in response.text


def test_link_check_json(app_db) -> None:
    response = _client().get("/api/city/link-check", params={"q": "https://shopee.vn.evil.com"},
                             headers={"accept-language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "danger" and body["verdict_text"] == "Danger — signs of a fake"
    assert any(r["code"] == "subdomain_trick" and "evil.com" in r["text"] for r in body["reasons"])
    assert [a["code"] for a in body["advice"]] == ["do_not_open", "type_real", "report_it"]
    assert "type shopee.vn yourself" in body["advice"][1]["text"]
    bad = _client().get("/api/city/link-check", params={"q": "javascript:alert(1)"})
    assert bad.status_code == 400 and bad.json()["error"] == "city.link.bad_scheme"


def test_linkcheck_data_is_the_snapshot_the_offline_checker_keeps(app_db) -> None:
    response = _client().get("/api/city/linkcheck-data.json")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert response.headers["etag"] == f'"{body["version"]}"'
    assert body["sites"]["vietcombank.com.vn"]["hotlines"] == ["1900545413"]
    assert body["blocked"]["shopee-khuyenmai.xyz"]["list"] == "community_blacklist"
    assert body["lists"]["moit_ecommerce"]["sample"] is True
    assert body["rules"]["government"]["suffixes"] == ["gov.vn"]
