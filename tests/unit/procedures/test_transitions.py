"""Every legal transition in the data table works; everything else is refused and changes nothing."""

from __future__ import annotations

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.procedures import service, statuses
from citizen_app.procedures.models import ProcDossier

TABLE = statuses.status_table()
ACTIONS = sorted({t.action for t in TABLE.transitions.values()})
LEGAL = sorted(TABLE.transitions)
ILLEGAL = [(s, a) for s in TABLE.statuses for a in ACTIONS if (s, a) not in TABLE.transitions]


_COUNTER = iter(range(10**6))


def _n() -> int:
    return next(_COUNTER)


def _dossier(db, world, status: int, resume_to: int | None = None) -> ProcDossier:
    dossier = ProcDossier(number=f"HS-T-{_n()}", access_code_hash="x", procedure_code="tam_tru",
                          applicant_id=world.mai.id, agency_id=world.police.id, status=status, resume_to=resume_to)
    db.add(dossier)
    db.flush()
    return dossier


@pytest.mark.parametrize(("source", "action"), LEGAL)
def test_legal_transition(db, world, source, action):
    rule = TABLE.find(source, action)
    resume_to = rule.allowed[0] if rule.target == statuses.RESUME else None
    dossier = _dossier(db, world, source, resume_to)
    reason = "Lý do cụ thể" if rule.reason_required else ""
    event = service.transition(db, dossier, action, actor_id=world.officer.id, actor_kind=rule.actor, reason=reason,
                               resume_to=source)
    expected = resume_to if rule.target == statuses.RESUME else rule.target
    assert event.from_status == source and event.to_status == expected
    assert dossier.status == expected


def test_every_illegal_transition_is_refused(db, world):
    assert len(ILLEGAL) > 100
    for source, action in ILLEGAL:
        dossier = _dossier(db, world, source, resume_to=statuses.PROCESSING)
        for kind in ("applicant", "official", "system"):
            with pytest.raises(DomainError) as info:
                service.transition(db, dossier, action, actor_id=world.officer.id, actor_kind=kind, reason="x")
            assert info.value.code == "procedures.transition_illegal", (source, action, kind)
        assert dossier.status == source
        assert service.dossier_events(db, dossier.id) == []


@pytest.mark.parametrize(("source", "action"), LEGAL)
def test_wrong_actor_refused(db, world, source, action):
    rule = TABLE.find(source, action)
    dossier = _dossier(db, world, source, resume_to=rule.allowed[0] if rule.allowed else None)
    wrong = "official" if rule.actor != "official" else "applicant"
    with pytest.raises(DomainError):
        service.transition(db, dossier, action, actor_id=world.mai.id, actor_kind=wrong, reason="x")
    assert dossier.status == source


def test_reason_required_for_refusal(db, world):
    dossier = _dossier(db, world, statuses.NEW)
    with pytest.raises(DomainError, match="reason_required"):
        service.transition(db, dossier, "refuse", actor_id=world.officer.id, actor_kind="official", reason="  ")
    assert dossier.status == statuses.NEW


def test_terminal_statuses_have_no_exit():
    for code, status in TABLE.statuses.items():
        if status.terminal:
            assert TABLE.actions_from(code) == []


def test_resume_outside_allowed_is_refused(db, world):
    dossier = _dossier(db, world, statuses.SUPPLEMENT, resume_to=statuses.DONE)
    with pytest.raises(DomainError):
        service.transition(db, dossier, "answer_supplement", actor_id=world.mai.id, actor_kind="applicant")
