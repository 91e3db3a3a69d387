"""The routing release's migration on a database with reports: columns added in place (a copied table could not be
dropped while events reference it), each official step credited to an agency, ward keys without "phường"."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from citizen_app.core.db import make_engine
from citizen_app.feedback.models import FeedbackEvent, FeedbackReport
from citizen_app.identity.models import Agency, UserAccount
from tests.unit.feedback.test_remask import _add, _alembic

BEFORE = "5b8e2d41c7a9"  # the schema before this release


def test_existing_steps_get_their_agency_and_wards_their_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _alembic(url, tmp_path, "upgrade", BEFORE)
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            agency = _add(db, Agency(code="ubnd-ban-co", name_vi="UBND phường Bàn Cờ", name_en="Ban Co", kind="ward",
                                     ward="Bàn Cờ"))
            official = _add(db, UserAccount(full_name="Phạm Văn Bình", agency_id=agency))
            report = _add(db, FeedbackReport(category_code="garbage", agency_code="so-gtvt", title="Rác",
                                             description="", public_title="Rác", public_description="",
                                             ward="phường Bàn Cờ", ward_key="phuong ban co", search_folded=""))
            _add(db, FeedbackEvent(report_id=report, kind="received"))
            _add(db, FeedbackEvent(report_id=report, kind="accepted", actor_id=official, actor_role="official"))
            _add(db, FeedbackEvent(report_id=report, kind="response", actor_role="admin"))
            db.commit()
        _alembic(url, tmp_path, "upgrade", "head")
        with engine.connect() as conn:
            steps = conn.execute(sa.text("SELECT kind, agency_code, target_code FROM feedback_event ORDER BY id")).all()
            row = conn.execute(sa.text("SELECT ward_key, team_code, assignee_id, pending_agency_code "
                                       "FROM feedback_report")).one()
        assert [tuple(s) for s in steps] == [("received", "", ""), ("accepted", "ubnd-ban-co", ""),
                                             ("response", "so-gtvt", "")]
        assert tuple(row) == ("ban co", "", None, None)
    finally:
        engine.dispose()
