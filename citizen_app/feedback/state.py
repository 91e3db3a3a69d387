"""Thin Reflex states for the citizen side of the feedback board.

Every handler takes the user from ``acting_user`` (server side, never from the browser), calls the
service in one ``session_scope`` (one transaction per action) and shows translated errors. Who may
do what is decided by ``service``/``board``, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import reflex as rx
from sqlmodel import Session

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.feedback import board, service, views
from citizen_app.feedback.views import AttrView, OptionView, Row
from citizen_app.i18n.state import LangState, both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import int_param, page_params, param

MAX_UPLOAD_FILES = 5
_DRAFT_KEYS = ("category_code", "title", "description", "lat", "lon", "address", "ward")


def text(form: dict[str, Any], name: str, limit: int = 4100) -> str:
    return str(form.get(name, "") or "")[:limit]


def to_int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def to_float(value: Any) -> float | None:
    try:
        return float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None


async def lang_of(state: rx.State) -> str:
    return (await state.get_state(LangState)).lang


async def store_photos(user_id: int | None, files: list[rx.UploadFile], kind: str, room: int) -> list[int]:
    """Each file is checked by the service (magic bytes, decode, size; EXIF stripped): one transaction each."""
    if not files:
        raise DomainError("feedback.photo_empty")
    if len(files) > room:
        raise DomainError("feedback.too_many_photos", n=MAX_UPLOAD_FILES)
    ids = []
    for file in files:
        data = await file.read()
        with session_scope() as db:
            ids.append(service.upload_photo(db, user_id, data, kind=kind).id)
    return ids


class FeedbackFormState(FormErrorMixin, rx.State, mixin=True):
    notice: dict[str, str] = {}

    def _ok(self, key: str, **params: Any) -> None:
        self.error, self.notice, self.busy = {}, both(key, **params), False

    def _fail(self, exc: DomainError) -> None:
        self.error, self.notice, self.busy = both(exc.code, **exc.params), {}, False

    async def _run(self, action: Callable[..., Any], *args: Any, done: str = "") -> bool:
        """``action(db, user_id, *args)`` in one transaction; a DomainError rolls it back and is shown."""
        if await self._run_action(action, *args) is None:
            return False
        if done:
            self._ok(done)
        return True


# --- the public board ---------------------------------------------------------------------------


class BoardState(FeedbackFormState, rx.State):
    """The board shows what its URL says (``/feedback?q=…&category=…&status=…``): the filter form, the pager and
    the suggestions navigate to the URL of what they ask for, and loading that URL runs the query. So a filtered
    board can be bookmarked and shared, and the browser's back button steps through searches."""

    items: list[views.BoardRowView] = []
    suggestions: list[Row] = []
    page: int = 1
    has_more: bool = False
    categories: list[Row] = []
    agencies: list[Row] = []
    f_category: str = ""
    f_status: str = ""
    f_agency: str = ""
    f_ward: str = ""
    f_from: str = ""
    f_to: str = ""
    f_q: str = ""
    f_sort: str = "newest"
    version: int = 0

    _url: str = ""

    @rx.event
    def load(self):
        self.error, self.notice, self.suggestions = {}, {}, []
        categories = views.category_options(include_emergency=False)
        with read_scope() as db:  # one read for the menu and the list
            set_changed(self, categories=categories, agencies=views.board_agency_options(db))
            try:
                query = board.BoardQuery.from_params(page_params(self))
            except DomainError as exc:
                self._fail(exc)
                self.items, self.has_more, self._url = [], False, ""
                self.version += 1
                return
            self._show(query)
            self._query(query, db)

    def _show(self, query: board.BoardQuery) -> None:
        """The form's values from the query. The form is re-rendered (``version`` moves) only when they differ from
        what it shows: a redraw would wipe what the citizen is typing while the page's first load is on its way."""
        shown = self._form_values()
        values = query.params()
        self.f_q, self.f_category = values.get("q", ""), values.get("category", "")
        self.f_status, self.f_agency = values.get("status", ""), values.get("agency", "")
        self.f_ward, self.f_from, self.f_to = values.get("ward", ""), values.get("from", ""), values.get("to", "")
        self.f_sort, self.page, self._url = query.sort, query.page, query.url()
        if self._form_values() != shown:
            self.version += 1

    def _form_values(self) -> tuple[str, ...]:
        return (self.f_q, self.f_category, self.f_status, self.f_agency, self.f_ward, self.f_from, self.f_to,
                self.f_sort)

    def _current(self) -> board.BoardQuery:
        form = {"q": self.f_q, "category": self.f_category, "status": self.f_status, "agency": self.f_agency,
                "ward": self.f_ward, "from": self.f_from, "to": self.f_to, "sort": self.f_sort, "page": str(self.page)}
        return board.BoardQuery.from_params(form)

    def _query(self, query: board.BoardQuery, db: Session | None = None) -> None:
        try:
            if db is None:
                with read_scope() as db:
                    result = board.list_reports(db, query.filters, sort=query.sort, page=query.page)
            else:
                result = board.list_reports(db, query.filters, sort=query.sort, page=query.page)
        except DomainError as exc:
            self._fail(exc)
            self.items, self.has_more = [], False
            return
        set_changed(self, error={}, items=views.board_rows(result), has_more=result.has_more)

    def _go(self, query: board.BoardQuery):
        """Navigate to the query's URL (its page load runs the query); the same URL again only refreshes."""
        self.suggestions = []
        if query.url() == self._url:
            self._show(query)
            self._query(query)
            return None
        return rx.redirect(query.url())

    @rx.event
    def apply(self, form: dict):
        try:
            query = board.BoardQuery.from_params({k: v for k, v in form.items() if k != "page"})
        except DomainError as exc:
            self._fail(exc)
            return None
        return self._go(query)

    @rx.event
    def suggest(self, typed: str):
        typed = str(typed or "")[:100]
        if typed.strip() == self.f_q:  # what the board already shows (a late keystroke after the search)
            set_changed(self, suggestions=[])
            return
        rows = [{"value": s.query, "keyword": s.keyword, **views.category_labels(s.category_code)}
                for s in board.suggest(typed) if s.query != typed.strip()]
        set_changed(self, suggestions=rows)

    @rx.event
    def pick(self, value: str):
        """A suggestion chosen: search for it with the board's current filters."""
        try:
            query = self._current()
        except DomainError:
            query = board.BoardQuery()
        return self._go(board.BoardQuery(replace(query.filters, q=str(value or "")[:100]), query.sort))

    @rx.event
    def clear(self):
        self.version += 1
        return self._go(board.BoardQuery())

    @rx.event
    def next_page(self):
        if self.has_more:
            return self._go(self._current().at_page(self.page + 1))
        return None

    @rx.event
    def prev_page(self):
        if self.page > 1:
            return self._go(self._current().at_page(self.page - 1))
        return None


# --- a new report -------------------------------------------------------------------------------


class NewReportState(FeedbackFormState, rx.State):
    """/feedback/new. The report itself is sent by the page's outbox (``assets/feedback/outbox-form.js`` →
    ``POST /api/feedback/reports``), online or offline, with the photos kept on the device; this state loads
    the form, keeps the server copy of the draft's text and looks for reports nearby that may be the same."""

    # The categories are the initial value too, so the form can be filled in when the page opens offline.
    categories: list[Row] = views.category_options()
    attributes: list[AttrView] = []
    duplicates: list[Row] = []
    d_category: str = ""
    d_title: str = ""
    d_description: str = ""
    d_address: str = ""
    d_ward: str = ""
    d_lat: str = ""
    d_lon: str = ""
    d_hide: bool = False
    draft_saved: str = ""
    locate_error: bool = False
    version: int = 0

    _submitted: bool = False

    @rx.event
    async def load(self):
        self.error, self.notice, self.busy, self.duplicates, self.locate_error = {}, {}, False, [], False
        self._submitted = False
        self.categories = views.category_options()
        user_id, _ = await acting_user(self)
        draft: dict[str, Any] = {}
        if user_id is not None:
            try:
                with session_scope() as db:
                    draft = service.load_draft(db, user_id) or {}
            except DomainError:
                draft = {}
        shown = self._shown()
        self._apply_draft(draft)
        if self._shown() != shown:  # drawn anew only to show other values: a redraw drops what was typed meanwhile
            self.version += 1

    def _shown(self) -> tuple[Any, ...]:
        return (self.d_category, self.d_title, self.d_description, self.d_address, self.d_ward, self.d_lat,
                self.d_lon, self.d_hide, repr(self.attributes))

    def _apply_draft(self, draft: dict[str, Any]) -> None:
        self.d_category, self.d_title = str(draft.get("category_code") or ""), str(draft.get("title") or "")
        self.d_description, self.d_address = str(draft.get("description") or ""), str(draft.get("address") or "")
        self.d_ward = str(draft.get("ward") or "")
        self.d_lat, self.d_lon = str(draft.get("lat") or ""), str(draft.get("lon") or "")
        self.d_hide = bool(draft.get("hide_name"))
        self.attributes = views.attribute_fields(self.d_category, draft.get("attributes") or {})
        self.draft_saved = ""

    def _draft_payload(self, form: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {key: text(form, key) for key in _DRAFT_KEYS}
        data["hide_name"] = bool(form.get("hide_name"))
        data["attributes"] = views.attribute_answers(data["category_code"], form)
        return data

    @rx.event
    async def autosave(self, form: dict):
        """Called by the page script a moment after typing stops: the draft survives a closed tab."""
        user_id, _ = await acting_user(self)
        if user_id is None or not isinstance(form, dict) or self._submitted:
            return
        try:
            with session_scope() as db:
                service.save_draft(db, user_id, self._draft_payload(form))
        except DomainError as exc:
            self._fail(exc)
            return
        self.draft_saved = format_datetime(utcnow())[-5:]

    @rx.event
    def set_category(self, code: str):
        self.d_category = str(code)[:40]
        self.attributes = views.attribute_fields(self.d_category)

    @rx.event
    def check_duplicates(self, form: dict):
        """Up to 5 open reports of the same category within 250 m, while the citizen is still writing."""
        if not isinstance(form, dict):
            return
        lat, lon = to_float(form.get("lat")), to_float(form.get("lon"))
        category = text(form, "category_code", 40)
        self.locate_error = bool(form.get("error"))
        if lat is None or lon is None or not category:
            self.duplicates = []
            return
        try:
            with session_scope() as db:
                found = service.suggest_duplicates(db, category, lat, lon)
                self.duplicates = [self._candidate(db, c) for c in found]
        except DomainError:
            self.duplicates = []  # the form shows the real error on submit

    @staticmethod
    def _candidate(db: Session, c: service.DuplicateCandidate) -> Row:
        photo = c.photo_ids[0] if c.photo_ids else None
        return {
            "id": str(c.report_id),
            "title": c.title,
            "description": c.description[:600],
            "distance": str(c.distance_m),
            "me_too": str(c.me_too_count),
            "href": views.report_href(c.report_id),
            "photo": f"{views.PHOTO_ROUTE}/{photo}" if photo else "",
            "created": views.format_date(c.created_at),
        }

    @rx.event
    async def me_too(self, report_id: str):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                report = service.me_too(db, user_id, to_int(report_id))
                service.delete_draft(db, user_id)
                target = report.id
        except DomainError as exc:
            self._fail(exc)
            return None
        self._submitted = True
        return rx.redirect(f"{views.report_href(target)}?joined=1")

    @rx.event
    async def discard_draft(self):
        if await self._run(service.delete_draft):
            self._apply_draft({})
            self.version += 1


# --- one report ---------------------------------------------------------------------------------


class ReportState(FeedbackFormState, rx.State):
    report_id: int = 0
    loaded: bool = False  # until the first load the page shows the server's frame (report_frame.py)
    found: bool = False
    detail: Row = {}
    attributes: list[Row] = []
    photos: list[Row] = []
    timeline: list[Row] = []
    is_reporter: bool = False
    following: bool = False
    did_me_too: bool = False
    awaiting: bool = False
    can_me_too: bool = False
    confirm_until: str = ""
    can_rate: bool = False
    rating: str = ""

    @rx.event
    async def load(self):
        self.error, self.busy, self.notice = {}, False, {}
        if param(self, "created") == "1":
            self.notice = both("feedback.ui.created")
        elif param(self, "joined") == "1":
            self.notice = both("feedback.ui.joined")
        self.report_id = int_param(self, "report_id")
        from citizen_app.feedback.updates_state import UpdatesState  # (it imports this module)

        page_updates = await self.get_state(UpdatesState)
        page_updates._start(self.report_id)
        await self._refresh(page_updates)

    async def _refresh(self, page_updates: Any = None) -> None:
        """The report as the viewer may see it; with ``page_updates`` (the page's ``UpdatesState``), its updates
        too, in the same read: one event and one read of the report for the page's load, not two."""
        user_id, _ = await acting_user(self)
        lang = await lang_of(self)  # before the transaction: no connection held while awaiting
        with read_scope() as db:
            report = None
            try:
                report = board.page_report(db, self.report_id)  # a Core row: the page loads no ORM object
                view = board.public_report(db, report, user_id, lang)
                self._fill(db, view, report, user_id)
            except DomainError as exc:
                self.found = False
                self.detail, self.photos, self.timeline, self.attributes = {}, [], [], []
                self._fail(exc)
                self.loaded = True
            else:
                self.found, self.loaded = True, True
            if page_updates is not None:
                page_updates._fill(db, report, user_id)

    def _fill(self, db: Session, view: board.PublicReport, report: Any, user_id: int | None) -> None:
        """``report``: ``board.page_report``'s row."""
        self.detail = views.public_detail(view)
        self.attributes = views.attribute_rows(report)
        self.photos = views.photo_rows(db, view.photo_ids, view.photo_kinds)
        self.timeline = views.timeline_rows(db, view.timeline)
        self.following, self.did_me_too = service.viewer_flags(db, report.id, user_id)
        choices = views.viewer_choices(report, user_id, self.did_me_too)
        self.is_reporter, self.awaiting = choices["is_reporter"], choices["awaiting"]
        self.can_me_too = choices["can_me_too"]
        self.confirm_until = views.confirm_deadline(report)
        self.can_rate = service.may_rate(report, user_id)
        self.rating = str(report.rating) if self.is_reporter and report.rating is not None else ""

    async def _act(self, action: Callable[..., Any], *args: Any, done: str) -> None:
        if await self._run(action, *args, done=done):
            notice = self.notice
            await self._refresh()
            self.notice = notice

    @rx.event
    async def follow(self):
        await self._act(service.follow_report, self.report_id, done="feedback.ui.followed")

    @rx.event
    async def unfollow(self):
        await self._act(service.unfollow_report, self.report_id, done="feedback.ui.unfollowed")

    @rx.event
    async def me_too(self):
        await self._act(service.me_too, self.report_id, done="feedback.ui.me_too_done")

    @rx.event
    async def confirm(self):
        await self._act(service.confirm_resolution, self.report_id, done="feedback.ui.confirmed")

    @rx.event
    async def dispute(self, form: dict):
        await self._act(service.dispute_resolution, self.report_id, text(form, "reason"), done="feedback.ui.disputed")

    @rx.event
    async def rate(self, form: dict):
        score = to_int(form.get("score"), 0)
        await self._act(
            service.rate_report, self.report_id, score, text(form, "rating_reason", 600), done="feedback.ui.rated"
        )


# --- my reports, followed reports and watched areas -----------------------------------------------


class MineState(FeedbackFormState, rx.State):
    mine: list[Row] = []
    followed: list[Row] = []
    areas: list[Row] = []
    categories: list[Row] = []
    version: int = 0

    @rx.event
    async def load(self):
        self.error, self.notice = {}, {}
        self.categories = views.category_options(include_emergency=False)
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.mine, self.followed, self.areas = [], [], []
            return
        with session_scope() as db:
            mine = service.my_reports(db, user_id)
            own = {r.id for r in mine}
            self.mine = [views.report_row(r) for r in mine]
            self.followed = [views.report_row(r) for r in service.followed_reports(db, user_id) if r.id not in own]
            self.areas = [views.subscription_row(s) for s in service.list_area_subscriptions(db, user_id)]

    @rx.event
    async def subscribe(self, form: dict):
        kind = text(form, "kind", 10)
        ward = text(form, "ward", 200) if kind == "ward" else ""
        lat, lon = (to_float(form.get("lat")), to_float(form.get("lon"))) if kind != "ward" else (None, None)
        if kind == "ward" and not ward.strip():
            self._fail(DomainError("feedback.ui.ward_required"))
            return
        ok = await self._run(
            lambda db, uid: service.subscribe_area(
                db,
                uid,
                ward=ward,
                lat=lat,
                lon=lon,
                radius_m=to_int(form.get("radius_m"), 0),
                category_code=text(form, "category", 40) or None,
            ),
            done="feedback.ui.area_added",
        )
        if ok:
            self.version += 1
            await self._refresh()

    @rx.event
    async def unsubscribe(self, sub_id: str):
        if await self._run(service.delete_area_subscription, to_int(sub_id), done="feedback.ui.area_removed"):
            await self._refresh()


# --- scorecard ----------------------------------------------------------------------------------


class ScorecardState(FeedbackFormState, rx.State):
    rows: list[Row] = []
    f_from: str = ""
    f_to: str = ""
    csv_href: str = "/api/feedback/scorecard.csv"

    @rx.event
    def load(self):
        self.error = {}
        today = views.local_today()
        self.f_to = today.isoformat()
        self.f_from = (today - views.timedelta(days=89)).isoformat()
        self._query()

    def _query(self) -> None:
        try:
            start, end = views.parse_day(self.f_from), views.parse_day(self.f_to)
            with session_scope() as db:
                rows = board.scorecard(db, start, end)
                names = views.agency_names(db)
        except ValueError:
            self._fail(DomainError("feedback.filter_invalid"))
            self.rows = []
            return
        except DomainError as exc:
            self._fail(exc)
            self.rows = []
            return
        self.error = {}
        self.rows = [views.score_row(r, names) for r in rows]
        self.csv_href = f"/api/feedback/scorecard.csv?from={start or ''}&to={end or ''}"

    @rx.event
    def apply(self, form: dict):
        self.f_from, self.f_to = text(form, "date_from", 10), text(form, "date_to", 10)
        self._query()


__all__ = ["BoardState", "MineState", "NewReportState", "OptionView", "ReportState", "ScorecardState"]
