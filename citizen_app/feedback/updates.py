"""Public updates on a report, as on FixMyStreet: while a report is open, its reporter and any other citizen may
add a few words or photos ("the hole is bigger now", a new photo). Updates are masked like reports (the original
stays for officials, the board shows ``public_text``) and moderated like reports: an official of the handling
agency may hide one with a reason, and restore it. The author may hide their name from the public.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, func, select

from citizen_app.core.db import run
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.feedback.models import FeedbackPhoto, FeedbackReport, FeedbackUpdate
from citizen_app.feedback.service import (
    Actor,
    agency_officials,
    audience,
    audit,
    can_handle,
    check_text,
    claim_photos,
    emit,
    follow_report,
    get_report,
    load_actor,
    may_handle,
)
from citizen_app.feedback.text import mask_personal
from citizen_app.identity.models import UserAccount

MAX_UPDATE = 2000
MAX_UPDATE_PHOTOS = 3
MAX_UPDATES_PER_DAY = 5  # per citizen and report: enough to follow a repair, too few to flood a report
MAX_REASON = 500


@dataclass(frozen=True)
class UpdateView:
    """One update as a viewer may see it: ``author`` is None when the name is hidden from this viewer."""

    update_id: int
    at: datetime
    author: str | None
    name_hidden: bool
    text: str
    photo_ids: tuple[int, ...]
    hidden: bool
    hidden_reason: str
    mine: bool


def may_add(report: FeedbackReport, user_id: int | None) -> bool:
    """The rule for showing the form: logged in, and the report is open and on the board."""
    return user_id is not None and report.is_open and not report.hidden


def may_moderate(db: Session, report: FeedbackReport, user_id: int | None) -> bool:
    """The viewer handles the report (an official of its agency, an admin): one Core read, not a whole actor."""
    return may_handle(db, user_id, report)


def add_update(db: Session, user_id: int | None, report_id: int | str, text: str, photo_ids: Iterable[int] = (),
               *, hide_name: bool = False, now: datetime | None = None) -> FeedbackUpdate:
    """Add an update to an open report; its author follows the report from then on."""
    actor = load_actor(db, user_id)
    report = get_report(db, report_id)
    if report.hidden and report.reporter_id != actor.user_id and not can_handle(actor, report):
        raise NotFound("feedback.report_not_found")
    if not may_add(report, actor.user_id):
        raise DomainError("feedback.update_not_open")
    body = check_text(text, "update", max_len=MAX_UPDATE)
    now = now or utcnow()
    _check_rate(db, actor, report, now)
    photos = claim_photos(db, actor.user_id, photo_ids, limit=MAX_UPDATE_PHOTOS)
    if not body and not photos:
        raise DomainError("feedback.update_empty")
    update = FeedbackUpdate(report_id=report.id, author_id=actor.user_id, hide_name=bool(hide_name), text=body,
                            public_text=mask_personal(body), created_at=now)
    db.add(update)
    db.flush()
    for photo in photos:
        photo.report_id, photo.update_id, photo.kind = report.id, update.id, "update"
    report.updated_at = now
    follow_report(db, actor.user_id, report.id)
    audit(db, actor.user_id, "add_update", report.id, {}, {"update_id": update.id, "photos": [p.id for p in photos]})
    emit(db, "update_added", report, agency_officials(db, report.agency_code) | audience(db, report, actor.user_id),
         "feedback.notice_update_added")
    db.flush()
    return update


def _check_rate(db: Session, actor: Actor, report: FeedbackReport, now: datetime) -> None:
    recent = db.exec(select(func.count()).select_from(FeedbackUpdate).where(
        FeedbackUpdate.author_id == actor.user_id, FeedbackUpdate.report_id == report.id,
        col(FeedbackUpdate.created_at) >= now - timedelta(days=1))).one()
    if recent >= MAX_UPDATES_PER_DAY:
        raise DomainError("feedback.update_too_many", n=MAX_UPDATES_PER_DAY)


def _moderated(db: Session, user_id: int | None, update_id: int | str) -> tuple[Actor, FeedbackUpdate]:
    actor = load_actor(db, user_id)
    try:
        update = db.get(FeedbackUpdate, int(str(update_id)))
    except ValueError:
        update = None
    if update is None:
        raise NotFound("feedback.update_not_found")
    if not can_handle(actor, get_report(db, update.report_id)):
        raise NotAllowed("feedback.not_your_agency")
    return actor, update


def hide_update(db: Session, user_id: int | None, update_id: int | str, reason: str) -> FeedbackUpdate:
    """Take an update (and its photos) off the public page; the reason is kept and audited."""
    actor, update = _moderated(db, user_id, update_id)
    why = check_text(reason, "hide_reason", max_len=MAX_REASON, min_len=5)
    update.hidden, update.hidden_by, update.hidden_at, update.hidden_reason = True, actor.user_id, utcnow(), why
    audit(db, actor.user_id, "hide_update", update.report_id, {"update_id": update.id, "hidden": False},
          {"update_id": update.id, "hidden": True, "reason": why})
    return update


def restore_update(db: Session, user_id: int | None, update_id: int | str) -> FeedbackUpdate:
    actor, update = _moderated(db, user_id, update_id)
    before = {"update_id": update.id, "hidden": update.hidden, "reason": update.hidden_reason}
    update.hidden, update.hidden_by, update.hidden_at, update.hidden_reason = False, None, None, ""
    audit(db, actor.user_id, "restore_update", update.report_id, before, {"update_id": update.id, "hidden": False})
    return update


_UPDATE_ROWS, _USERS = FeedbackUpdate.__table__.c, UserAccount.__table__.c
_UPDATES = (sql_select(_UPDATE_ROWS.id, _UPDATE_ROWS.created_at, _UPDATE_ROWS.author_id, _UPDATE_ROWS.hide_name,
                       _UPDATE_ROWS.public_text, _UPDATE_ROWS.hidden, _UPDATE_ROWS.hidden_reason, _USERS.full_name)
            .join_from(FeedbackUpdate.__table__, UserAccount.__table__, _USERS.id == _UPDATE_ROWS.author_id)
            .where(_UPDATE_ROWS.report_id == bindparam("report_id"))
            .order_by(_UPDATE_ROWS.id))  # every report page: a Core statement built once (core/db.py)
_PHOTO_ROWS = FeedbackPhoto.__table__.c
_UPDATE_PHOTOS = (sql_select(_PHOTO_ROWS.update_id, _PHOTO_ROWS.id)
                  .where(_PHOTO_ROWS.update_id.in_(bindparam("update_ids", expanding=True))).order_by(_PHOTO_ROWS.id))


def report_updates(db: Session, report: FeedbackReport, viewer_id: int | None,
                   moderator: bool | None = None) -> list[UpdateView]:
    """The updates of a report, oldest first, as ``viewer_id`` may see them: hidden updates only to their author
    and the report's moderators, names hidden on request except from moderators. ``moderator``: what
    ``may_moderate`` said for this viewer, when the caller asked already. ``report``: the ORM object or the page's
    row (``board.page_report``)."""
    if moderator is None:
        moderator = may_moderate(db, report, viewer_id)
    rows = run(db, _UPDATES, {"report_id": report.id}).all()
    visible = [u for u in rows if not u.hidden or moderator or u.author_id == viewer_id]
    photos = _photos_of(db, [u.id for u in visible])
    views = []
    for update in visible:
        mine = viewer_id is not None and update.author_id == viewer_id
        shown = update.full_name if (not update.hide_name or moderator or mine) else None
        views.append(UpdateView(update.id, update.created_at, shown, update.hide_name, update.public_text,
                                photos.get(update.id, ()), update.hidden,
                                update.hidden_reason if moderator or mine else "", mine))
    return views


def _photos_of(db: Session, update_ids: list[int]) -> dict[int, tuple[int, ...]]:
    if not update_ids:
        return {}
    found: dict[int, tuple[int, ...]] = {}
    for update_id, photo_id in run(db, _UPDATE_PHOTOS, {"update_ids": update_ids}).all():
        found[int(update_id)] = (*found.get(int(update_id), ()), int(photo_id))
    return found
