"""The report page's public updates: list them, add one (text, photos, name hidden on request), and hide or
restore one for a moderator of the handling agency. Who may do what is decided by ``updates``, not here."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx
from sqlmodel import Session

from citizen_app.core.db import read_scope
from citizen_app.core.errors import DomainError
from citizen_app.feedback import board, updates, views
from citizen_app.feedback.board import viewer_may_see
from citizen_app.feedback.state import FeedbackFormState, store_photos, text, to_int
from citizen_app.feedback.views import Row, UpdateRowView
from citizen_app.identity.state import acting_user
from citizen_app.ui.params import int_param

UPLOAD_ID = "fb-update-photos"


class UpdatesState(FeedbackFormState, rx.State):
    report_id: int = 0
    updates: list[UpdateRowView] = []
    can_add: bool = False
    can_moderate: bool = False
    photos: list[Row] = []
    version: int = 0

    _photo_ids: list[int] = []

    @rx.event
    async def load(self):
        """The updates alone (the report page's load, ``ReportState.load``, fills them in its own read)."""
        self._start(int_param(self, "report_id"))
        await self._refresh()

    def _start(self, report_id: int) -> None:
        self.error, self.notice, self.busy = {}, {}, False
        self.report_id = report_id
        self._photo_ids, self.photos = [], []

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        with read_scope() as db:
            try:
                report = board.page_report(db, self.report_id)
            except DomainError:
                report = None
            self._fill(db, report, user_id)

    def _fill(self, db: Session, report: Any, user_id: int | None) -> None:
        """The updates of ``report`` (``board.page_report``'s row; None: not found) as ``user_id`` may see them,
        read in ``db``."""
        try:
            if report is None or not viewer_may_see(db, user_id, report):
                raise DomainError("feedback.report_not_found")
            can_add, can_moderate = updates.may_add(report, user_id), updates.may_moderate(db, report, user_id)
            rows = views.update_rows(updates.report_updates(db, report, user_id, can_moderate))
        except DomainError:
            self.updates, self.can_add, self.can_moderate = [], False, False
            return
        self.updates, self.can_add, self.can_moderate = rows, can_add, can_moderate

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        user_id, _ = await acting_user(self)
        try:
            ids = await store_photos(user_id, files, "update", updates.MAX_UPDATE_PHOTOS - len(self._photo_ids))
        except DomainError as exc:
            self._fail(exc)
            return rx.clear_selected_files(UPLOAD_ID)
        self._photo_ids = [*self._photo_ids, *ids]
        self.photos = views.upload_rows(self._photo_ids)
        self._ok("feedback.ui.photo_added", n=len(ids))
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    def remove_photo(self, photo_id: str):
        self._photo_ids = [p for p in self._photo_ids if p != to_int(photo_id)]
        self.photos = views.upload_rows(self._photo_ids)

    @rx.event
    async def add(self, form: dict):
        photo_ids = list(self._photo_ids)
        add = partial(updates.add_update, hide_name=bool(form.get("update_hide_name")))
        if await self._run(add, self.report_id, text(form, "update", 2100), photo_ids, done="feedback.ui.update_added"):
            self._photo_ids, self.photos = [], []
            self.version += 1
            await self._refresh()

    @rx.event
    async def hide(self, form: dict):
        if await self._run(updates.hide_update, to_int(form.get("update_id")), text(form, "hide_reason", 600),
                           done="feedback.ui.update_hidden"):
            await self._refresh()

    @rx.event
    async def restore(self, update_id: str):
        if await self._run(updates.restore_update, to_int(update_id), done="feedback.ui.update_restored"):
            await self._refresh()
