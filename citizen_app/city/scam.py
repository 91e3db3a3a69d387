"""'Report this scam': files a feedback report in the dedicated online-scam category (feedback pillar seam).

The category code lives in ``SCAM_CATEGORY``; it must exist in ``data/feedback/categories.json``
(routed to the police). Without it, reporting fails with a clear message and nothing is written.
The link or number is remembered with the report (``city_scam_target``); when the official closes the
report with the outcome ``CONFIRMED_OUTCOME``, ``on_report_closed`` adds it to the city's blacklist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from citizen_app.city import trustlists
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow

if TYPE_CHECKING:
    from citizen_app.feedback.models import FeedbackReport

SCAM_CATEGORY = "lua_dao_truc_tuyen"
CONFIRMED_OUTCOME = "scam_confirmed"
DETAILS_MAX = 2000


def scam_category_ready() -> bool:
    try:
        from citizen_app.feedback.catalog import load_catalog
    except ImportError:
        return False
    return SCAM_CATEGORY in load_catalog().categories


def report_scam(db: Session, user_id: int | None, raw: str, details: str = "", hide_name: bool = True) -> int:
    """Check the link/phone again on the server, then file the report. Returns the feedback report number."""
    if user_id is None:
        raise NotAllowed("error.login_required")
    result = trustlists.check(raw, db)
    text = (details or "").strip()
    if len(text) > DETAILS_MAX:
        raise DomainError("city.scam.details_long", max=DETAILS_MAX)
    if not scam_category_ready():
        raise DomainError("city.scam.category_missing")
    from citizen_app.feedback import service as feedback
    from citizen_app.feedback.text import shorten  # a cut never splits a phone number the masker must see

    what = result.ascii_form if result.kind == "url" else result.site
    reasons = ", ".join(r.code for r in result.reasons)
    description = (f"Đường dẫn/số điện thoại: {result.display} ({what}). Kết quả kiểm tra: {result.verdict}; "
                   f"lý do: {reasons}.\n{text}").strip()
    data = feedback.ReportInput(category_code=SCAM_CATEGORY,
                                title=shorten(f"Nghi lừa đảo trực tuyến: {result.display}", feedback.MAX_TITLE),
                                description=shorten(description, feedback.MAX_DESCRIPTION), lat=None, lon=None,
                                hide_name=hide_name, attributes={})
    checked = feedback.check_report_input(data, require_location=False)
    report = feedback.insert_report(db, checked, reporter_id=user_id, hide_name=hide_name, channel="web",
                                    now=utcnow())
    feedback.follow_report(db, user_id, report.id)
    trustlists.record_target(db, int(report.id or 0), result)
    return int(report.id or 0)


def on_report_closed(db: Session, report: FeedbackReport, actor_id: int) -> None:
    """Feedback close hook: a confirmed scam report puts its link or number on the city's blacklist."""
    if report.category_code == SCAM_CATEGORY and report.outcome == CONFIRMED_OUTCOME:
        trustlists.add_confirmed_report(db, int(report.id))
