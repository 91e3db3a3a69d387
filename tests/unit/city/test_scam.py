"""'Report this scam' goes into the feedback pillar's dedicated category (or fails cleanly without it)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from citizen_app.city import scam
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.feedback import catalog as feedback_catalog
from citizen_app.feedback import service as feedback_service
from citizen_app.feedback.models import FeedbackFollow, FeedbackReport
from tests.unit.city.helpers import make_user


@pytest.fixture()
def with_scam_category(monkeypatch: pytest.MonkeyPatch):
    real = feedback_catalog.load_catalog()
    category = dataclasses.replace(real.categories["security"], code=scam.SCAM_CATEGORY, attributes=())
    patched = dataclasses.replace(real, categories={**real.categories, scam.SCAM_CATEGORY: category})
    monkeypatch.setattr(feedback_catalog, "load_catalog", lambda: patched)
    monkeypatch.setattr(feedback_service, "load_catalog", lambda: patched)
    return patched


def test_without_category_nothing_is_written(db, monkeypatch: pytest.MonkeyPatch) -> None:
    real = feedback_catalog.load_catalog()
    without = dataclasses.replace(real, categories={k: v for k, v in real.categories.items()
                                                    if k != scam.SCAM_CATEGORY})
    monkeypatch.setattr(feedback_catalog, "load_catalog", lambda: without)
    mai = make_user(db, "0903123456", "Lê Thị Mai", "citizen")
    with pytest.raises(DomainError) as info:
        scam.report_scam(db, mai, "https://shopee-khuyenmai.xyz")
    assert info.value.code == "city.scam.category_missing"
    assert db.exec(select(FeedbackReport)).all() == []


def test_report_is_filed_and_followed(db, with_scam_category) -> None:
    mai = make_user(db, "0903123456", "Lê Thị Mai", "citizen")
    with pytest.raises(NotAllowed):
        scam.report_scam(db, None, "https://shopee-khuyenmai.xyz")
    number = scam.report_scam(db, mai, "https://shopee-khuyenmai.xyz/nhan-qua", "Họ bảo tôi nạp 500.000đ")
    db.commit()
    report = db.get(FeedbackReport, number)
    assert report.category_code == scam.SCAM_CATEGORY and report.reporter_id == mai and report.lat is None
    assert "shopee-khuyenmai.xyz" in report.title and report.hide_name
    assert db.exec(select(FeedbackFollow).where(FeedbackFollow.user_id == mai)).one().report_id == number
    with pytest.raises(DomainError):
        scam.report_scam(db, mai, "javascript:alert(1)")
