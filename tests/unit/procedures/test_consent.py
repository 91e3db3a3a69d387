"""Helper mode: scope, expiry, revocation, one-time code, and the citizen's activity log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow
from citizen_app.procedures import consent, service, statuses
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign


def _fill(db, helper_id: int, citizen_id: int) -> int:
    dossier = service.start_draft(db, helper_id, "tam_tru_danh_sach", for_citizen_id=citizen_id)
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, helper_id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, helper_id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    return dossier.id


def test_no_consent_no_access(db, world):
    with pytest.raises(NotAllowed, match="consent_missing"):
        service.start_draft(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id)


def test_draft_scope_cannot_submit_or_pay(db, world, hooks):
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru_danh_sach"], "draft", hours=2)
    dossier_id = _fill(db, world.volunteer.id, world.mai.id)
    dossier = db.get(service.ProcDossier, dossier_id)
    assert (dossier.applicant_id, dossier.subject_id, dossier.helper_id) == (world.mai.id, world.mai.id,
                                                                             world.volunteer.id)
    with pytest.raises(NotAllowed):
        service.submit(db, world.volunteer.id, dossier_id, now=MORNING)
    with pytest.raises(NotAllowed):
        service.start_draft(db, world.volunteer.id, "thuong_tru", for_citizen_id=world.mai.id)  # not in scope
    assert {e.action for e in hooks.activity} >= {"draft_started", "page_saved", "attachment_added"}
    assert all(e.subject_id == world.mai.id and e.consent_id == grant.id for e in hooks.activity)
    log = service.activity_log(db, world.mai.id)
    assert any(row.actor_id == world.volunteer.id and row.consent_id == grant.id for row in log)


def test_submit_pay_scope_and_revoke(db, world):
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru_danh_sach"], "submit_pay")
    dossier_id = _fill(db, world.volunteer.id, world.mai.id)
    sign(db, world.mai.id, dossier_id, now=MORNING)  # the citizen signs what the volunteer prepared
    receipt = service.submit(db, world.volunteer.id, dossier_id, now=MORNING)
    assert receipt.status == statuses.FEE
    assert service.fee_due(db, world.volunteer.id, dossier_id) == 10_000
    consent.revoke_consent(db, world.mai.id, grant.id)
    with pytest.raises(NotAllowed):
        service.fee_due(db, world.volunteer.id, dossier_id)
    assert service.fee_due(db, world.mai.id, dossier_id) == 10_000  # the citizen still can


def test_consent_expires(db, world):
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru"], "submit", hours=1)
    grant.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(NotAllowed):
        service.start_draft(db, world.volunteer.id, "tam_tru", for_citizen_id=world.mai.id)


def test_one_time_code_flow(db, world):
    code = consent.create_consent_code(db, world.volunteer.id, ["tam_tru_danh_sach"], "submit", hours=3)
    assert len(code) == 8 and code.isdigit()
    offer = consent.describe_consent_code(db, world.mai.id, code)
    assert offer.scope == "submit" and offer.helper_id == world.volunteer.id
    grant = consent.redeem_consent_code(db, world.mai.id, code)
    assert grant.method == "code" and grant.subject_id == world.mai.id
    with pytest.raises(DomainError, match="consent_code_invalid"):
        consent.redeem_consent_code(db, world.mai.id, code)  # single use
    assert service.start_draft(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id)


def test_consent_checks(db, world):
    with pytest.raises(DomainError, match="helper_not_volunteer"):
        consent.grant_consent(db, world.mai.id, world.citizen.id, ["tam_tru"], "draft")
    with pytest.raises(DomainError, match="consent_scope_invalid"):
        consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru"], "everything")
    with pytest.raises(DomainError, match="consent_procedures_invalid"):
        consent.grant_consent(db, world.mai.id, world.volunteer.id, ["nope"], "draft")
    with pytest.raises(DomainError, match="consent_hours_invalid"):
        consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru"], "draft", hours=24 * 30)
    with pytest.raises(NotAllowed):
        consent.create_consent_code(db, world.citizen.id, ["tam_tru"], "draft")
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru"], "draft")
    with pytest.raises(DomainError):
        consent.revoke_consent(db, world.citizen.id, grant.id)  # only the grantor revokes


def test_helped_dossiers_only_while_consent_lives(db, world):
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru_danh_sach"], "draft", hours=2)
    dossier_id = service.start_draft(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id).id
    assert [d.id for d in consent.helped_dossiers(db, world.volunteer.id)] == [dossier_id]
    consent.revoke_consent(db, world.mai.id, grant.id)
    assert consent.helped_dossiers(db, world.volunteer.id) == []
