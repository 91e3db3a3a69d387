"""Personal data on the public board (issue 17): the issue's exact examples are masked in every public copy
of a report (board list, report page, timeline, search index, city lookup), and an agency's published reply keeps
the agency's own phone number while the reporter's data quoted back in it is masked."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from sqlmodel import Session, select

from citizen_app.city.lookup import report_status
from citizen_app.feedback import backoffice, board, service, updates
from citizen_app.feedback.board import BoardFilters
from citizen_app.feedback.models import FeedbackSearchToken
from citizen_app.feedback.text import MASK
from tests.unit.feedback.fixtures import new_report, png_bytes

EXAMPLES = ["sđt0912345678", "zalo0912345678", "0912/345/678", "(091) 234 5678", "84912345678", "0912_345_678",
            "khoa.nguyen＠example.com", "CCCD 0792-0500-4321"]
LEAKY = "Ổ gà lớn ở nhà số 12, trùng #12 năm 2024. " + ", ".join(EXAMPLES) + "."
MASKED = ("Ổ gà lớn ở nhà số 12, trùng #12 năm 2024. sđt[***], zalo[***], [***], [***], [***], [***], [***], "
          "CCCD [***].")
SECRETS = ("912", "345", "678", "234", "5678", "khoa", "example", "0792", "4321")


def assert_clean(*public: str) -> None:
    shown = json.dumps(public, ensure_ascii=False)
    leaked = [s for s in SECRETS if s in shown]
    assert not leaked, f"{leaked} in {shown}"


def test_issue_examples_are_masked_in_every_public_copy(db: Session, world) -> None:
    report = new_report(db, world.citizen, title="Ổ gà, gọi 0912_345_678", description=LEAKY,
                        address="12 Lê Lợi, sđt0912345678", ward="Bến Thành zalo0912345678")
    assert report.public_description == MASKED
    assert (report.public_title, report.public_address, report.ward) == (
        f"Ổ gà, gọi {MASK}", f"12 Lê Lợi, sđt{MASK}", f"Bến Thành zalo{MASK}")
    updates.add_update(db, world.citizen, report.id, "Bổ sung: (091) 234 5678 hoặc khoa.nguyen＠example.com")
    db.commit()
    view = board.get_public_report(db, report.id)
    assert view.description == MASKED
    item = board.list_reports(db, BoardFilters()).items[0]
    hit = report_status(db, f"#{report.id}")
    shown = updates.report_updates(db, report, None)
    assert_clean(view.title, view.description, view.address, view.ward, *(e.text for e in view.timeline),
                 *(u.text for u in shown), item.title, item.excerpt, item.ward, hit.title_vi, hit.title_en)
    assert shown[-1].text == f"Bổ sung: {MASK} hoặc {MASK}"
    tokens = db.exec(select(FeedbackSearchToken.token).where(FeedbackSearchToken.report_id == report.id)).all()
    assert not [t for t in tokens if re.search(r"[0-9]{3}|khoa|example", t) and t != "2024"]
    assert board.list_reports(db, BoardFilters(q="0912345678")).items == []


def test_agency_reply_keeps_its_hotline_but_masks_the_reporters_data(db: Session, world) -> None:
    # the reporter's account phone is 0901234567; the fixture's description says "Gọi tôi 0901 234 567"
    report = new_report(db, world.citizen, description="Ổ gà sâu. E-mail khoa@example.com, zalo 0912345678.")
    hotline = "Đường dây nóng Sở GTVT: 028 3822 1234, hotline.sogtvt@tphcm.gov.vn, 1900 1234."
    backoffice.accept_report(db, world.official, report.id, priority=2, public_text=hotline)
    backoffice.start_work(db, world.official, report.id)
    reply = f"Đã gọi anh theo số +84 901.234.567 và zalo (091) 234-5678, gửi khoa＠example．com. {hotline}"
    after = service.upload_photo(db, world.official, png_bytes(), kind="after")
    backoffice.close_report(db, world.official, report.id, "fixed", reply, [after.id])
    db.commit()
    expected = f"Đã gọi anh theo số {MASK} và zalo {MASK}, gửi {MASK}. {hotline}"
    view = board.get_public_report(db, report.id)
    assert view.public_response == expected
    assert [e.text for e in view.timeline if e.by_agency] == [hotline, "", expected]


def test_refusal_and_response_keep_the_agency_number(db: Session, world) -> None:
    report = new_report(db, world.citizen)
    backoffice.post_public_response(db, world.official, report.id, "Vui lòng gọi 0283 822 1234 (giờ hành chính).")
    assert report.public_response == "Vui lòng gọi 0283 822 1234 (giờ hành chính)."
    backoffice.refuse_report(db, world.official, report.id, "Đã chuyển Công an phường, số trực ban 069 123 4567.")
    assert report.public_response == "Đã chuyển Công an phường, số trực ban 069 123 4567."


def test_an_official_writing_as_a_reporter_is_masked(db: Session, world) -> None:
    """What an official writes on their own report (as a citizen) is a citizen's text."""
    report = new_report(db, world.official, description="Nhà tôi, sđt0912345678", attributes={"severity": "low"})
    updates.add_update(db, world.official, report.id, "zalo0912345678")
    view = board.get_public_report(db, report.id)
    assert view.description == f"Nhà tôi, sđt{MASK}" and updates.report_updates(db, report, None)[-1].text == \
        f"zalo{MASK}"


async def test_public_report_page_and_board_data_carry_no_personal_data(app_db) -> None:
    """What the browser receives for the public report page and the board list (Reflex state)."""
    from reflex.istate.data import RouterData

    from citizen_app.feedback.state import BoardState, ReportState
    from citizen_app.feedback.updates_state import UpdatesState
    from tests.unit.feedback.fixtures import make_user, report_input, seed_agencies
    from tests.unit.feedback.test_state_authorization import _states

    with Session(app_db) as db:
        seed_agencies(db)
        citizen = make_user(db, "Nguyễn Minh Khoa", phone="0912000001")
        report = service.create_report(db, citizen, report_input(title="Ổ gà, sđt0912345678", description=LEAKY,
                                                                 attributes={"severity": "high"}))
        updates.add_update(db, citizen, report.id, "Thêm: zalo0912345678", hide_name=True)
        db.commit()
        report_id = report.id
    page = _states("")(ReportState)
    page.router = RouterData.from_router_data({"headers": {}, "pathname": f"/feedback/{report_id}",
                                               "query": {"report_id": str(report_id)}})
    page.report_id = report_id
    await page._refresh()
    listing = _states("")(BoardState)
    BoardState.load.fn(listing)
    shown = _states("")(UpdatesState)
    shown.router = page.router
    await UpdatesState.load.fn(shown)
    assert page.detail["description"] == MASKED and listing.items[0].title == f"Ổ gà, sđt{MASK}"
    assert shown.updates[0].text == f"Thêm: zalo{MASK}" and shown.updates[0].author == ""
    public = [page.detail, page.timeline, page.attributes, *map(asdict, listing.items), *map(asdict, shown.updates)]
    assert_clean(json.dumps(public, ensure_ascii=False))
    assert "Nguyễn Minh Khoa" not in json.dumps([asdict(u) for u in shown.updates], ensure_ascii=False)
