"""Health, readiness and the admin job feed over HTTP (SQLite; tests/pg covers PostgreSQL + Redis)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.identity import service
from citizen_app.identity.models import UserAccount, UserRole
from citizen_app.ops import api, health

PASSWORD = "Phuong2026xanh"


@pytest.fixture()
def client(app_db, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.delenv("REDIS_URL", raising=False)
    from citizen_app.core import config

    config.settings.cache_clear()
    return TestClient(Starlette(routes=api.ROUTES))


def test_live_and_ready(client: TestClient, app_db, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/api/health/live").json() == {"status": "ok"}
    behind = client.get("/api/health/ready")  # create_all, no alembic_version: schema not at head
    assert behind.status_code == 503 and behind.json()["checks"]["migrations"] == "behind"
    monkeypatch.setattr(health, "database_revisions", lambda: health.migration_heads())
    ready = client.get("/api/health/ready")
    assert ready.status_code == 200 and ready.json() == {  # no agency, no official yet: a warning, still ready
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "feedback_routing": "warn", "redis": "skipped"}}
    assert ready.headers["cache-control"] == "no-store"


def test_readiness_tells_when_routed_reports_would_reach_nobody(client: TestClient, app_db, monkeypatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    from citizen_app.demo import DEMO_USERS, seed_agencies, seed_user

    monkeypatch.setattr(health, "database_revisions", lambda: health.migration_heads())
    with Session(app_db) as db:
        seed_agencies(db)
        for demo in DEMO_USERS:
            seed_user(db, demo)
        db.commit()
    assert client.get("/api/health/ready").json()["checks"]["feedback_routing"] == "ok"
    with Session(app_db) as db:  # the 1022 intake's only official leaves: reports of unlisted wards reach nobody
        db.exec(update(UserAccount).where(UserAccount.phone == "0938000009").values(is_active=False))
        db.commit()
    with caplog.at_level("WARNING", logger="citizen_app.feedback.checks"):
        body = client.get("/api/health/ready")
    assert body.status_code == 200 and body.json()["checks"]["feedback_routing"] == "warn"
    assert "tt-1022" in caplog.text and "tt-1022" not in body.text  # the log names it, the public answer does not


def test_unreachable_redis_fails_readiness(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from citizen_app.core import config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")
    config.settings.cache_clear()
    monkeypatch.setattr(health, "database_revisions", lambda: health.migration_heads())
    body = client.get("/api/health/ready").json()
    assert body["checks"]["redis"] == "fail" and body["status"] == "fail"
    assert "127.0.0.1" not in str(body)


def test_jobs_feed_is_for_admins_only(client: TestClient, app_db) -> None:
    with Session(app_db) as db:
        citizen = service.register(db, "0903123456", PASSWORD, "Lê Thị Mai")
        admin = service.register(db, "admin@congdanso.example", PASSWORD, "Quản trị")
        db.add(UserRole(user_id=admin.id, role="admin"))
        db.commit()
        citizen_cookie = service.open_session(db, citizen.id)
        admin_cookie = service.open_session(db, admin.id)
        db.commit()
    assert client.get("/api/ops/jobs").status_code == 401
    client.cookies.set("cds_sid", citizen_cookie)
    assert client.get("/api/ops/jobs").status_code == 403
    client.cookies.set("cds_sid", admin_cookie)
    response = client.get("/api/ops/jobs")
    assert response.status_code == 200 and isinstance(response.json()["jobs"], list)


def test_worker_probe_only_in_debug(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDS_OPS_DEBUG", raising=False)
    assert client.get("/api/ops/worker").status_code == 404
    monkeypatch.setenv("CDS_OPS_DEBUG", "1")
    assert isinstance(client.get("/api/ops/worker").json()["pid"], int)
