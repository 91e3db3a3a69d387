"""Connect the feedback board to notifications, once per process (``install()``, run by ``registry.install_wiring``).

``service.NOTICE`` -> ``citizen_app.notify.service.notify`` on topic ``feedback_updates``: one in-app
notification (and a push per subscribed device) for every recipient of a public change. It runs in the
acting transaction inside a savepoint, so a notification problem never undoes the citizen's or the
official's action.

The report page's frame (``report_frame.py``) is registered for the build and the page route.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from citizen_app.core.page_frames import register_frame
from citizen_app.feedback import service
from citizen_app.feedback.catalog import load_catalog
from citizen_app.feedback.report_frame import REPORT_FRAME
from citizen_app.i18n.catalog import catalog as messages
from citizen_app.notify.service import notify

log = logging.getLogger(__name__)
TOPIC = "feedback_updates"
TITLE_KEY = "feedback.notice_title"


def _params(notice: service.FeedbackNotice) -> dict[str, str | int]:
    """Only plain values (labels come in both languages: ``stage_vi``/``stage_en``, rendered in the reader's)."""
    params: dict[str, str | int] = {k: v for k, v in notice.params.items() if isinstance(v, str | int)}
    params.setdefault("report_id", notice.report_id)
    return params


def send_notice(db: Session, notice: service.FeedbackNotice) -> None:
    body = notice.message_key if notice.message_key in messages() else "feedback.notice_status_changed"
    params = _params(notice)
    for user_id in notice.user_ids:
        try:
            with db.begin_nested():
                notify(db, user_id, TOPIC, TITLE_KEY, body, params, notice.url or "/feedback")
        except Exception:  # a notification problem must not undo the action
            log.exception("feedback: notify failed for report %s", notice.report_id)


def install() -> None:
    load_catalog()  # a broken data file stops start-up, not a request
    service.NOTICE.connect(send_notice)
    register_frame(REPORT_FRAME)
