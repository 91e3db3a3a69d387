"""Rules that lived in the journeys or the pages, now in the procedures service: a dossier is submitted only as
the citizen signed it, and what an active helper consent is. Tested against the service directly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.procedures import consent, service, statuses
from citizen_app.procedures.models import ProcHelperConsent
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF, sign


def _complete(db, world, user_id: int | None = None) -> int:
    """Mai's complete, unsigned draft (prepared by ``user_id`` when a helper does it)."""
    actor = user_id or world.mai.id
    dossier = service.start_draft(db, actor, "tam_tru_danh_sach",
                                  for_citizen_id=world.mai.id if actor != world.mai.id else None)
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, actor, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, actor, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    return dossier.id


def test_submit_refuses_an_unsigned_dossier(db, world) -> None:
    dossier_id = _complete(db, world)
    assert service.form_errors(db, service.load_dossier(db, dossier_id), MORNING) == []
    with pytest.raises(DomainError, match="procedures.sign_first"):
        service.submit(db, world.mai.id, dossier_id, now=MORNING)
    dossier = service.load_dossier(db, dossier_id)
    assert dossier.status == statuses.DRAFT and service.dossier_events(db, dossier_id) == []
    sign(db, world.mai.id, dossier_id, now=MORNING)
    assert service.submit(db, world.mai.id, dossier_id, now=MORNING).status == statuses.FEE


def test_submit_refuses_a_dossier_changed_after_signing(db, world) -> None:
    dossier_id = _complete(db, world)
    sign(db, world.mai.id, dossier_id, now=MORNING)
    assert service.signature_current(db, service.load_dossier(db, dossier_id))
    service.add_attachment(db, world.mai.id, dossier_id, "lawful_residence_proof", "b.pdf", PDF + b"1")
    with pytest.raises(DomainError, match="procedures.sign_first"):
        service.submit(db, world.mai.id, dossier_id, now=MORNING)
    sign(db, world.mai.id, dossier_id, now=MORNING)  # signs again what she now sends
    assert service.submit(db, world.mai.id, dossier_id, now=MORNING).status == statuses.FEE


def test_a_helper_submits_only_what_the_citizen_signed(db, world) -> None:
    consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru_danh_sach"], "submit")
    dossier_id = _complete(db, world, world.volunteer.id)
    with pytest.raises(DomainError, match="procedures.sign_first"):
        service.submit(db, world.volunteer.id, dossier_id, now=MORNING)
    sign(db, world.mai.id, dossier_id, now=MORNING)
    receipt = service.submit(db, world.volunteer.id, dossier_id, now=MORNING)
    assert receipt.status == statuses.FEE
    assert [e.actor_id for e in service.dossier_events(db, dossier_id)] == [world.volunteer.id]


def test_an_incomplete_dossier_is_told_what_is_missing_first(db, world) -> None:
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    with pytest.raises(service.FormInvalid) as info:  # not "sign first": it could not be signed yet
        service.submit(db, world.mai.id, dossier.id, now=MORNING)
    assert info.value.errors == service.form_errors(db, dossier, MORNING)


def test_the_public_loader_does_not_authorize(db, world) -> None:
    dossier_id = _complete(db, world)
    assert service.load_dossier(db, dossier_id).applicant_id == world.mai.id
    with pytest.raises(NotFound):
        service.load_dossier(db, 10_000)


def test_what_an_active_consent_is(db, world) -> None:
    now = utcnow()

    def grant(subject) -> ProcHelperConsent:
        return consent.grant_consent(db, subject.id, world.volunteer.id, ["tam_tru_danh_sach"], "submit")

    live, revoked, expired, other = grant(world.mai), grant(world.mai), grant(world.mai), grant(world.citizen)
    consent.revoke_consent(db, world.mai.id, revoked.id)
    expired.expires_at = now - timedelta(seconds=1)
    db.flush()
    rows = [live, revoked, expired, other]
    assert [service.consent_is_active(row, now) for row in rows] == [True, False, False, True]
    assert not service.consent_is_active(live, live.expires_at)  # expiry is exclusive
    # the query asks the same question as the predicate
    assert {r.id for r in service.active_consents(db, world.volunteer.id, now=now)} == {live.id, other.id}
    assert [r.id for r in service.active_consents(db, world.volunteer.id, subject_id=world.mai.id, now=now)] \
        == [live.id]
    assert {r.id for r in consent.helper_consents(db, world.volunteer.id)} == {live.id, other.id}
    assert service.active_consent(db, world.volunteer.id, world.mai.id, "tam_tru_danh_sach", "submit").id == live.id
