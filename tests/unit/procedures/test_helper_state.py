"""Helper mode through the Reflex states: code, consent, a helper's draft in the citizen's log, revocation."""

from __future__ import annotations

from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.identity import service as identity
from citizen_app.identity.activity import list_activity
from citizen_app.identity.models import Agency, UserRole
from citizen_app.procedures import summary
from citizen_app.procedures.helper_state import HelperState, VolunteerState
from citizen_app.procedures.models import ProcDossier
from citizen_app.procedures.state import WizardState
from tests.unit.procedures.test_state_authorization import PASSWORD, _cookie, _states


def _seed(engine) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as db:
        db.add(Agency(code="ca-ban-co", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Police", kind="police",
                      ward="Bàn Cờ"))
        mai = identity.register(db, "0903123456", PASSWORD, "Lê Thị Mai")
        huy = identity.register(db, "0977000001", PASSWORD, "Đỗ Quang Huy")
        db.add(UserRole(user_id=huy.id, role="volunteer"))
        db.commit()
        return {"mai": mai.id, "huy": huy.id}


async def test_code_consent_helper_draft_and_revoke(app_db) -> None:
    ids = _seed(app_db)
    huy_cookie, mai_cookie = _cookie(ids["huy"]), _cookie(ids["mai"])
    volunteer = _states(huy_cookie, {})(VolunteerState)
    await VolunteerState.create_code.fn(volunteer, {"proc_tam_tru_danh_sach": "on", "scope": "submit", "hours": "2"})
    assert volunteer.error == {} and len(volunteer.code) == 8

    citizen = _states(mai_cookie, {})(HelperState)
    await HelperState.read_code.fn(citizen, {"code": "00000000"})
    assert citizen.error["vi"] == "Mã không đúng hoặc đã hết hạn." and citizen.pending == {}
    await HelperState.read_code.fn(citizen, {"code": volunteer.code})
    assert citizen.pending["helper"] == "Đỗ Quang Huy"
    await HelperState.confirm_code.fn(citizen)
    assert [row.person for row in citizen.given] == ["Đỗ Quang Huy"] and citizen.given[0].active

    await VolunteerState.load.fn(volunteer)
    assert [person.name for person in volunteer.people] == ["Lê Thị Mai"]
    event = await VolunteerState.start_for.fn(volunteer, {"citizen": str(ids["mai"]), "procedure": "tam_tru_danh_sach"})
    assert volunteer.error == {} and event is not None
    with session_scope() as db:
        dossier = db.exec(select(ProcDossier)).one()
        assert (dossier.applicant_id, dossier.helper_id) == (ids["mai"], ids["huy"])
        texts = [entry.text for entry in list_activity(db, ids["mai"])]
        assert any(f"Tình nguyện viên Đỗ Quang Huy mở hồ sơ {dossier.number}" in text for text in texts)
        assert [item.kind for item in summary.open_items(db, ids["mai"], "vi")] == ["dossier"]

    await HelperState.revoke.fn(citizen, citizen.given[0].id)
    assert not citizen.given[0].active
    wizard = _states(huy_cookie, {"dossier_id": str(dossier.id), "step": "place"})(WizardState)
    await WizardState.load.fn(wizard)
    assert not wizard.loaded and wizard.error["vi"].startswith("Bạn chưa được công dân đồng ý")


async def test_citizen_cannot_create_volunteer_code(app_db) -> None:
    ids = _seed(app_db)
    as_volunteer = _states(_cookie(ids["mai"]), {})(VolunteerState)
    await VolunteerState.create_code.fn(as_volunteer, {"proc_tam_tru": "on", "scope": "submit_pay", "hours": "24"})
    assert as_volunteer.code == "" and as_volunteer.error["en"] == "You are not allowed to do this."
    citizen = _states(_cookie(ids["mai"]), {})(HelperState)
    await HelperState.review_grant.fn(citizen, {"helper": "0903123456", "proc_tam_tru": "on", "scope": "draft",
                                                "hours": "1"})
    assert citizen.error and citizen.pending == {} and citizen.given == []
