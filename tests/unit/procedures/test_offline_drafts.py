"""Answers typed offline on a draft's page are kept on the phone and saved when the connection returns
(service.keep_page_answers, POST /api/procedures/dossiers/{id}/pages/{page}/draft): what is valid is kept even
if the page is not finished, a wrong answer is left out, and only who may edit the draft may save it."""

from __future__ import annotations

import pytest

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.procedures import service
from tests.unit.procedures.conftest import MAI_PAGES, MORNING


def _draft(db, world) -> int:
    dossier = service.start_draft(db, world.mai.id, "tam_tru_danh_sach")
    db.commit()
    return dossier.id


def test_a_half_filled_page_is_kept(db, world) -> None:
    dossier_id = _draft(db, world)
    kept = service.keep_page_answers(db, world.mai.id, dossier_id, "place",
                                     {"residence_address": "12 Nguyễn Đình Chiểu, khu phố 3"}, now=MORNING)
    assert kept.kept == ["residence_address"] and kept.refused == []
    answers = service.load_dossier(db, dossier_id).answers
    assert answers["residence_address"] == "12 Nguyễn Đình Chiểu, khu phố 3"
    with pytest.raises(service.FormInvalid):  # "Continue" still wants the whole page
        service.save_page(db, world.mai.id, dossier_id, "place", {}, now=MORNING)


def test_a_wrong_answer_is_left_out_and_the_rest_kept(db, world) -> None:
    dossier_id = _draft(db, world)
    owner = {**MAI_PAGES["owner"], "personal_id": "12AB", "date_of_birth": "31/02/1968"}
    kept = service.keep_page_answers(db, world.mai.id, dossier_id, "owner", owner, now=MORNING)
    assert kept.refused == ["date_of_birth", "personal_id"]
    assert {"full_name", "phone", "sex", "owner_role"} <= set(kept.kept)
    answers = service.load_dossier(db, dossier_id).answers
    assert answers["full_name"] == "Nguyễn Thị Mai" and answers["phone"] == "0912345678"
    assert answers.get("personal_id") != "12AB"


def test_a_group_page_keeps_its_people(db, world) -> None:
    """The form of a group page adds one person; keeping its fields must not empty the list."""
    dossier_id = _draft(db, world)
    service.save_page(db, world.mai.id, dossier_id, "tenants", MAI_PAGES["tenants"], now=MORNING)
    service.keep_page_answers(db, world.mai.id, dossier_id, "tenants", {"full_name": "Người mới"}, now=MORNING)
    assert len(service.load_dossier(db, dossier_id).answers["tenants"]) == 2


def test_only_who_may_edit_the_draft_saves_it(db, world) -> None:
    dossier_id = _draft(db, world)
    with pytest.raises(NotAllowed):
        service.keep_page_answers(db, world.citizen.id, dossier_id, "place", {"residence_address": "x"})
    with pytest.raises(NotAllowed):
        service.keep_page_answers(db, None, dossier_id, "place", {"residence_address": "x"})
    with pytest.raises(DomainError, match="procedures.err_unknown_page"):
        service.keep_page_answers(db, world.mai.id, dossier_id, "attachments", {})
    assert "residence_address" not in service.load_dossier(db, dossier_id).answers
