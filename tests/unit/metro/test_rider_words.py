"""What the rider reads about a ticket: a used single ticket says so, and a pass says before purchase when it
ends, from the product's validity in data/metro/metro.json (the same rule that sets ``valid_until``)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from citizen_app.core.timeutil import to_local
from citizen_app.i18n.state import both
from citizen_app.metro import purchase, tickets
from citizen_app.metro.catalog import data
from citizen_app.metro.gate import PHASE_DONE, PHASE_IN
from citizen_app.metro.state import MetroTicketsState
from tests.unit.metro.helpers import NOW, buy, make_user


def test_a_used_single_ticket_says_used(db: Session) -> None:
    uid = make_user(db)
    single, _ = buy(db, uid)
    day, _ = buy(db, uid, "day_1", origin=None, destination=None)
    assert tickets.status_key(single) == "metro.status.active"
    single.phase = PHASE_IN
    assert tickets.status_key(single) == "metro.status.active"  # on its journey: still valid for the way out
    single.phase = PHASE_DONE
    assert tickets.status_key(single) == "metro.status.used"
    row = MetroTicketsState._purchase_row(single)
    assert (row["status_vi"], row["status_en"], row["active"]) == ("Đã sử dụng", "Used", "")
    day.phase = PHASE_DONE  # a pass only finished one journey: it is still valid
    assert tickets.status_key(day) == "metro.status.active"


def test_passes_say_when_they_end_before_purchase() -> None:
    products = data().products
    key, params = purchase.validity_rule(products["day_1"])
    assert both(key, **params)["vi"] == "Hết hạn lúc 23:59 ngày mua (không phải 24 giờ sau khi mua)."
    key, params = purchase.validity_rule(products["day_3"])
    assert both(key, **params)["en"] == "Valid 3 days counting the day bought; ends at 23:59 on day 3."
    key, params = purchase.validity_rule(products["single"])
    assert both(key, **params)["vi"] == "Dùng trong ngày mua, đến 23:59."


def test_the_words_match_the_validity_given_at_purchase(db: Session) -> None:
    uid = make_user(db)
    late = NOW + timedelta(hours=13, minutes=30)  # 22:30 in Ho Chi Minh City
    day, _ = buy(db, uid, "day_1", origin=None, destination=None, now=late)
    end = to_local(day.valid_until)
    assert (end.date(), end.strftime("%H:%M")) == (to_local(late).date(), "23:59")  # not 24 hours later
    three, _ = buy(db, uid, "day_3", origin=None, destination=None, now=late)
    assert to_local(three.valid_until).date() == to_local(late).date() + timedelta(days=2)
