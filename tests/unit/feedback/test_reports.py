import json

import pytest
from sqlmodel import func, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.feedback import service
from citizen_app.feedback.models import (
    FeedbackAudit,
    FeedbackEvent,
    FeedbackFollow,
    FeedbackReport,
    FeedbackSearchToken,
)
from tests.unit.feedback.fixtures import BEN_THANH, new_report, png_bytes, report_input


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_create_report_masks_indexes_follows_and_notifies(db, world, notices):
    photo = service.upload_photo(db, world.citizen, png_bytes())
    report = new_report(db, world.citizen, photo_ids=[photo.id], hide_name=True)
    assert report.stage == "received" and report.is_open and report.agency_code == "so-gtvt"
    assert "0901 234 567" in report.description and "0901 234 567" not in report.public_description
    assert json.loads(report.attributes_json) == {"severity": "high"}
    assert report.due_at is not None and report.due_at > report.created_at
    tokens = set(db.exec(select(FeedbackSearchToken.token).where(FeedbackSearchToken.report_id == report.id)).all())
    assert {"duong", "le", "loi", "ga"} <= tokens and "0901" not in tokens
    assert db.exec(select(FeedbackFollow).where(FeedbackFollow.user_id == world.citizen)).one()
    assert photo.report_id == report.id
    assert [n.kind for n in notices] == ["report_received"] and notices[0].user_ids == (world.official,)
    assert db.exec(select(FeedbackAudit)).one().action == "create"


@pytest.mark.parametrize("overrides,key", [
    ({"title": ""}, "feedback.title_required"),
    ({"title": "x" * 201}, "feedback.title_too_long"),
    ({"description": ""}, "feedback.description_required"),
    ({"description": "a" * 4001}, "feedback.description_too_long"),
    ({"lat": None, "lon": None}, "feedback.location_required"),
    ({"lat": 21.03, "lon": 105.85}, "feedback.location_outside_city"),
    ({"lat": "abc", "lon": 106.7}, "feedback.location_required"),
    ({"lat": 95, "lon": 106.7}, "feedback.location_invalid"),
    ({"category_code": "nope"}, "feedback.category_unknown"),
    ({"category_code": "fire_emergency"}, "feedback.emergency_call"),
    ({"attributes": {}}, "feedback.attribute_required"),
    ({"attributes": {"severity": "huge"}}, "feedback.attribute_invalid"),
    ({"attributes": {"severity": "low", "x": "1"}}, "feedback.attribute_unknown"),
    ({"address": "a" * 301}, "feedback.address_too_long"),
])
def test_bad_input_is_refused_and_nothing_stored(db, world, overrides, key):
    with pytest.raises(DomainError) as exc:
        service.create_report(db, world.citizen, report_input(**overrides))
    assert exc.value.code == key
    db.rollback()
    assert count(db, FeedbackReport) == 0 and count(db, FeedbackEvent) == 0


def test_at_most_five_photos_and_only_own_unused_photos(db, world):
    ids = [service.upload_photo(db, world.citizen, png_bytes()).id for _ in range(6)]
    with pytest.raises(DomainError) as exc:
        service.create_report(db, world.citizen, report_input(photo_ids=ids))
    assert exc.value.code == "feedback.too_many_photos"
    foreign = service.upload_photo(db, world.neighbour, png_bytes())
    with pytest.raises(DomainError) as exc:
        service.create_report(db, world.citizen, report_input(photo_ids=[foreign.id]))
    assert exc.value.code == "feedback.photo_not_yours"
    first = new_report(db, world.citizen, photo_ids=ids[:2])
    assert first.id
    with pytest.raises(DomainError):
        service.create_report(db, world.citizen, report_input(photo_ids=[ids[0]]))


def test_login_required(db, world):
    with pytest.raises(NotAllowed):
        service.create_report(db, None, report_input())


def test_drafts_round_trip_and_are_removed_on_submit(db, world):
    assert service.load_draft(db, world.citizen) is None
    service.save_draft(db, world.citizen, {"title": "Nháp", "category_code": "flooding"})
    assert service.load_draft(db, world.citizen) == {"title": "Nháp", "category_code": "flooding"}
    with pytest.raises(DomainError):
        service.save_draft(db, world.citizen, {"evil": 1})
    with pytest.raises(DomainError):
        service.save_draft(db, world.citizen, {"description": "a" * 4001})
    new_report(db, world.citizen)
    assert service.load_draft(db, world.citizen) is None


def test_forged_report_ids_are_not_found(db, world):
    for raw in ("999", "-1", "abc", "1; DROP TABLE x", "99999999999999999999999"):
        with pytest.raises(NotFound):
            service.get_report(db, raw)


def test_duplicate_suggestions_same_category_within_radius(db, world):
    near = new_report(db, world.citizen)
    new_report(db, world.citizen, lat=BEN_THANH[0] + 0.0018)  # ~200 m
    new_report(db, world.citizen, lat=BEN_THANH[0] + 0.0030)  # ~330 m
    new_report(db, world.citizen, category_code="garbage", attributes={})
    found = service.suggest_duplicates(db, "road_damage", BEN_THANH[0] + 0.0001, BEN_THANH[1])
    assert [c.report_id for c in found][0] == near.id and len(found) == 2
    assert all(c.distance_m <= 250 for c in found)
    for _ in range(6):
        new_report(db, world.neighbour)
    assert len(service.suggest_duplicates(db, "road_damage", *BEN_THANH)) == 5


def test_me_too_once_per_account_and_follows(db, world):
    report = new_report(db, world.citizen)
    service.me_too(db, world.neighbour, report.id)
    assert report.me_too_count == 1
    assert db.exec(select(FeedbackFollow).where(FeedbackFollow.user_id == world.neighbour)).one()
    with pytest.raises(DomainError) as exc:
        service.me_too(db, world.neighbour, report.id)
    assert exc.value.code == "feedback.me_too_already"
    with pytest.raises(DomainError) as exc:
        service.me_too(db, world.citizen, report.id)
    assert exc.value.code == "feedback.me_too_own"


def test_area_subscriptions_notify_on_new_reports(db, world, notices):
    service.subscribe_area(db, world.neighbour, ward="bến thành")
    service.subscribe_area(db, world.stranger, lat=BEN_THANH[0], lon=BEN_THANH[1], radius_m=100,
                           category_code="flooding")
    new_report(db, world.citizen)
    area = [n for n in notices if n.kind == "area_new_report"]
    assert len(area) == 1 and area[0].user_ids == (world.neighbour,)
    new_report(db, world.citizen, category_code="flooding", attributes={}, ward="")
    area = [n for n in notices if n.kind == "area_new_report"]
    assert area[-1].user_ids == (world.stranger,)
    with pytest.raises(DomainError):
        service.subscribe_area(db, world.stranger, lat=BEN_THANH[0], lon=BEN_THANH[1], radius_m=10_000)
    assert len(service.list_area_subscriptions(db, world.stranger)) == 1


def test_ward_typed_with_a_phone_number_is_masked_on_the_board(db, world):
    report = new_report(db, world.citizen, ward="Bến Thành, gọi 0901 234 567")
    assert "0901" not in report.ward and "0901" not in report.ward_key
    assert report.ward.startswith("Bến Thành")
