"""The lists behind the link checker: importers on sample files in each source's format, import with provenance,
the refresh job against a real HTTP server on loopback (and its failure), sample entries left out on request,
and a resident's scam report that an official confirms feeding the city's blacklist."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from citizen_app.city import importers, scam, trustlists
from citizen_app.city.models import CityScamTarget, CityTrustEntry, CityTrustList
from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback import backoffice, views
from citizen_app.i18n.catalog import translate
from tests.unit.feedback.fixtures import make_user, new_report, seed_agencies

SAMPLES = Path(__file__).parent / "samples"


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# --- importers, one per source format --------------------------------------------------------------


def test_chongluadao_json_keeps_whole_sites_only() -> None:
    parsed = importers.chongluadao_json(_sample("chongluadao_blacklist.json"))
    hosts = {e.value for e in parsed.entries}
    assert hosts == {"vietnamairslines-sample.com", "sieuno-sample.win", "mbankingvn-sample.com", "vaytien-sample.xyz"}
    assert parsed.skipped == 4  # a Facebook profile and a YouTube channel are pages, not sites; two bad rows
    assert {e.kind for e in parsed.entries} == {"domain"}
    assert next(e for e in parsed.entries if e.value == "vaytien-sample.xyz").since == date(2026, 10, 5)


def test_moit_csv_keeps_confirmed_websites_with_their_owner() -> None:
    parsed = importers.moit_csv(_sample("moit_websites.csv"))
    by_host = {e.value: e for e in parsed.entries}
    assert set(by_host) == {"cuahang-a.example", "san-b.example"}
    shop = by_host["cuahang-a.example"]
    assert shop.name == "Công ty TNHH Cửa hàng A (mẫu)" and shop.category == "shop"
    assert shop.since == date(2026, 3, 15) and shop.detail == {"tax_id": "0312345678",
                                                              "service": "Website TMĐT bán hàng"}
    assert parsed.skipped == 3  # waiting, cancelled, no domain


def test_ncsc_csv_keeps_valid_labels() -> None:
    parsed = importers.ncsc_csv(_sample("ncsc_trust.csv"))
    assert [(e.value, e.name) for e in parsed.entries] == [("benhvien-x.example", "Bệnh viện X (mẫu)")]
    assert parsed.skipped == 1


def test_cds_json_links_domains_and_hotlines() -> None:
    parsed = importers.cds_json(_sample("cds_banks.json"))
    assert parsed.as_of == date(2026, 12, 1)
    domains = [e for e in parsed.entries if e.kind == "domain"]
    phones = [e.value for e in parsed.entries if e.kind == "phone"]
    assert {e.value for e in domains} == {"nganhangmau.example"} and phones == ["1900000001", "02800000002"]
    assert domains[0].hotlines == ("1900000001", "02800000002") and domains[0].brand == "nganhangmau"
    assert domains[0].detail == {"source": "https://nganhangmau.example/lien-he", "verify_before_deployment": True}
    assert parsed.skipped == 3  # 'vi mau.example', '12', a row that is not an object


@pytest.mark.parametrize(("name", "payload"), [("chongluadao_json", b"<html>"), ("cds_json", b"[]"),
                                               ("moit_csv", b"Ten,Dia chi\nx,y\n"), ("ncsc_csv", b""),
                                               ("moit_csv", b"\xff\xfe bad")])
def test_a_payload_in_another_format_is_refused(name: str, payload: bytes) -> None:
    with pytest.raises(importers.ImportFailed):
        importers.IMPORTERS[name](payload)


def test_every_shipped_snapshot_has_provenance_and_parses() -> None:
    for spec in trustlists.manifest():
        assert spec.name_vi and spec.name_en and spec.publisher_vi and spec.licence, spec.code
        parsed = trustlists.parsed_snapshot(spec.code)
        assert parsed.entries and parsed.as_of, spec.code
    banks = trustlists.parsed_snapshot("sbv_payments").entries
    assert all(e.detail.get("verify_before_deployment") and e.detail.get("source") for e in banks)
    vietcombank = next(e for e in banks if e.value == "vietcombank.com.vn")
    assert vietcombank.hotlines == ("1900545413",)


# --- import into the database -----------------------------------------------------------------------


def test_import_snapshot_records_provenance(db: Session) -> None:
    row = trustlists.import_snapshot(db, "moit_ecommerce")
    db.commit()
    assert (row.origin, row.source, row.as_of, row.sample) == ("snapshot", "moit_ecommerce.csv", date(2026, 12, 6),
                                                               True)
    entries = db.exec(select(CityTrustEntry).where(CityTrustEntry.list_code == "moit_ecommerce")).all()
    assert row.entry_count == len(entries) == 3 and all(e.sample for e in entries)
    assert trustlists.refresh_due(row, trustlists.spec_of("moit_ecommerce"), utcnow()) == ""


def test_samples_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDS_LIST_SAMPLES", "0")
    snapshot = trustlists.build_snapshot(None, own_site=False)
    assert "shopee-khuyenmai.xyz" not in snapshot["blocked"] and not snapshot["blocked_phones"]
    assert "xn--chbnc-tqa5584ciba.example" not in snapshot["sites"]
    assert "vietcombank.com.vn" in snapshot["sites"]  # real public facts stay
    assert not any(entry.get("sample") for entry in snapshot["sites"].values())


class _Source(http.server.BaseHTTPRequestHandler):
    body = b""
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_args) -> None:
        return


@pytest.fixture()
def source() -> Iterator[tuple[str, type[_Source]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/blacklist", _Source
    server.shutdown()
    server.server_close()


def test_refresh_job_fetches_a_configured_source(app_db, source, monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = source
    handler.body, handler.status = _sample("chongluadao_blacklist.json"), 200
    monkeypatch.setenv("CDS_LIST_COMMUNITY_BLACKLIST_URL", url)
    assert trustlists.check("https://mbankingvn-sample.com").verdict != "reported"
    assert trustlists.refresh_lists() == 0
    with session_scope() as db:
        rows = {r.code: r for r in db.exec(select(CityTrustList)).all()}
    assert set(rows) == {s.code for s in trustlists.manifest()}  # the others from their shipped snapshots
    community = rows["community_blacklist"]
    assert (community.origin, community.source, community.sample, community.entry_count) == ("refresh", url, False, 4)
    assert community.as_of is not None and community.last_error == ""
    result = trustlists.check("https://mbankingvn-sample.com/dang-nhap")
    assert result.verdict == "reported" and result.lists == ("community_blacklist",)
    assert trustlists.check("https://shopee-khuyenmai.xyz").verdict != "reported"  # the sample was replaced

    handler.status, handler.body = 500, b"oops"
    assert trustlists.refresh_lists() == 0  # not due yet
    assert trustlists.refresh_lists(utcnow() + timedelta(hours=25)) == 1
    with session_scope() as db:
        row = db.exec(select(CityTrustList).where(CityTrustList.code == "community_blacklist")).one()
        assert "500" in row.last_error and row.entry_count == 4
    assert trustlists.check("https://mbankingvn-sample.com").verdict == "reported"  # kept after the failure


def test_refresh_job_refuses_a_source_in_another_format(app_db, source, monkeypatch) -> None:
    url, handler = source
    handler.body, handler.status = b'{"error": "maintenance"}', 200
    monkeypatch.setenv("CDS_LIST_COMMUNITY_BLACKLIST_URL", url)
    assert trustlists.refresh_lists() == 1
    with session_scope() as db:
        row = db.exec(select(CityTrustList).where(CityTrustList.code == "community_blacklist")).one()
    assert row.origin == "snapshot" and "ImportFailed" in row.last_error  # the snapshot still answers
    assert trustlists.check("https://shopee-khuyenmai.xyz").verdict == "reported"


# --- a resident's report, confirmed by an official, feeds the city's blacklist ------------------------


@pytest.fixture()
def police(db: Session) -> tuple[int, int]:
    seed_agencies(db)
    citizen = make_user(db, "Lê Thị Mai", phone="0903123456")
    officer = make_user(db, "Cán bộ Công an TP", "official", agency="ca-tphcm")
    db.commit()
    return citizen, officer


def _confirm(db: Session, officer: int, number: int, outcome: str = scam.CONFIRMED_OUTCOME) -> None:
    backoffice.accept_report(db, officer, number)
    backoffice.close_report(db, officer, number, outcome, "Đã xác minh đây là trang lừa đảo, đã đưa vào danh sách.")
    db.commit()


def test_confirmed_scam_report_joins_the_city_blacklist(db: Session, police: tuple[int, int]) -> None:
    citizen, officer = police
    link = "https://tra-cuu-phat-nguoi.top/bien-so"
    assert trustlists.check(link, db).verdict == "unknown"
    number = scam.report_scam(db, citizen, link, "Họ đòi chuyển 300.000đ để xem biên bản.")
    db.commit()
    target = db.exec(select(CityScamTarget).where(CityScamTarget.report_id == number)).one()
    assert (target.kind, target.value) == ("domain", "tra-cuu-phat-nguoi.top")
    assert trustlists.check(link, db).verdict == "unknown"  # reported, not yet confirmed

    _confirm(db, officer, number)
    entry = db.exec(select(CityTrustEntry).where(CityTrustEntry.report_id == number)).one()
    assert (entry.list_code, entry.value, entry.sample) == ("city_blacklist", "tra-cuu-phat-nguoi.top", False)
    result = trustlists.check("tra-cuu-phat-nguoi.top", db)
    assert result.verdict == "reported" and result.lists == ("city_blacklist",)
    reason = result.reasons[0]
    assert reason.code == "confirmed_report" and reason.params["report"] == str(number)
    text = translate("city.reason.confirmed_report", "vi", **reason.params)
    assert text.startswith("Đã có người dân báo cáo lừa đảo và cơ quan xác nhận")
    snapshot = trustlists.build_snapshot(db)
    assert snapshot["blocked"]["tra-cuu-phat-nguoi.top"]["report"] == str(number)  # offline checkers get it too


def test_confirmed_phone_report_and_unconfirmed_outcomes(db: Session, police: tuple[int, int]) -> None:
    citizen, officer = police
    phone = scam.report_scam(db, citizen, "0912 345 678")
    other = scam.report_scam(db, citizen, "https://viec-nhe-luong-cao.top")
    db.commit()
    _confirm(db, officer, phone)
    _confirm(db, officer, other, "no_action_possible")
    assert trustlists.check("+84 912 345 678", db).verdict == "reported"
    assert trustlists.check("https://viec-nhe-luong-cao.top", db).verdict != "reported"
    assert db.exec(select(CityTrustEntry).where(CityTrustEntry.report_id == other)).first() is None


def test_the_scam_outcome_is_only_for_scam_reports(db: Session, police: tuple[int, int]) -> None:
    citizen, officer = police
    assert scam.CONFIRMED_OUTCOME in {o["value"] for o in views.outcome_options(scam.SCAM_CATEGORY)}
    assert scam.CONFIRMED_OUTCOME not in {o["value"] for o in views.outcome_options("road_damage")}
    road = make_user(db, "Cán bộ Sở", "official", agency="so-gtvt")
    pothole = new_report(db, citizen)
    backoffice.accept_report(db, road, pothole.id)
    with pytest.raises(DomainError) as info:
        backoffice.close_report(db, road, pothole.id, scam.CONFIRMED_OUTCOME, "Đây không phải lừa đảo đâu nhé.")
    assert info.value.code == "feedback.outcome_invalid"


def test_refreshing_the_city_list_keeps_confirmed_reports(db: Session, police: tuple[int, int]) -> None:
    citizen, officer = police
    number = scam.report_scam(db, citizen, "https://nhan-qua-tri-an.top")
    db.commit()
    _confirm(db, officer, number)
    row = trustlists.import_snapshot(db, "city_blacklist")
    db.commit()
    values = set(db.exec(select(CityTrustEntry.value).where(CityTrustEntry.list_code == "city_blacklist")).all())
    assert "nhan-qua-tri-an.top" in values and "hoan-tien-thue.online" in values
    assert row.entry_count == len(values)
    assert json.loads(db.exec(select(CityTrustEntry.detail_json).where(CityTrustEntry.report_id == number)).one()) \
        == {"display": "https://nhan-qua-tri-an.top"}
