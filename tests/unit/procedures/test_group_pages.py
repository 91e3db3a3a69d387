"""A repeatable-group page lists the items already added, labelled "Member 1", "Member 2"…"""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.procedures import service
from citizen_app.procedures.catalog import catalog
from citizen_app.procedures.state import WizardState
from tests.unit.procedures.test_state_authorization import _cookie, _states, _user

MEMBER = {"full_name": "Trần Văn Tú", "date_of_birth": "02/02/2010", "sex": "nam",
          "personal_id": "079210003333", "relation": "con"}


def test_every_group_names_its_items() -> None:
    groups = [f for p in catalog().values() for f in p.all_fields() if f["type"] == "group"]
    assert groups and all("{n}" in g["item_label"]["vi"] and "{n}" in g["item_label"]["en"] for g in groups)


async def test_household_members_page_lists_the_added_member(app_db) -> None:
    with Session(app_db, expire_on_commit=False) as db:
        mai = _user(db, "0903123456", "Lê Thị Mai")
        dossier = service.start_draft(db, mai, "tam_tru")
        service.save_page(db, mai, dossier.id, "members", {"members": [MEMBER]})
        db.commit()
    sub = _states(_cookie(mai), {"dossier_id": str(dossier.id), "step": "members"})
    wizard = sub(WizardState)
    await WizardState.load.fn(wizard)
    assert wizard.loaded and wizard.group_id == "members"
    assert [(row.label_vi, row.label_en) for row in wizard.group_items] == [("Thành viên 1", "Member 1")]
