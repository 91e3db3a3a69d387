"""/feedback/new draws its form anew (``version``, the form's key) only when the values to show change: a redraw
made when the page's load arrives would drop what the person chose or typed in the meantime."""

from __future__ import annotations

from citizen_app.core.db import session_scope
from citizen_app.feedback import service
from citizen_app.feedback.state import NewReportState
from tests.unit.feedback.test_state_authorization import _as, ids  # noqa: F401 - a fixture


async def test_the_form_is_drawn_anew_only_for_other_values(ids) -> None:  # noqa: F811
    state = _as(ids["citizen"])(NewReportState)
    await NewReportState.load.fn(state)
    assert state.version == 0  # no kept draft: the form as first drawn stays, with what was typed into it

    with session_scope() as db:
        service.save_draft(db, ids["citizen"], {"category_code": "road_damage", "title": "Ổ gà",
                                                 "attributes": {"severity": "high"}})
    await NewReportState.load.fn(state)
    assert (state.version, state.d_title, state.d_category) == (1, "Ổ gà", "road_damage")  # the kept draft shown
    await NewReportState.load.fn(state)
    assert state.version == 1  # the same values: not drawn again

    with session_scope() as db:
        service.delete_draft(db, ids["citizen"])
    await NewReportState.load.fn(state)
    assert (state.version, state.d_title) == (2, "")  # the draft went (sent): its values are cleared
