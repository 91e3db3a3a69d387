"""The board's state shows what its URL says and navigates to the URL of what the citizen asks for (issue 22):
a filtered board can be bookmarked and shared."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session

from citizen_app.feedback import service
from citizen_app.feedback.state import BoardState
from tests.unit.feedback.fixtures import make_user, report_input, seed_agencies


def _board(query: dict[str, str]) -> BoardState:
    root = rx.State()
    root.router = RouterData.from_router_data({"headers": {}, "pathname": "/feedback", "query": query})
    return root.get_substate(BoardState.get_full_name().split(".")[1:])


def _target(event) -> str | None:
    return None if event is None else dict((k._js_expr, v._var_value) for k, v in event.args)["path"]


def test_the_board_shows_its_url_and_goes_to_the_url_it_asks_for(app_db) -> None:
    with Session(app_db) as db:
        seed_agencies(db)
        citizen = make_user(db, "Trần Thu Hà", phone="0912000002")
        road = service.create_report(db, citizen, report_input()).id
        service.create_report(db, citizen, report_input(category_code="flooding", attributes={},
                                                        title="Nước ngập tới gối", description="Ngập sau mưa"))
        db.commit()
    state = _board({"q": "pothole", "status": "new", "ward": "Bến Thành"})
    BoardState.load.fn(state)
    assert (state.f_q, state.f_status, state.f_ward, state.error) == ("pothole", "new", "Bến Thành", {})
    assert [item.id for item in state.items] == [str(road)] and state.items[0].category_hit
    assert _target(BoardState.apply.fn(state, {"q": "flood", "status": "", "category": "", "ward": "",
                                               "agency": "", "from": "", "to": "", "sort": "newest"})) \
        == "/feedback?q=flood"
    same = {"q": "pothole", "status": "new", "ward": "Bến Thành", "page": "7"}  # the form has no page: ignored
    assert BoardState.apply.fn(state, same) is None and state.page == 1  # already there: refreshed in place
    BoardState.suggest.fn(state, "pothol")
    assert [s["value"] for s in state.suggestions] == ["pothole"]
    BoardState.suggest.fn(state, "pothole")  # already on the board: nothing to offer
    assert state.suggestions == []
    BoardState.suggest.fn(state, "pothole ng")
    assert [s["value"] for s in state.suggestions] == ["pothole ngập"]
    assert state.suggestions[0]["category_en"] == "Flooding, blocked drains"
    assert _target(BoardState.pick.fn(state, "ổ gà")) == \
        "/feedback?q=%E1%BB%95+g%C3%A0&status=new&ward=B%E1%BA%BFn+Th%C3%A0nh"  # the other filters stay
    assert state.suggestions == []
    assert _target(BoardState.clear.fn(state)) == "/feedback"
    assert BoardState.apply.fn(state, {"status": "maybe"}) is None and state.error["en"]


def test_a_broken_link_says_so_instead_of_guessing(app_db) -> None:
    state = _board({"status": "whatever", "from": "yesterday"})
    BoardState.load.fn(state)
    assert state.items == [] and state.error["vi"]


def test_loading_the_board_keeps_a_search_box_being_typed_in(app_db) -> None:
    """The search form is keyed by ``version``: moving it re-renders the form and wipes what the citizen is typing.
    A load only moves it when the URL asks the form to show other values (a shared link, back and forward)."""
    state = _board({})
    first = state.version
    BoardState.load.fn(state)  # the page's first load, arriving while the citizen types
    assert state.version == first
    BoardState.load.fn(state)  # the same URL again
    assert state.version == first
    state.router = RouterData.from_router_data({"headers": {}, "pathname": "/feedback", "query": {"q": "flood"}})
    BoardState.load.fn(state)  # back or forward to a search: the form shows it
    assert state.version == first + 1 and state.f_q == "flood"
    assert _target(BoardState.clear.fn(state)) == "/feedback" and state.version == first + 2
