"""Reports stored before the masker improved are masked again (the release's migration runs ``remask_all``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from citizen_app.core.db import make_engine
from citizen_app.feedback.models import FeedbackEvent, FeedbackReport, FeedbackSearchToken, FeedbackUpdate
from citizen_app.feedback.remask import remask_all
from citizen_app.feedback.text import MASK
from citizen_app.identity.models import UserAccount

ROOT = Path(__file__).resolve().parents[3]
OLD_DESCRIPTION = "Ổ gà. sđt0912345678, khoa.nguyen＠example.com"  # what the old masker let through
HOTLINE_REPLY = f"Đã gọi anh số {MASK}. Đường dây nóng {MASK}. Zalo anh: zalo0912345678"  # masked the old way


def _add(db: Session, row: SQLModel) -> int:
    """Insert ``row`` with only the columns the database has: the migration test seeds a schema older than the
    models (later releases add columns)."""
    table = row.__table__  # type: ignore[attr-defined]
    present = {column["name"] for column in sa.inspect(db.connection()).get_columns(table.name)}
    values = {c.name: getattr(row, c.name) for c in table.columns if c.name in present and c.name != "id"}
    old = sa.table(table.name, *(sa.column(name) for name in [*values, "id"]))
    return db.execute(old.insert().values(**values).returning(old.c.id)).scalar_one()


def seed_old_rows(db: Session) -> int:
    """A report as the old code stored it: public copies equal to the leaky originals, an Open311 title cut
    inside a phone number, an agency reply whose hotline the old masker hid, a citizen's note that leaked."""
    citizen_id = _add(db, UserAccount(full_name="Nguyễn Minh Khoa", phone="0912345678"))
    title = "Ổ gà, gọi 0912 34"  # Open311: the first line cut at a fixed length
    report = FeedbackReport(category_code="road_damage", agency_code="so-gtvt", title=title,
                            description=title + "5 678\n" + OLD_DESCRIPTION, public_title=title,
                            public_description=title + "5 678\n" + OLD_DESCRIPTION, address="sđt0912345678",
                            public_address="sđt0912345678", ward="Bến Thành", ward_key="ben thanh",
                            reporter_id=citizen_id, public_response=HOTLINE_REPLY, search_folded="")
    report_id = _add(db, report)
    _add(db, FeedbackEvent(report_id=report_id, kind="info_added", text="zalo0912345678",
                           public_text="zalo0912345678"))
    _add(db, FeedbackEvent(report_id=report_id, kind="response", actor_role="official",
                           text="Đã gọi anh số 0912345678. Đường dây nóng 028 3822 1234. Zalo anh: zalo0912345678",
                           public_text=HOTLINE_REPLY))
    db.execute(sa.table("feedback_search_token", sa.column("token"), sa.column("report_id"),
                        sa.column("category_code")).insert().values(token="sdt0912345678", report_id=report_id,
                                                                     category_code="road_damage"))
    db.commit()
    return report_id


def check_masked(db: Session, report_id: int) -> None:
    db.expire_all()
    report = db.get(FeedbackReport, report_id)
    assert report.public_title == "Ổ gà, gọi"
    assert report.public_description == f"Ổ gà, gọi {MASK}\nỔ gà. sđt{MASK}, {MASK}"
    assert report.public_address == f"sđt{MASK}"
    # the agency's reply stays as published, except the reporter's number quoted in it
    assert report.public_response == f"Đã gọi anh số {MASK}. Đường dây nóng {MASK}. Zalo anh: zalo{MASK}"
    events = db.exec(select(FeedbackEvent).where(FeedbackEvent.report_id == report_id)
                     .order_by(FeedbackEvent.id)).all()
    assert [e.public_text for e in events] == [f"zalo{MASK}", report.public_response]
    tokens = db.exec(select(FeedbackSearchToken.token).where(FeedbackSearchToken.report_id == report_id)).all()
    assert "sdt0912345678" not in tokens and {"ga", "sdt"} <= set(tokens)
    assert "0912" not in report.search_folded


def test_remask_all_hides_what_the_old_masker_let_through(engine) -> None:
    with Session(engine) as db:
        report_id = seed_old_rows(db)
    with engine.begin() as conn:
        assert remask_all(conn, batch=1) == 1
    with engine.begin() as conn:
        assert remask_all(conn) == 0  # idempotent
    with Session(engine) as db:
        check_masked(db, report_id)


def _alembic(url: str, tmp_path: Path, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(tmp_path / "instance")}
    subprocess.run([str(Path(sys.executable).parent / "alembic"), *args], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)


def test_the_migration_masks_existing_reports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"  # its own database: never the shared TEST_DATABASE_URL
    _alembic(url, tmp_path, "upgrade", "e6e55c624e0f")  # the schema before this release
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            report_id = seed_old_rows(db)
        _alembic(url, tmp_path, "upgrade", "head")
        with Session(engine) as db:
            check_masked(db, report_id)
    finally:
        engine.dispose()


def test_remask_covers_public_updates(engine) -> None:
    """A citizen's update stored with a leaky public copy is masked again, and the agency's reply quoting it too."""
    with Session(engine) as db:
        report_id = seed_old_rows(db)
        author = db.exec(select(UserAccount.id)).first()
        db.add(FeedbackUpdate(report_id=report_id, author_id=author, text="Gọi 0987.654.321 nhé",
                              public_text="Gọi 0987.654.321 nhé"))
        report = db.get(FeedbackReport, report_id)
        report.public_response = "Đã gọi 0987.654.321."
        db.commit()
    with engine.begin() as conn:
        remask_all(conn)
    with Session(engine) as db:
        assert db.exec(select(FeedbackUpdate.public_text)).one() == f"Gọi {MASK} nhé"
        assert db.get(FeedbackReport, report_id).public_response == f"Đã gọi {MASK}."
