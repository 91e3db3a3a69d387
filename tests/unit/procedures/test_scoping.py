from __future__ import annotations

from datetime import timedelta

import pytest

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.procedures import backoffice, service, statuses
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign


def _submitted(db, world, user) -> int:
    dossier = service.start_draft(db, user.id, "tam_tru_danh_sach")
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, user.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, user.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    sign(db, user.id, dossier.id, now=MORNING)
    service.submit(db, user.id, dossier.id, now=MORNING)
    service.mark_fee_paid(db, dossier.id, f"PAY-{dossier.id}", now=MORNING)
    return dossier.id


def test_official_sees_only_own_agency(db, world):
    dossier_id = _submitted(db, world, world.mai)
    assert [i.dossier_id for i in backoffice.agency_queue(db, world.officer.id)] == [dossier_id]
    assert backoffice.agency_queue(db, world.other_officer.id) == []
    assert backoffice.agency_queue(db, world.committee_officer.id) == []
    for official in (world.other_officer, world.committee_officer):
        with pytest.raises(NotFound):
            backoffice.view_dossier(db, official.id, dossier_id)
        with pytest.raises(NotFound):
            backoffice.accept(db, official.id, dossier_id)
    with pytest.raises(NotAllowed):
        backoffice.agency_queue(db, world.mai.id)
    with pytest.raises(NotAllowed):
        backoffice.accept(db, world.mai.id, dossier_id)
    assert db.get(service.ProcDossier, dossier_id).status == statuses.NEW


def test_citizen_cannot_read_someone_elses_dossier(db, world):
    dossier_id = _submitted(db, world, world.mai)
    with pytest.raises(NotAllowed):
        service.get_dossier(db, world.citizen.id, dossier_id)
    with pytest.raises(NotAllowed):
        service.withdraw(db, world.citizen.id, dossier_id)


def test_queue_overdue_first_and_apology(db, world, hooks):
    late = _submitted(db, world, world.mai)
    fresh = _submitted(db, world, world.citizen)
    backoffice.accept(db, world.officer.id, fresh, now=MORNING + timedelta(days=2))
    backoffice.accept(db, world.officer.id, late, now=MORNING)
    now = MORNING + timedelta(days=4)  # Sat 6 Dec: the first is due Fri 5 Dec 17:00
    queue = backoffice.agency_queue(db, world.officer.id, now=now)
    assert [i.dossier_id for i in queue] == [late, fresh]
    assert queue[0].overdue and not queue[1].overdue

    issued = backoffice.issue_overdue_apologies(db, now=now)
    assert [a.dossier_id for a in issued] == [late]
    assert backoffice.issue_overdue_apologies(db, now=now) == []  # once per appointment
    dossier = db.get(service.ProcDossier, late)
    assert service.to_local(dossier.due_at).strftime("%d/%m/%Y") == "10/12/2025"  # issued Sat -> counts from Mon 8, +2
    assert not backoffice.is_overdue(dossier, now)
    assert any(n.key == "procedures.notice_apology" for n in hooks.notify)


def test_withdraw_and_rating_rules(db, world):
    dossier_id = _submitted(db, world, world.mai)
    with pytest.raises(DomainError, match="rating_too_early"):
        service.rate_service(db, world.mai.id, dossier_id, 5)
    service.withdraw(db, world.mai.id, dossier_id)
    assert db.get(service.ProcDossier, dossier_id).status == statuses.WITHDRAWN
    with pytest.raises(DomainError, match="transition_illegal"):
        backoffice.accept(db, world.officer.id, dossier_id)


def test_public_lookup_reveals_nothing_personal_and_rejects_wrong_code(db, world):
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.mai.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, world.mai.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    sign(db, world.mai.id, dossier.id, now=MORNING)
    receipt = service.submit(db, world.mai.id, dossier.id, now=MORNING)
    found = service.public_lookup(db, receipt.number.lower(), receipt.access_code.lower())
    assert found.status == statuses.FEE and found.procedure_vi == "Đăng ký tạm trú theo danh sách"
    with pytest.raises(NotFound):
        service.public_lookup(db, receipt.number, "WRONG123")
    with pytest.raises(NotFound):
        service.public_lookup(db, "HS-000000-NOPE", receipt.access_code)
