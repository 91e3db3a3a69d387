"""The joined journeys: search, prefill, the citizen's signature bound to the answers, the fee hook,
approval signed with the agency certificate, and the agency-kind mapping of the shared agency list."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlmodel import select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.identity.models import Agency, IdentityProfile
from citizen_app.procedures import backoffice, flow, service, statuses
from citizen_app.procedures.catalog import agency_serves
from citizen_app.signing.pades import validate_signed_pdf
from tests.unit.procedures.conftest import MAI_PAGES, PDF, _user

PASSWORD = "Phuong2026xanh"


def test_search_ignores_accents_and_case() -> None:
    assert flow.fold("Đăng ký TẠM TRÚ, hưu trí, thường trú") == "dang ky tam tru, huu tri, thuong tru"
    assert [p.code for p in flow.search_procedures("tam tru theo danh sach")] == ["tam_tru_danh_sach"]
    assert "tro_cap_huu_tri_xa_hoi" in [p.code for p in flow.search_procedures("HƯU TRÍ")]
    assert "xac_nhan_hon_nhan" in [p.code for p in flow.search_procedures("hon nhan")]
    assert flow.search_procedures("không có thủ tục này") == []


def test_shared_agency_kinds_map_to_procedure_kinds() -> None:
    assert agency_serves(SimpleNamespace(kind="police", ward="Bàn Cờ"), "ward_police")
    assert not agency_serves(SimpleNamespace(kind="police", ward=""), "ward_police")  # city police
    assert agency_serves(SimpleNamespace(kind="ward", ward="Bàn Cờ"), "ward_committee")
    assert not agency_serves(SimpleNamespace(kind="ward", ward="Bàn Cờ"), "ward_police")


@pytest.fixture()
def signer(db, world):
    """Mai with a verified profile and a password (to approve signatures), police of kind "police"."""
    from citizen_app.identity.service import HASHER

    world.mai.password_hash = HASHER.hash(PASSWORD)
    db.add(IdentityProfile(user_id=world.mai.id, full_name="Nguyễn Thị Mai", birth_date=date(1968, 3, 12), sex="F",
                           id_number="079168001234", level=2))
    police = Agency(code="ca-ban-co", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Police", kind="police",
                    ward="Bàn Cờ")
    db.add(police)
    db.flush()
    world.lan = _user(db, "Võ Thị Lan", "official", agency=police)
    db.commit()
    return world


def _draft(db, world) -> int:
    dossier = flow.start(db, world.mai.id, "tam_tru_danh_sach")
    assert dossier.answers["personal_id"] == "079168001234" and dossier.answers["sex"] == "nu"  # prefilled
    assert dossier.answers["date_of_birth"] == "12/03/1968"
    for page_id, answers in MAI_PAGES.items():
        page = {"receiver_agency": "ca-ban-co"} if page_id == "receiver" else answers
        service.save_page(db, world.mai.id, dossier.id, page_id, page)
    service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "so-hong.pdf", PDF)
    db.commit()
    return dossier.id


def test_signature_is_bound_to_the_answers(db, signer) -> None:
    dossier_id = _draft(db, signer)
    with pytest.raises(DomainError, match="procedures.sign_first"):
        service.submit(db, signer.mai.id, dossier_id)
    with pytest.raises(NotAllowed):
        flow.prepare_signature(db, signer.volunteer.id, dossier_id)  # nobody signs for the citizen
    view = flow.prepare_signature(db, signer.mai.id, dossier_id)
    with pytest.raises(DomainError, match="identity.sign.wrong_password"):
        flow.approve_signature(db, signer.mai.id, dossier_id, view.id, "wrong-password")
    db.rollback()
    view = flow.prepare_signature(db, signer.mai.id, dossier_id)
    flow.approve_signature(db, signer.mai.id, dossier_id, view.id, PASSWORD)
    db.commit()
    dossier = db.get(service.ProcDossier, dossier_id)
    assert service.signature_current(db, dossier)
    signed = flow.signed_dossier_pdf(db, signer.mai.id, dossier_id)
    assert all(c.intact and c.valid and c.trusted for c in validate_signed_pdf(signed))

    service.save_page(db, signer.mai.id, dossier_id, "place", {"residence_address": "14 Nguyễn Đình Chiểu",
                                                               "stay_from": "01/12/2025"})
    assert not service.signature_current(db, dossier)  # changed after signing: sign again
    with pytest.raises(DomainError, match="procedures.sign_first"):
        service.submit(db, signer.mai.id, dossier_id)


def test_fee_hook_and_agency_signed_result(db, signer) -> None:
    dossier_id = _draft(db, signer)
    view = flow.prepare_signature(db, signer.mai.id, dossier_id)
    flow.approve_signature(db, signer.mai.id, dossier_id, view.id, PASSWORD)
    receipt = service.submit(db, signer.mai.id, dossier_id)
    assert receipt.status == statuses.FEE and receipt.fee.amount == 10_000
    with pytest.raises(DomainError, match="procedures.fee_amount_invalid"):
        flow.on_fee_paid(db, SimpleNamespace(product_ref=str(dossier_id), amount_vnd=1, code="CDSX"))
    flow.on_fee_paid(db, SimpleNamespace(product_ref=str(dossier_id), amount_vnd=10_000, code="CDSPAID"))
    assert db.get(service.ProcDossier, dossier_id).status == statuses.NEW
    assert [item.dossier_id for item in backoffice.agency_queue(db, signer.lan.id)] == [dossier_id]
    backoffice.accept(db, signer.lan.id, dossier_id)
    backoffice.start_processing(db, signer.lan.id, dossier_id)
    flow.approve_and_deliver(db, signer.lan.id, dossier_id, "Đủ điều kiện")
    db.commit()
    assert db.get(service.ProcDossier, dossier_id).status == statuses.DELIVERED
    content, state = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    checks = validate_signed_pdf(content)
    assert state == "signed" and len(checks) == 1 and checks[0].trusted
    assert checks[0].signer_name == "Công an phường Bàn Cờ"
    assert [row.en for row in flow.timeline(db, signer.mai.id, dossier_id)][-1] == "Result delivered"


def test_fee_order_belongs_to_the_receiving_agency(db, signer, payments_sandbox) -> None:
    from citizen_app.payments import service as payments
    from citizen_app.payments.models import PayOrder

    dossier_id = _draft(db, signer)
    view = flow.prepare_signature(db, signer.mai.id, dossier_id)
    flow.approve_signature(db, signer.mai.id, dossier_id, view.id, PASSWORD)
    service.submit(db, signer.mai.id, dossier_id)
    flow.start_fee_payment(db, signer.mai.id, dossier_id)
    db.commit()
    order = db.exec(select(PayOrder).where(PayOrder.product_ref == str(dossier_id))).one()
    assert order.agency_id == db.get(service.ProcDossier, dossier_id).agency_id == signer.lan.agency_id
    assert payments.get_order(db, signer.lan.id, order.code).id == order.id  # the receiving police see it
    with pytest.raises(NotFound):
        payments.get_order(db, signer.committee_officer.id, order.code)  # the ward committee does not
