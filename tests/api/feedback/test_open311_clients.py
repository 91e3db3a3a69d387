"""Unmodified third-party Open311 clients against a loopback server (granian on 127.0.0.1).

georeport 0.3.1 (GET methods, JSON and XML) and civicbot 0.4.0 (POST and token round-trip).
Skipped when the client packages are not installed, failed then under CDS_REQUIRE_INTEROP=1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citizen_app.feedback import backoffice
from citizen_app.feedback.models import FeedbackReport
from tests.conftest import require_module
from tests.unit.feedback.fixtures import new_report

georeport = require_module("georeport")
civicbot_open311 = require_module("civicbot.open311")
civicbot_registry = require_module("civicbot.registry")
civicbot_http = require_module("civicbot.http")

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def server(db_url, engine, tmp_path):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=db_url, INSTANCE_DIR=str(tmp_path / "instance"),
               PUBLIC_URL=f"http://127.0.0.1:{port}", PYTHONPATH=str(ROOT))
    granian = Path(sys.executable).with_name("granian")
    proc = subprocess.Popen([str(granian), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "1", "tests.api.feedback.loopback_app:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("loopback server did not start")
        yield f"http://127.0.0.1:{port}/open311/v2"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_georeport_client_json_and_xml(server, db, world):
    report = new_report(db, world.citizen)
    db.commit()
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(server, output_format=fmt)
        services = client.get_service_list()
        assert "road_damage" in [s["service_code"] for s in services]
        definition = client.get_service_definition("road_damage")
        assert definition["service_code"] == "road_damage"
        requests = client.get_service_requests(status="open")
        request = requests if isinstance(requests, dict) else requests[0]  # xmltodict: one item is a dict
        assert request["service_request_id"] == str(report.id)
        one = client.get_service_request(str(report.id))
        assert one["service_request_id"] == str(report.id) and one["requested_datetime"].endswith("+07:00")
        assert "Ổ gà sâu" in one["description"] and "0901" not in one["description"]


def test_civicbot_post_and_token_round_trip(server, db, world):
    _, raw_key = backoffice.issue_api_key(db, world.admin, "civicbot")
    db.commit()
    endpoint = civicbot_registry.Endpoint(id="hcmc", name="Công dân số", base_url=server, write=True)
    client = civicbot_open311.Open311Client(endpoint)
    prepared = client.create_request("road_damage", dry_run=False, confirm="SEND", api_key=raw_key,
                                     validate_remote=True, lat=10.7725, lng=106.698,
                                     description="Ổ gà trước chợ Bến Thành", attributes={"severity": "medium"})
    created = prepared.response
    rid = created[0]["service_request_id"]
    fetched = client.get_request(rid)
    assert fetched["service_request_id"] == rid and fetched["status"] == "open"
    db.expire_all()
    token = db.get(FeedbackReport, int(rid)).token
    assert client.get_token(token) == [{"service_request_id": rid, "token": token}]
    listed = client.list_requests(service_request_ids=[rid])
    assert [r["service_request_id"] for r in listed] == [rid]
    with pytest.raises(civicbot_http.HttpError) as exc:
        client.create_request("road_damage", dry_run=False, confirm="SEND", api_key="forged",
                              lat=10.7725, lng=106.698, attributes={"severity": "low"})
    assert getattr(exc.value, "status", None) == 403
