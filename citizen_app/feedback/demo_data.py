"""A few published sample reports in phường Bàn Cờ for `make run` (idempotent: keyed by title). They are routed by
``data/feedback/routing.json`` like any report: the ward's, since none is on a main road."""

from __future__ import annotations

import io

from PIL import Image
from sqlmodel import Session, select

from citizen_app.feedback import backoffice, routing, service
from citizen_app.feedback.models import FeedbackReport
from citizen_app.identity.models import UserAccount

WARD = "Bàn Cờ"
OFFICIAL = "0938000001"  # Phạm Văn Bình, UBND phường Bàn Cờ


def _photo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 360), colour).save(out, "JPEG")
    return out.getvalue()


def _report(db: Session, user: UserAccount, title: str, **fields: object) -> FeedbackReport | None:
    if db.exec(select(FeedbackReport.id).where(FeedbackReport.title == title)).first() is not None:
        return None
    data = service.ReportInput(title=title, ward=WARD, **fields)  # type: ignore[arg-type]
    return service.create_report(db, user.id, data)


def _fixed_and_rated(db: Session, users: dict[str, UserAccount]) -> None:
    mai, binh = users["0903123456"], users[OFFICIAL]
    report = _report(
        db,
        mai,
        "Rác tồn đọng đầu hẻm 69 Nguyễn Đình Chiểu",
        category_code="garbage",
        description="Rác sinh hoạt để ở đầu hẻm 3 ngày chưa thu gom, bốc mùi.",
        lat=10.77455,
        lon=106.68420,
        address="Đầu hẻm 69 Nguyễn Đình Chiểu",
    )
    if report is None:
        return
    backoffice.accept_report(db, binh.id, report.id, priority=2)
    backoffice.post_public_response(db, binh.id, report.id, "Phường đã liên hệ đơn vị thu gom rác để xử lý trong ngày.")
    after = service.upload_photo(db, binh.id, _photo((90, 140, 90)), kind="after")
    backoffice.close_report(
        db, binh.id, report.id, "fixed", "Đã thu gom toàn bộ rác và nhắc hộ dân đổ rác đúng giờ.", [after.id]
    )
    service.confirm_resolution(db, mai.id, report.id)
    service.rate_report(db, mai.id, report.id, 5, "Xử lý nhanh")


def seed(db: Session, users: dict[str, UserAccount]) -> None:
    _fixed_and_rated(db, users)
    report = _report(
        db,
        users["0912000002"],
        "Quán lấn chiếm vỉa hè đường Vườn Chuối",
        category_code="sidewalk",
        description="Quán nước bày bàn ghế kín vỉa hè, người đi bộ phải xuống lòng đường.",
        lat=10.77510,
        lon=106.68290,
        address="Vườn Chuối, gần chợ Bàn Cờ",
    )
    if report is not None:
        backoffice.accept_report(db, users[OFFICIAL].id, report.id)
        routing.assign_report(db, users[OFFICIAL].id, report.id, "team:trat-tu-do-thi")
        backoffice.start_work(db, users[OFFICIAL].id, report.id, "Tổ trật tự đô thị phường sẽ kiểm tra trong tuần.")
    _report(
        db,
        users["0912000001"],
        "Đèn đường không sáng trước chợ Bàn Cờ",
        category_code="streetlight",
        description="Hai cột đèn trước cổng chợ tắt cả tuần nay, buổi tối rất tối.",
        hide_name=True,
        lat=10.77540,
        lon=106.68340,
        address="Cổng chợ Bàn Cờ",
    )
    db.flush()
