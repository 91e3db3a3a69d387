"""Mrs. Mai registers two student tenants (list variant), pays, submits; the ward police asks for a
supplement; she answers; the official approves; the result PDF is produced, signed and delivered."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from citizen_app.procedures import backoffice, service, statuses
from citizen_app.procedures.models import ProcAudit
from tests.conftest import have_tools
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign


def _fill(db, world) -> int:
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach",
                                  profile={"full_name": "Nguyễn Thị Mai", "phone": "0912345678"})
    assert dossier.answers["full_name"] == "Nguyễn Thị Mai"
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.mai.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "so-hong.pdf", PDF)
    sign(db, world.mai.id, dossier.id, now=MORNING)
    db.commit()
    return dossier.id


def test_landlady_story(db, world, hooks):
    dossier_id = _fill(db, world)
    assert service.check_answers(db, world.mai.id, dossier_id, now=MORNING) == []

    receipt = service.submit(db, world.mai.id, dossier_id, now=MORNING)
    db.commit()
    assert receipt.fee.amount == 10_000 and receipt.fee.units == 2  # 5,000 per person online
    assert receipt.status == statuses.FEE
    assert backoffice.agency_queue(db, world.officer.id, now=MORNING)[0].status == statuses.FEE

    assert service.fee_due(db, world.mai.id, dossier_id) == 10_000
    service.mark_fee_paid(db, dossier_id, "PAY-001", now=MORNING + timedelta(minutes=5))
    service.mark_fee_paid(db, dossier_id, "PAY-001")  # the gateway retries: no-op
    db.commit()
    assert db.get(service.ProcDossier, dossier_id).status == statuses.NEW

    backoffice.accept(db, world.officer.id, dossier_id, now=MORNING + timedelta(hours=1))
    dossier = db.get(service.ProcDossier, dossier_id)
    due_before = dossier.due_at
    assert due_before is not None  # Tue 2 Dec + 3 working days = Fri 5 Dec, 17:00
    assert service.to_local(due_before).strftime("%d/%m/%Y %H:%M") == "05/12/2025 17:00"
    backoffice.start_processing(db, world.officer.id, dossier_id, now=MORNING + timedelta(hours=2))

    supplement = backoffice.request_supplement(
        db, world.officer.id, dossier_id,
        [{"text": "Bổ sung hợp đồng thuê nhà có chữ ký hai bên", "attachment_id": "lawful_residence_proof"}],
        now=MORNING + timedelta(hours=3))
    db.commit()
    dossier = db.get(service.ProcDossier, dossier_id)
    assert dossier.status == statuses.SUPPLEMENT and dossier.paused and dossier.due_at is None

    service.add_attachment(db, world.mai.id, dossier_id, "lawful_residence_proof", "hop-dong.pdf", PDF)
    # answered the next day (Wed 3 Dec): the clock resumes with 3 working days left -> Mon 8 Dec
    service.answer_supplement(db, world.mai.id, dossier_id, note="Đã bổ sung hợp đồng", now=MORNING + timedelta(days=1))
    db.commit()
    dossier = db.get(service.ProcDossier, dossier_id)
    assert dossier.status == statuses.PROCESSING
    assert service.to_local(dossier.due_at).strftime("%d/%m/%Y") == "08/12/2025"
    assert supplement.answered_at is not None

    result = backoffice.approve(db, world.officer.id, dossier_id, "Đủ điều kiện", now=MORNING + timedelta(days=2))
    db.commit()
    assert result.sign_state == "to_be_signed"
    pdf, state = backoffice.result_pdf(db, world.mai.id, dossier_id)
    assert pdf.startswith(b"%PDF-") and state == "to_be_signed"

    backoffice.sign_result(db, world.officer.id, dossier_id, lambda data, signer: data + b"%signed", "cert")
    backoffice.deliver(db, world.officer.id, dossier_id)
    service.rate_service(db, world.mai.id, dossier_id, 5, "Nhanh, gọn")
    db.commit()

    dossier = db.get(service.ProcDossier, dossier_id)
    assert dossier.status == statuses.DELIVERED and dossier.rating == 5
    events = service.history(db, world.mai.id, dossier_id)
    assert [e.to_status for e in events] == [6, 1, 2, 4, 5, 4, 9, 10]
    assert service.derive_status(events) == dossier.status
    assert len(db.exec(select(ProcAudit).where(ProcAudit.dossier_id == dossier_id)).all()) >= 12
    assert [n.key for n in hooks.notify if n.user_id == world.mai.id][-1] == "procedures.notice.deliver"

    public = service.public_lookup(db, dossier.number, receipt.access_code)
    assert public.status == 10 and public.result_ready
    assert "Mai" not in repr(public) and "079" not in repr(public)


def test_result_pdf_has_vietnamese_text(db, world):
    dossier_id = _fill(db, world)
    service.submit(db, world.mai.id, dossier_id, now=MORNING)
    service.mark_fee_paid(db, dossier_id, "PAY-2")
    backoffice.accept(db, world.officer.id, dossier_id)
    backoffice.start_processing(db, world.officer.id, dossier_id)
    backoffice.approve(db, world.officer.id, dossier_id, "Đủ điều kiện")
    pdf, _ = backoffice.result_pdf(db, world.officer.id, dossier_id)
    from fpdf import FPDF  # noqa: F401  (the dependency is present)

    assert b"DejaVu" in pdf  # embedded Unicode font, so diacritics render
    import subprocess

    if have_tools("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ" in text and "Đặng Văn Khôi" in text
