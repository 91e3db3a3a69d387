"""The one search box and the public lookups (no login, no personal data)."""

from __future__ import annotations

import pytest

from citizen_app.city import lookup
from citizen_app.city.text import fold, ward_key
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.procedures import service as procedures
from citizen_app.procedures.models import ProcDossier
from tests.unit.city.helpers import make_user


def _dossier(db, code: str = "ABCD2345") -> str:
    mai = make_user(db, "0903123456", "Lê Thị Mai", "citizen")
    number = "HS-261126-QWERTY23"
    db.add(ProcDossier(number=number, access_code_hash=procedures._code_hash(number, code), procedure_code="tam_tru",
                       applicant_id=mai, subject_id=mai, subject_name="Lê Thị Mai", answers={}, current_page="",
                       status=1, submitted_at=utcnow()))
    db.commit()
    return number


def test_fold_is_diacritic_insensitive() -> None:
    assert fold("Phường  Bàn Cờ") == "phuong ban co"
    assert fold("ĐƯỜNG Đồng Khởi") == "duong dong khoi"
    assert ward_key("phường Bàn Cờ") == ward_key("BAN CO") == "ban co"


def test_fare_from_two_station_names(db) -> None:
    hits = lookup.search(db, "gia ve Ben Thanh den Suoi Tien")
    assert hits[0].kind == "fare" and hits[0].data == {"from": "L1-01", "to": "L1-14"}
    assert "₫" in hits[0].detail_vi
    assert lookup.search(db, "Bến Thành")[0].kind == "station"


def test_procedures_and_help_points_without_accents(db) -> None:
    assert {h.data["code"] for h in lookup.search(db, "tam tru")} >= {"tam_tru"}
    assert {h.data["code"] for h in lookup.search(db, "ĐĂNG KÝ KHAI SINH")} == {"khai_sinh"}
    assert {h.data["code"] for h in lookup.search(db, "ban co")} == {"cns-ban-co", "ubnd-ban-co"}


def test_dossier_number_asks_for_code_and_number_plus_code_answers(db) -> None:
    number = _dossier(db)
    first = lookup.search(db, number.lower())
    assert first[0].kind == "dossier_form" and first[0].data["number"] == number
    answer = lookup.search(db, f"{number} abcd2345")
    assert answer[0].kind == "dossier" and "Lê Thị Mai" not in str(answer[0])
    assert lookup.search(db, f"{number} WRONG999")[0].kind == "dossier_form"
    with pytest.raises(DomainError):
        lookup.dossier_status(db, number, "WRONG999")


def test_report_number_is_public_view_or_nothing(db) -> None:
    assert lookup.search(db, "#99999") == []
    with pytest.raises(DomainError):
        lookup.report_status(db, "abc")


def test_query_limits(db) -> None:
    assert lookup.search(db, "   ") == []
    with pytest.raises(DomainError):
        lookup.search(db, "x" * 500)
