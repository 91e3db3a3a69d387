"""Thin Reflex states of the back office (the officials' workbench). Scoping (own agency, the ward's committee,
admins all) and every rule live in ``citizen_app.feedback.backoffice`` and ``routing``; handlers only pass the
acting user's id from the session. Which buttons show comes from ``backoffice.official_actions``."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.feedback import backoffice, routing, service, views
from citizen_app.feedback.catalog import load_catalog
from citizen_app.feedback.state import (
    MAX_UPLOAD_FILES,
    FeedbackFormState,
    lang_of,
    store_photos,
    text,
    to_int,
)
from citizen_app.feedback.views import Row
from citizen_app.identity.state import acting_user
from citizen_app.ui.params import int_param


class WorkbenchState(FeedbackFormState, rx.State):
    queue: list[Row] = []
    queues: list[Row] = []
    kind: str = "agency"
    stages: list[Row] = []
    stage: str = ""
    overdue_only: bool = False

    @rx.event
    async def load(self):
        self.error, self.notice = {}, {}
        self.stages = views.stage_options()
        await self._query()

    async def _query(self) -> None:
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                self.queues = views.queue_options(backoffice.queues_of(db, user_id))
                rows = backoffice.official_queue(
                    db, user_id, queue=self.kind, stage=self.stage or None, overdue_only=self.overdue_only, limit=100
                )
                actor = service.load_actor(db, user_id)
                self.queue = views.queue_rows(db, rows, None if actor.is_admin else actor.agency_code)
        except DomainError as exc:
            self.queue = []
            self._fail(exc)

    @rx.event
    async def show(self, kind: str):
        self.kind = kind if kind in backoffice.QUEUES else "agency"
        await self._query()

    @rx.event
    async def apply(self, form: dict):
        stage = text(form, "stage", 40)
        self.stage = stage if stage in load_catalog().stages else ""
        self.overdue_only = bool(form.get("overdue"))
        await self._query()


class CaseState(FeedbackFormState, rx.State):
    """One report as its handling official sees it: originals, reporter identity, internal notes."""

    report_id: int = 0
    found: bool = False
    case: Row = {}
    actions: list[str] = []
    reporter: Row = {}
    attributes: list[Row] = []
    photos: list[Row] = []
    events: list[Row] = []
    agencies: list[Row] = []
    assignees: list[Row] = []
    outcomes: list[Row] = []
    templates: list[Row] = []
    priorities: list[Row] = []
    response_text: str = ""
    response_version: int = 0
    after_photos: list[Row] = []

    _after_ids: list[int] = []

    @rx.event
    async def load(self):
        self.error, self.notice, self.busy = {}, {}, False
        self.report_id = int_param(self, "report_id")
        self._after_ids, self.after_photos, self.response_text = [], [], ""
        self.templates = views.template_options()
        self.priorities = views.priority_options()
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                view = backoffice.get_report_for_official(db, user_id, self.report_id)
                self._fill(db, view)
                self.agencies = views.reroute_options(db, view.report) if "reroute" in view.actions else []
                self.assignees = (
                    views.assignee_options(routing.assignees(db, view.report.agency_code))
                    if "assign" in view.actions
                    else []
                )
        except DomainError as exc:
            self.found, self.case, self.reporter, self.events, self.photos = False, {}, {}, [], []
            self.actions = []
            self._fail(exc)
            return
        self.found = True

    def _fill(self, db: Any, view: backoffice.OfficialReportView) -> None:
        report = view.report
        row = views.queue_rows(db, [report], None)[0]
        self.actions = sorted(view.actions)
        row.update(
            {
                "title": report.title if view.handling else report.public_title,
                "description": report.description if view.handling else report.public_description,
                "address": report.address if view.handling else report.public_address,
                "handling": "1" if view.handling else "",
                "lat": f"{report.lat:.5f}" if report.lat is not None else "",
                "lon": f"{report.lon:.5f}" if report.lon is not None else "",
                "stage": report.stage,
                "me_too": str(report.me_too_count),
                "response": report.public_response,
                "needs_progress": "1" if view.needs_progress_update else "",
                "overdue": "1" if view.overdue else "",
                "expected": views.format_date(report.expected_at) if report.expected_at else "",
                "hide_name": "1" if report.hide_name else "",
                "channel": report.channel,
                "rating": str(report.rating or ""),
                "rating_reason": report.rating_reason,
            }
        )
        self.case = row
        self.outcomes = views.outcome_options(report.category_code)
        contact = {k: str(v) for k, v in view.reporter_contact.items() if isinstance(v, str | int)}
        self.reporter = {
            "name": view.reporter_name or "",
            "phone": contact.get("phone", ""),
            "email": contact.get("email", ""),
            "extra": json.dumps(contact, ensure_ascii=False),
        }
        self.attributes = views.attribute_rows(report, public=not view.handling)
        self.photos = views.photo_rows(db, view.photo_ids)
        self.events = views.timeline_rows(db, view.events, internal=True)

    async def _act(self, action: Any, *args: Any, done: str) -> bool:
        ok = await self._run(action, self.report_id, *args, done=done)
        if ok:
            notice = self.notice
            await self._refresh()
            self.notice = notice
        return ok

    @rx.event
    async def accept(self, form: dict):
        await self._act(
            lambda db, uid, rid: backoffice.accept_report(
                db, uid, rid, priority=to_int(form.get("priority"), 1), public_text=text(form, "public_text")
            ),
            done="feedback.ui.done_accepted",
        )

    @rx.event
    async def refuse(self, form: dict):
        await self._act(
            lambda db, uid, rid: backoffice.refuse_report(
                db, uid, rid, text(form, "reason"), hide=bool(form.get("hide"))
            ),
            done="feedback.ui.done_refused",
        )

    @rx.event
    async def reroute(self, form: dict):
        await self._act(
            lambda db, uid, rid: routing.propose_reroute(db, uid, rid, text(form, "agency", 64), text(form, "reason")),
            done="feedback.ui.done_reroute_proposed",
        )

    @rx.event
    async def accept_reroute(self):
        await self._act(routing.accept_reroute, done="feedback.ui.done_rerouted")

    @rx.event
    async def return_reroute(self, form: dict):
        await self._act(
            lambda db, uid, rid: routing.return_reroute(db, uid, rid, text(form, "reason")),
            done="feedback.ui.done_reroute_returned",
        )

    @rx.event
    async def assign(self, form: dict):
        await self._act(
            lambda db, uid, rid: routing.assign_report(db, uid, rid, text(form, "assignee", 60)),
            done="feedback.ui.done_assigned",
        )

    @rx.event
    async def merge(self, form: dict):
        await self._act(
            lambda db, uid, rid: backoffice.merge_reports(db, uid, rid, text(form, "into", 20).lstrip("#")),
            done="feedback.ui.done_merged",
        )

    @rx.event
    async def set_priority(self, form: dict):
        await self._act(
            lambda db, uid, rid: backoffice.set_priority(db, uid, rid, to_int(form.get("priority"), -1)),
            done="feedback.ui.done_priority",
        )

    @rx.event
    async def start_work(self):
        await self._act(lambda db, uid, rid: backoffice.start_work(db, uid, rid), done="feedback.ui.done_started")

    @rx.event
    async def use_template(self, code: str):
        """Fill the response box with a reply template in the page language (the official edits it)."""
        user_id, _ = await acting_user(self)
        lang = await lang_of(self)
        try:
            with session_scope() as db:
                backoffice.get_report_for_official(db, user_id, self.report_id)  # same scoping as every action
                self.response_text = backoffice.render_reply(db, self.report_id, str(code)[:40], lang)
        except DomainError as exc:
            self._fail(exc)
            return
        self.response_version += 1

    @rx.event
    async def respond(self, form: dict):
        if await self._act(
            lambda db, uid, rid: backoffice.post_public_response(db, uid, rid, text(form, "response")),
            done="feedback.ui.done_responded",
        ):
            self.response_text = ""
            self.response_version += 1

    @rx.event
    async def add_note(self, form: dict):
        await self._act(
            lambda db, uid, rid: backoffice.add_internal_note(db, uid, rid, text(form, "note")),
            done="feedback.ui.done_note",
        )

    @rx.event
    async def progress(self, form: dict):
        try:
            day = views.parse_day(form.get("new_date"))
        except ValueError:
            day = None
        await self._act(
            lambda db, uid, rid: backoffice.post_progress_update(db, uid, rid, text(form, "progress"), day),
            done="feedback.ui.done_progress",
        )

    @rx.event
    async def upload_after(self, files: list[rx.UploadFile]):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                backoffice.get_report_for_official(db, user_id, self.report_id)  # only for reports they handle
            ids = await store_photos(user_id, files, "after", MAX_UPLOAD_FILES - len(self._after_ids))
        except DomainError as exc:
            self._fail(exc)
            return rx.clear_selected_files("fb-after")
        self._after_ids = [*self._after_ids, *ids]
        self.after_photos = views.upload_rows(self._after_ids)
        self._ok("feedback.ui.photo_added", n=len(ids))
        return rx.clear_selected_files("fb-after")

    @rx.event
    async def close(self, form: dict):
        after = list(self._after_ids)
        if await self._act(
            lambda db, uid, rid: backoffice.close_report(
                db, uid, rid, text(form, "outcome", 32), text(form, "close_text"), after
            ),
            done="feedback.ui.done_closed",
        ):
            self._after_ids, self.after_photos = [], []
