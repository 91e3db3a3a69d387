"""Reflex handlers authorize on the server: crafted events from the wrong user change nothing."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.identity import service as identity
from citizen_app.identity.models import Agency, UserAccount, UserRole
from citizen_app.identity.state import AuthState
from citizen_app.payments.models import PayOrder
from citizen_app.procedures import service, statuses
from citizen_app.procedures.backoffice_state import OfficeDossierState, QueueState
from citizen_app.procedures.models import ProcDossier, ProcSupplement
from citizen_app.procedures.state import DossierState, MyDossiersState, WizardState
from tests.unit.procedures.conftest import MAI_PAGES, PDF, sign

PASSWORD = "Phuong2026xanh"


def _states(cookie: str, query: dict[str, str]):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/", "query": query, "client_ip": "127.0.0.1"})

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    AuthState.load_session.fn(sub(AuthState))
    return sub


def _user(db: Session, login: str, name: str, *roles: str, agency: Agency | None = None) -> int:
    user = identity.register(db, login, PASSWORD, name)
    for role in roles:
        db.add(UserRole(user_id=user.id, role=role))
    user.agency_id = agency.id if agency else None
    db.flush()
    return user.id


def _seed(engine) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as db:
        police = Agency(code="ca-ban-co", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Police", kind="police",
                        ward="Bàn Cờ")
        other = Agency(code="ca-xuan-hoa", name_vi="Công an phường Xuân Hòa", name_en="Xuan Hoa Police",
                       kind="police", ward="Xuân Hòa")
        db.add_all([police, other])
        db.flush()
        ids = {"mai": _user(db, "0903123456", "Lê Thị Mai"),
               "ha": _user(db, "0912000002", "Trần Thu Hà"),
               "lan": _user(db, "0938000002", "Võ Thị Lan", "official", agency=police),
               "other": _user(db, "0938000009", "Cán Bộ Khác", "official", agency=other)}
        dossier = service.start_draft(db, ids["mai"], "tam_tru_danh_sach", profile={"full_name": "Lê Thị Mai"})
        for page_id, answers in MAI_PAGES.items():
            fixed = {"receiver_agency": "ca-ban-co"} if page_id == "receiver" else answers
            service.save_page(db, ids["mai"], dossier.id, page_id, fixed)
        service.add_attachment(db, ids["mai"], dossier.id, "lawful_residence_proof", "so-hong.pdf", PDF)
        ids["draft"] = service.start_draft(db, ids["mai"], "tam_tru_danh_sach").id
        sign(db, ids["mai"], dossier.id, password=PASSWORD)
        service.submit(db, ids["mai"], dossier.id)
        service.mark_fee_paid(db, dossier.id, "PAY-TEST")
        ids["dossier"] = dossier.id
        db.commit()
    return ids


def _cookie(user_id: int) -> str:
    with session_scope() as db:
        return f"cds_sid={identity.open_session(db, user_id)}"


def _status(dossier_id: int) -> int:
    with session_scope() as db:
        return db.get(ProcDossier, dossier_id).status


async def test_other_agency_official_cannot_act(app_db) -> None:
    ids = _seed(app_db)
    sub = _states(_cookie(ids["other"]), {"dossier_id": str(ids["dossier"])})
    office = sub(OfficeDossierState)
    await OfficeDossierState.load.fn(office)
    assert not office.found and office.answers == []
    await OfficeDossierState.accept.fn(office)
    assert office.error["vi"] == "Không tìm thấy hồ sơ."
    for form in ({"decision": "supplement", "item_1": "Bổ sung hợp đồng", "slot_1": ""},
                 {"decision": "refuse", "note": "không hợp lệ"}):
        OfficeDossierState.prepare.fn(office, form)
        await OfficeDossierState.confirm_decision.fn(office)
    await OfficeDossierState.assign_me.fn(office)
    assert _status(ids["dossier"]) == statuses.NEW
    with session_scope() as db:
        assert db.exec(select(ProcSupplement)).all() == []
    queue = sub(QueueState)
    await QueueState.load.fn(queue)
    assert queue.rows == []


async def test_citizen_cannot_use_back_office(app_db) -> None:
    ids = _seed(app_db)
    sub = _states(_cookie(ids["mai"]), {"dossier_id": str(ids["dossier"])})
    queue, office = sub(QueueState), sub(OfficeDossierState)
    await QueueState.load.fn(queue)
    assert queue.rows == [] and queue.error["en"] == "You are not allowed to do this."
    OfficeDossierState.prepare.fn(office, {"decision": "approve", "note": "Đủ điều kiện"})
    await OfficeDossierState.confirm_decision.fn(office)
    assert _status(ids["dossier"]) == statuses.NEW


async def test_right_official_accepts(app_db) -> None:
    ids = _seed(app_db)
    sub = _states(_cookie(ids["lan"]), {"dossier_id": str(ids["dossier"])})
    queue = sub(QueueState)
    await QueueState.load.fn(queue)
    assert [row.id for row in queue.rows] == [ids["dossier"]]
    office = sub(OfficeDossierState)
    await OfficeDossierState.load.fn(office)
    assert office.found and office.subject == "Lê Thị Mai"
    await OfficeDossierState.accept.fn(office)
    assert office.error == {} and _status(ids["dossier"]) == statuses.ACCEPTED


async def test_other_citizen_cannot_edit_or_pay(app_db) -> None:
    ids = _seed(app_db)
    sub = _states(_cookie(ids["ha"]), {"dossier_id": str(ids["draft"]), "step": "place"})
    wizard = sub(WizardState)
    await WizardState.load.fn(wizard)
    assert not wizard.loaded and wizard.fields == []
    wizard.dossier_id, wizard.step = ids["draft"], "place"
    await WizardState.save.fn(wizard, {"residence_address": "Nhà của Hà", "stay_from": "01/12/2025"})
    assert wizard.error["en"].startswith("The citizen has not allowed you")
    with session_scope() as db:
        assert "residence_address" not in db.get(ProcDossier, ids["draft"]).answers
    dossier_state = sub(DossierState)
    dossier_state.dossier_id = ids["dossier"]
    await DossierState.pay.fn(dossier_state)
    assert dossier_state.error
    with session_scope() as db:
        assert db.exec(select(PayOrder)).all() == []


async def test_bad_answer_is_refused_and_nothing_saved(app_db) -> None:
    ids = _seed(app_db)
    sub = _states(_cookie(ids["mai"]), {"dossier_id": str(ids["draft"]), "step": "owner"})
    wizard = sub(WizardState)
    await WizardState.load.fn(wizard)
    assert wizard.loaded and wizard.step_no == 2 and wizard.step_total == 8
    bad = {"full_name": "Lê Thị Mai", "date_of_birth": "12/03/2099", "sex": "nu", "personal_id": "07916600123",
           "phone": "0903123456", "owner_role": "owner"}
    await WizardState.save.fn(wizard, bad)
    texts = " ".join(e["vi"] for e in wizard.errors)
    assert "12 chữ số" in texts and "không được sau hôm nay" in texts
    with session_scope() as db:
        assert "personal_id" not in db.get(ProcDossier, ids["draft"]).answers
        assert db.exec(select(UserAccount)).first() is not None


async def test_my_dossiers_page_sends_its_lists_only_when_they_changed(app_db) -> None:
    """Issue 24: /procedures/mine re-sent both lists on every visit; a visit that finds the same sends nothing."""
    ids = _seed(app_db)
    page = _states(_cookie(ids["mai"]), {})(MyDossiersState)
    await MyDossiersState.load.fn(page)
    assert len(page.rows) == 2 and page.named == []  # her submitted dossier and her draft
    page.dirty_vars.clear()
    await MyDossiersState.load.fn(page)
    assert not page.dirty_vars & {"rows", "named"}
    with session_scope() as db:
        service.start_draft(db, ids["mai"], "tam_tru_danh_sach")
    await MyDossiersState.load.fn(page)
    assert "rows" in page.dirty_vars and len(page.rows) == 3
    other = _states(_cookie(ids["ha"]), {})(MyDossiersState)
    await MyDossiersState.load.fn(other)
    assert other.rows == [] and other.named == []
