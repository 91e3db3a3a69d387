"""The wallet's back office (/wallet/approvals) authorizes on the server in every handler: only an official of the
citizen's ward lists, prepares and decides a waiting credential request; a volunteer, another ward's official and the
citizen themselves (even as an official of that ward) are refused, whatever event their browser sends."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.identity.models import UserAccount, UserRole
from citizen_app.wallet.backoffice_state import ApprovalsState
from citizen_app.wallet.models import VciDeferred
from tests.unit.identity.helpers import make_user, make_verified_citizen, make_ward_official, ward_agency
from tests.unit.wallet.test_oid4vci_authorize import REDIRECT, _waiting, write_clients
from tests.unit.wallet.test_page_states import _logged_in, _states

NOT_ALLOWED = "You are not allowed to do this."


@pytest.fixture()
def people(app_db, tmp_path, monkeypatch) -> dict[str, int]:
    write_clients(tmp_path, monkeypatch, **{"wallet-1": [REDIRECT]})
    with Session(app_db, expire_on_commit=False) as db:
        citizen = make_verified_citizen(db)  # Nguyễn Văn An, born 1960, of the ward Bến Nghé
        _waiting(db, citizen.id)
        official = make_ward_official(db, "Phạm Văn Cường")
        elsewhere = make_ward_official(db, "Lý Thị Xa", ward="Tân Định")
        volunteer = make_user(db, "Đỗ Quang Huy", roles=("volunteer",))
        db.commit()
        row = db.exec(select(VciDeferred)).one()
        return {"citizen": citizen.id, "official": official.id, "elsewhere": elsewhere.id,
                "volunteer": volunteer.id, "row": row.id or 0}


def _status(row_id: int) -> str:
    with session_scope() as db:
        return db.get(VciDeferred, row_id).status


async def _page(user_id: int) -> ApprovalsState:
    page = _logged_in(user_id)(ApprovalsState)
    await ApprovalsState.load.fn(page)
    return page


async def test_the_wards_official_reads_the_request_in_words_and_approves_after_confirming(app_db, people) -> None:
    page = await _page(people["official"])
    assert page.error == {} and page.loaded
    [row] = page.rows
    assert (row["name"], row["birth_year"], row["kind_vi"], row["kind_en"], row["wallet_vi"], row["copies_en"]) == \
        ("Nguyễn Văn An", "1960", "xác nhận cư trú", "proof of residence", "Ví wallet-1", "copies: 1")
    assert not any("079" in value or "Lê Lợi" in value for value in row.values())  # no ID number, no address
    await ApprovalsState.prepare.fn(page, row["id"], "approve")
    assert page.confirm["decision"] == "approve" and "Ví wallet-1" in page.confirm["vi"]
    assert _status(people["row"]) == "pending"  # nothing is decided before the confirmation
    await ApprovalsState.approve.fn(page)
    assert _status(people["row"]) == "approved"
    assert page.info["en"].startswith("Approved the request of Nguyễn Văn An.") and page.rows == []


async def test_a_refusal_needs_the_reason_the_citizen_reads(app_db, people) -> None:
    page = await _page(people["official"])
    await ApprovalsState.prepare.fn(page, page.rows[0]["id"], "refuse")
    await ApprovalsState.approve.fn(page)  # an approval event after preparing a refusal decides nothing
    assert _status(people["row"]) == "pending"
    await ApprovalsState.prepare.fn(page, page.rows[0]["id"], "refuse")
    await ApprovalsState.refuse.fn(page, {"note": "   "})
    assert page.error["en"] == "Write the reason for refusing; the citizen will read it."
    assert page.confirm["decision"] == "refuse" and _status(people["row"]) == "pending"
    await ApprovalsState.refuse.fn(page, {"note": "Địa chỉ chưa khớp sổ tạm trú"})
    assert _status(people["row"]) == "refused" and page.info["en"].startswith("Refused the request")


@pytest.mark.parametrize("who", ["volunteer", "elsewhere", "citizen"])
async def test_a_volunteer_another_wards_official_and_the_citizen_themselves_are_refused(app_db, people, who) -> None:
    if who == "citizen":  # the citizen is even an official of their own ward: still not their own request
        with session_scope() as db:
            db.add(UserRole(user_id=people["citizen"], role="official"))
            db.get(UserAccount, people["citizen"]).agency_id = ward_agency(db).id
    page = await _page(people[who])
    assert page.rows == []
    if who == "volunteer":
        assert page.error["en"] == NOT_ALLOWED
    await ApprovalsState.prepare.fn(page, str(people["row"]), "approve")
    assert page.confirm == {} and page.error != {}
    page._pending = {"id": people["row"], "approve": True, "name": "x"}  # even a kept decision is checked again
    await ApprovalsState.approve.fn(page)
    page._pending = {"id": people["row"], "approve": False, "name": "x"}
    await ApprovalsState.refuse.fn(page, {"note": "không"})
    assert page.error != {} and page.info == {}
    assert _status(people["row"]) == "pending"


async def test_a_signed_out_browser_gets_nothing(app_db, people) -> None:
    page = _states()(ApprovalsState)
    await ApprovalsState.load.fn(page)
    assert page.rows == [] and page.error["en"] != ""
    page._pending = {"id": people["row"], "approve": True, "name": "x"}
    await ApprovalsState.approve.fn(page)
    assert _status(people["row"]) == "pending"
