"""The landlady's paper trail, checked as a stranger would: the signed result is registered under a short code,
verify-a-PDF says genuine and whole, the public page shows no personal data until the holder allows it, revoking it
shows everywhere; the receipt and its access code can be found again and re-issued; the tenants are told."""

from __future__ import annotations

import subprocess
from datetime import date
from types import SimpleNamespace

import pytest
from sqlmodel import select

from citizen_app.core.errors import NotAllowed, NotFound, RecordedRefusal
from citizen_app.identity.activity import list_activity
from citizen_app.identity.models import IdentityProfile
from citizen_app.procedures import backoffice, documents, flow, named, service
from citizen_app.procedures.models import ProcNamedPerson
from citizen_app.trust import service as trust
from citizen_app.wallet.models import IssuedCredential
from tests.conftest import require_tools
from tests.unit.procedures.conftest import _user
from tests.unit.procedures.test_flow import PASSWORD, _draft

KHOI_ID = "079206002222"  # Đặng Văn Khôi, the second tenant in MAI_PAGES


def _submitted(db, world) -> tuple[int, service.SubmitReceipt]:
    dossier_id = _draft(db, world)
    view = flow.prepare_signature(db, world.mai.id, dossier_id)
    flow.approve_signature(db, world.mai.id, dossier_id, view.id, PASSWORD)
    receipt = service.submit(db, world.mai.id, dossier_id)
    db.commit()
    return dossier_id, receipt


def _delivered(db, world) -> tuple[int, service.SubmitReceipt]:
    dossier_id, receipt = _submitted(db, world)
    flow.on_fee_paid(db, SimpleNamespace(product_ref=str(dossier_id), amount_vnd=10_000, code="CDSPAID"))
    backoffice.accept(db, world.lan.id, dossier_id)
    backoffice.start_processing(db, world.lan.id, dossier_id)
    flow.approve_and_deliver(db, world.lan.id, dossier_id, "Đủ điều kiện")
    db.commit()
    return dossier_id, receipt


def test_signed_result_is_genuine_by_code_and_by_file_and_hides_personal_data(db, signer):
    dossier_id, _ = _delivered(db, signer)
    pdf, state = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    record = documents.result_record(db, db.get(service.ProcDossier, dossier_id))
    assert state == "signed" and record is not None and record.sha256

    check = trust.check_code(db, trust.display_code(record.code).lower())  # typed in lower case, with dashes
    assert check.state == "valid" and check.personal == []
    assert {f["key"]: f["value"] for f in check.facts}["agency"] == "Công an phường Bàn Cờ"
    assert "Khôi" not in repr(check) and KHOI_ID not in repr(check)

    report = trust.verify_pdf(db, pdf)
    assert report.verdict == "valid" and report.registered is not None and report.registered.code == record.code
    (signature,) = report.signatures
    assert signature.signer == "Công an phường Bàn Cờ" and signature.whole_document and signature.trusted

    keys = [item["key"] for item in record.personal]
    with pytest.raises(NotFound):
        trust.set_shown(db, signer.lan.id, record.id, keys)  # only the holder chooses
    trust.set_shown(db, signer.mai.id, record.id, keys[:1])
    assert [item["key"] for item in trust.check_code(db, record.code).personal] == keys[:1]

    with pytest.raises(NotFound):
        trust.check_code(db, "AAAA-BBBB-CCCC")


def test_result_pdf_reads_as_finished(db, signer):
    """Template-filled: the agency's name (not its code), the stay period, the officer, the code; not "to be
    signed"."""
    (pdftotext,) = require_tools("pdftotext")
    dossier_id, _ = _delivered(db, signer)
    pdf, _ = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    record = documents.result_record(db, db.get(service.ProcDossier, dossier_id))
    assert "Công an phường Bàn Cờ" in text and "Võ Thị Lan" in text and trust.display_code(record.code) in text
    assert "Chờ ký số" not in text and "ca-ban-co" not in text and "Đặng Văn Khôi" in text


def test_revoked_result_shows_on_its_page_and_in_verify(db, signer, hooks):
    dossier_id, _ = _delivered(db, signer)
    pdf, _ = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    record = documents.result_record(db, db.get(service.ProcDossier, dossier_id))
    with pytest.raises(NotAllowed):
        trust.revoke_document(db, signer.mai.id, record.id, "Tôi muốn")
    trust.revoke_document(db, signer.lan.id, record.id, "Cấp nhầm địa chỉ")
    db.commit()
    check = trust.check_code(db, record.code)
    assert check.state == "revoked" and check.revoke_reason == "Cấp nhầm địa chỉ"
    assert trust.verify_pdf(db, pdf).verdict == "doc_revoked"
    assert hooks.notify[-1].key == "procedures.notice.result_revoked" and hooks.notify[-1].user_id == signer.mai.id


def test_unsigned_and_altered_files_are_not_reported_valid(db, signer):
    dossier_id, _ = _delivered(db, signer)
    pdf, _ = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    assert trust.verify_pdf(db, flow.dossier_pdf(db, db.get(service.ProcDossier, dossier_id))).verdict == "unsigned"
    at = pdf.index(b"Ban Co") if b"Ban Co" in pdf else len(pdf) // 3
    altered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
    report = trust.verify_pdf(db, altered)
    assert report.verdict != "valid" and report.registered is None


def test_receipt_and_access_code_can_be_found_again_and_reissued(db, signer):
    dossier_id, receipt = _submitted(db, signer)
    view = documents.receipt_view(db, signer.mai.id, dossier_id)
    assert view.access_code == receipt.access_code and view.number == receipt.number and view.due
    assert trust.check_code(db, view.code).kind == "receipt"
    assert documents.receipt_pdf(db, signer.mai.id, dossier_id).startswith(b"%PDF-")
    with pytest.raises(NotAllowed):
        documents.receipt_view(db, signer.lan.id, dossier_id)

    new_code = service.reissue_access_code(db, signer.mai.id, dossier_id)
    db.commit()
    assert new_code != receipt.access_code and service.access_code(db, signer.mai.id, dossier_id) == new_code
    assert service.public_lookup(db, receipt.number, new_code).number == receipt.number
    with pytest.raises(RecordedRefusal):
        service.public_lookup(db, receipt.number, receipt.access_code)
    assert receipt.number in list_activity(db, signer.mai.id)[0].text
    with pytest.raises(NotAllowed):
        service.reissue_access_code(db, signer.lan.id, dossier_id)


def test_named_tenant_is_told_and_gets_the_credential_for_the_stay(db, signer, hooks):
    khoi = _user(db, "Đặng Văn Khôi")
    db.add(IdentityProfile(user_id=khoi.id, full_name="Đặng Văn Khôi", birth_date=date(2006, 1, 17), sex="M",
                           id_number=KHOI_ID, level=2))
    stranger = _user(db, "Lý Thị Hoa")  # same name as the other tenant, no verified identifier: not matched
    db.commit()
    dossier_id, _ = _delivered(db, signer)

    rows = db.exec(select(ProcNamedPerson).where(ProcNamedPerson.dossier_id == dossier_id)).all()
    assert [(row.user_id, row.matched_by) for row in rows] == [(khoi.id, "personal_id")]
    told = [n.key for n in hooks.notify if n.user_id == khoi.id]
    assert told == ["procedures.notice.named", "procedures.notice.named_result"]
    assert not [n for n in hooks.notify if n.user_id == stranger.id]

    (record,) = named.my_records(db, khoi.id)
    assert record.applicant == "Nguyễn Thị Mai" and "Bàn Cờ" in record.place and record.stay_to and record.in_wallet
    with pytest.raises(NotFound):
        named.my_record(db, signer.mai.id, record.id)
    credential = db.get(IssuedCredential, rows[0].credential_id)
    stay_to = date(*reversed([int(part) for part in record.stay_to.split("/")]))
    assert credential.user_id == khoi.id and service.to_local(credential.expires_at).date() == stay_to
