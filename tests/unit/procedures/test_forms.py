from __future__ import annotations

from datetime import date

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.procedures import forms, service
from citizen_app.procedures.catalog import get_procedure
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, PNG, tenant

TODAY = date(2025, 12, 2)


def codes(errors):
    return {(e.path, e.code) for e in errors}


def test_invalid_personal_id_in_repeatable_group():
    proc = get_procedure("tam_tru_danh_sach")
    answers = {"tenants": [tenant("Lý Thị Hoa", "05/09/2005", "07930500111"), tenant("Khôi", "17/01/2006", "x" * 12)]}
    errors = forms.validate_page(proc, "tenants", forms.normalize_page(proc, "tenants", answers), TODAY)
    assert ("tenants[0].personal_id", "procedures.err_personal_id") in codes(errors)
    assert ("tenants[1].personal_id", "procedures.err_personal_id") in codes(errors)
    assert "Người thuê, người ở 2" in forms.field_label(proc, "tenants[1].personal_id", "vi")


def test_group_minimum_and_future_date():
    proc = get_procedure("tam_tru_danh_sach")
    empty = forms.validate_page(proc, "tenants", {"tenants": []}, TODAY)
    assert ("tenants", "procedures.err_group_min") in codes(empty)
    answers = {"tenants": [tenant("Lý Thị Hoa", "05/09/2030", "079305001111")]}
    assert ("tenants[0].date_of_birth", "procedures.err_date_future") in codes(
        forms.validate_page(proc, "tenants", answers, TODAY))
    answers = {"tenants": [tenant("Lý Thị Hoa", "31/02/2005", "079305001111")]}
    assert ("tenants[0].date_of_birth", "procedures.err_date") in codes(
        forms.validate_page(proc, "tenants", answers, TODAY))


def test_phone_normalised_and_checked():
    proc = get_procedure("tam_tru")
    ok = forms.normalize_page(proc, "declarant", {"phone": "+84 912 345 678"})
    assert ok["phone"] == "0912345678"
    errors = forms.validate_page(proc, "declarant", {"phone": "12345"}, TODAY)
    assert ("phone", "procedures.err_phone") in codes(errors)


def test_conditions_hide_and_require_fields():
    proc = get_procedure("tam_tru")
    head = forms.validate_page(proc, "household", {"is_household_head": True}, TODAY)
    assert head == []
    not_head = forms.validate_page(proc, "household", {"is_household_head": False}, TODAY)
    assert ("head_personal_id", "procedures.err_required") in codes(not_head)


def test_missing_conditional_attachment():
    proc = get_procedure("tam_tru")
    errors = forms.validate_all(proc, {"is_minor": True}, {"lawful_residence_proof"}, TODAY)
    assert ("attachment:parent_consent", "procedures.err_attachment_missing") in codes(errors)
    errors = forms.validate_all(proc, {"is_minor": False}, {"lawful_residence_proof"}, TODAY)
    assert ("attachment:parent_consent", "procedures.err_attachment_missing") not in codes(errors)


def test_pension_eligibility_rule():
    proc = get_procedure("tro_cap_huu_tri_xa_hoi")
    base = {"has_pension": False, "household_poverty": "none"}
    young = forms.validate_all(proc, {**base, "date_of_birth": "01/01/1953"}, set(), TODAY)  # 72
    assert any(e.code == "procedures.err_rule" for e in young)
    poor = forms.validate_all(proc, {**base, "household_poverty": "poor", "date_of_birth": "01/01/1953"}, set(), TODAY)
    assert not any(e.code == "procedures.err_rule" for e in poor)
    old = forms.validate_all(proc, {**base, "date_of_birth": "01/01/1949"}, set(), TODAY)
    assert not any(e.code == "procedures.err_rule" for e in old)


def test_prefill_from_profile():
    proc = get_procedure("tam_tru")
    answers = forms.prefill(proc, {"full_name": "Nguye\u0302\u0303n Văn A", "date_of_birth": date(1990, 9, 5),
                                   "personal_id": "0791 9000 1234", "unknown": "x"})
    assert answers == {"full_name": "Nguyễn Văn A", "date_of_birth": "05/09/1990", "personal_id": "079190001234"}


def test_save_page_rejects_and_keeps_nothing(db, world):
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    service.save_page(db, world.mai.id, dossier.id, "owner", MAI_PAGES["owner"], now=MORNING)
    bad = {**MAI_PAGES["owner"], "personal_id": "123", "full_name": "Đổi tên"}
    with pytest.raises(service.FormInvalid) as info:
        service.save_page(db, world.mai.id, dossier.id, "owner", bad, now=MORNING)
    assert ("personal_id", "procedures.err_personal_id") in codes(info.value.errors)
    assert dossier.answers["full_name"] == "Nguyễn Thị Mai"
    with pytest.raises(service.FormInvalid):
        service.save_page(db, world.mai.id, dossier.id, "receiver", {"receiver_agency": "UB-BAN-CO"}, now=MORNING)


def test_submit_blocked_until_complete(db, world):
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.mai.id, dossier.id, page_id, answers, now=MORNING)
    with pytest.raises(service.FormInvalid) as info:
        service.submit(db, world.mai.id, dossier.id, now=MORNING)
    assert ("attachment:lawful_residence_proof", "procedures.err_attachment_missing") in codes(info.value.errors)
    assert dossier.status == 0


def test_attachment_type_and_size(db, world):
    dossier = service.start_draft(db, world.mai.id, "tam_tru")
    with pytest.raises(DomainError, match="file_type"):
        service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "x.pdf", b"MZ\x90\x00 exe")
    with pytest.raises(DomainError, match="file_too_large"):
        service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "big.pdf",
                               PDF + b"0" * (5 * 1024 * 1024))
    row = service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "../../a.png", PNG)
    assert row.mime == "image/png" and row.filename == "a.png"
    from citizen_app.procedures.files import files_dir

    assert (files_dir() / row.storage_key).read_bytes() == PNG
    assert "dossier_files" in str(files_dir())


def test_fees():
    proc = get_procedure("tam_tru_danh_sach")
    people = [tenant("A", "01/01/2000", "079200000001"), tenant("B", "01/01/1950", "079150000002", "elderly")]
    quote = service.quote_fee(proc, {"tenants": people})
    assert (quote.amount, quote.units, quote.exempt_units) == (5000, 2, 1)
    assert service.quote_fee(proc, {"tenants": people}, "paper").amount == 10000
    copy = get_procedure("chung_thuc_ban_sao")
    assert service.quote_fee(copy, {"pages": 4, "copies": 2}).amount == 2 * (2000 + 2000 + 1000 + 1000)
    assert service.quote_fee(copy, {"pages": 500, "copies": 1}).amount == 200000
    single = get_procedure("tam_tru")
    assert service.quote_fee(single, {"fee_exemption": "poor"}).amount == 0
    assert service.quote_fee(single, {"fee_exemption": "none"}).amount == 7000
