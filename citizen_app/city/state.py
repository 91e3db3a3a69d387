"""Thin Reflex states of the city pages. Every handler authorizes through the service layer with the user id
from the backend-only session (``acting_user``); the browser only gets display data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from citizen_app.city import directory, linkcheck, lookup, mydata, scam, service, trustlists
from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import translate
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.ui.params import page_params

Row = dict[str, str]


def _s(form: dict, name: str, limit: int = 200) -> str:
    return str(form.get(name, "") or "")[:limit]


def _id(value: Any) -> int:
    """An id sent by the browser; anything but digits becomes 0, which the service answers with 'not found'."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else 0


def _both_text(key: str, **params: Any) -> tuple[str, str]:
    return translate(key, "vi", **params), translate(key, "en", **params)


def _hit_row(hit: lookup.Hit) -> Row:
    return {"kind": hit.kind, "title_vi": hit.title_vi, "title_en": hit.title_en, "detail_vi": hit.detail_vi,
            "detail_en": hit.detail_en, "href": hit.href}


class _Base(FormErrorMixin, rx.State, mixin=True):
    notice: dict[str, str] = {}

    async def _run(self, action: Callable[[Session, int | None], Any], notice_key: str = "", **params: Any) -> Any:
        if not notice_key:
            self.notice = {}
        return await self._run_action(action, done=notice_key, **params)


# --- lookups ------------------------------------------------------------------------------------------


class CityLookupState(_Base, rx.State):
    q: str = ""
    hits: list[Row] = []
    searched: bool = False
    number: str = ""
    dossier: Row = {}
    report: Row = {}
    fare: Row = {}
    fare_from: str = ""
    fare_to: str = ""
    stations: list[Row] = []
    procedures: list[Row] = []

    @rx.event
    async def load(self):
        params = page_params(self)
        self.error, self.notice, self.dossier, self.report, self.fare = {}, {}, {}, {}, {}
        self.stations = [{"code": c, "vi": vi, "en": en} for c, vi, en in lookup.stations()]
        self.procedures = [_hit_row(h) for h in lookup.procedures()]
        self.number = _s(params, "number", 40).upper()
        self.fare_from, self.fare_to = _s(params, "from", 10), _s(params, "to", 10)
        self.q, self.hits, self.searched = _s(params, "q"), [], False
        if self.q:
            await self._search()
        if self.fare_from and self.fare_to:
            await self.quote({"from": self.fare_from, "to": self.fare_to})

    async def _search(self) -> None:
        hits = await self._run(lambda db, _uid: lookup.search(db, self.q))
        self.hits = [_hit_row(h) for h in hits] if isinstance(hits, list) else []
        self.searched = True
        first = hits[0] if isinstance(hits, list) and hits else None
        if first is not None and first.kind == "dossier_form":
            self.number = first.data["number"]
        if first is not None and first.kind in ("fare", "station"):
            self.fare_from, self.fare_to = first.data.get("from", ""), first.data.get("to", "")

    @rx.event
    def go(self, form: dict):
        """The home-page box: open the lookup page with the query."""
        return rx.redirect("/lookup?" + urlencode({"q": _s(form, "q", lookup.MAX_QUERY)}))

    @rx.event
    async def search(self, form: dict):
        self.q = _s(form, "q", lookup.MAX_QUERY + 1)
        await self._search()

    @rx.event
    async def lookup_dossier(self, form: dict):
        hit = await self._run(lambda db, _uid: lookup.dossier_status(db, _s(form, "number", 40),
                                                                    _s(form, "access_code", 40)))
        self.dossier = _hit_row(hit) if isinstance(hit, lookup.Hit) else {}

    @rx.event
    async def lookup_report(self, form: dict):
        hit = await self._run(lambda db, _uid: lookup.report_status(db, _s(form, "report", 20)))
        self.report = _hit_row(hit) if isinstance(hit, lookup.Hit) else {}

    @rx.event
    async def quote(self, form: dict):
        answer = await self._run(lambda _db, _uid: lookup.fare(_s(form, "from", 10), _s(form, "to", 10)))
        if not isinstance(answer, lookup.FareAnswer):
            self.fare = {}
            return
        self.fare_from, self.fare_to = answer.origin, answer.destination
        self.fare = {"from_vi": answer.origin_vi, "from_en": answer.origin_en, "to_vi": answer.destination_vi,
                     "to_en": answer.destination_en, "cash": answer.cash, "cashless": answer.cashless,
                     "estimate": "1" if answer.estimate else ""}


# --- announcements ------------------------------------------------------------------------------------


def _announcement_row(view: service.AnnouncementView) -> Row:
    badge_vi, badge_en = (_both_text("city.announce.ward_badge", ward=view.ward) if view.audience == "ward"
                          else _both_text("city.announce.city_badge"))
    return {"id": str(view.id), "anchor": f"a{view.id}", "title_vi": view.title_vi, "title_en": view.title_en,
            "body_vi": view.body_vi, "body_en": view.body_en, "badge_vi": badge_vi, "badge_en": badge_en,
            "from": view.valid_from, "until": view.valid_until, "mine": "1" if view.mine else "",
            "active": "1" if view.active else "", "pushed": str(view.recipients) if view.pushed else ""}


class AnnouncementsState(_Base, rx.State):
    ward: str = ""
    wards: list[str] = []
    items: list[Row] = []

    @rx.event
    async def load(self):
        user_id, _ = await acting_user(self)
        chosen = _s(page_params(self), "ward", 100)
        with session_scope() as db:
            self.wards = service.known_wards(db)
            self.ward = chosen or service.citizen_ward(db, user_id)
        self._refresh()

    def _refresh(self) -> None:
        with session_scope() as db:
            self.items = [_announcement_row(v) for v in service.list_announcements(db, self.ward)]

    @rx.event
    def choose_ward(self, form: dict):
        self.ward = _s(form, "ward", 100)
        self._refresh()


class AnnounceManageState(_Base, rx.State):
    rows: list[Row] = []

    @rx.event
    async def load(self):
        self.error, self.notice = {}, {}
        await self._reload()

    async def _reload(self) -> None:
        views = await self._run(lambda db, uid: service.managed_announcements(db, uid))
        self.rows = [_announcement_row(v) for v in views] if isinstance(views, list) else []

    @rx.event
    async def publish(self, form: dict):
        def action(db: Session, uid: int | None) -> Any:
            data = service.AnnouncementInput(
                title_vi=_s(form, "title_vi", 500), body_vi=_s(form, "body_vi", 5000),
                title_en=_s(form, "title_en", 500), body_en=_s(form, "body_en", 5000),
                audience=_s(form, "audience", 10), ward=_s(form, "ward", 120),
                valid_from=service.local_day(_s(form, "valid_from", 10)),
                valid_until=service.local_day(_s(form, "valid_until", 10), end=True), push=bool(form.get("push")))
            return service.publish_announcement(db, uid, data)

        row = await self._run(action)
        if row is None:
            return None
        if row.pushed_at is not None:
            self.notice = both("city.announce.published_push", count=row.push_recipients)
        else:
            self.notice = both("city.announce.published")
        notice = self.notice
        await self._reload()
        self.notice = notice
        return rx.call_script("document.getElementById('announce-form')?.reset()")

    @rx.event
    async def withdraw(self, announcement_id: str):
        if await self._run(lambda db, uid: service.withdraw_announcement(db, uid, int(announcement_id)),
                           "city.announce.withdrawn"):
            notice = self.notice
            await self._reload()
            self.notice = notice


# --- help near you ------------------------------------------------------------------------------------


def _point_row(point: directory.HelpPoint) -> Row:
    topics = directory.directory().topics
    return {"code": point.code, "kind": point.kind, "ward": point.ward, "name_vi": point.name_vi,
            "name_en": point.name_en, "address": point.address, "hours_vi": point.hours_vi, "hours_en": point.hours_en,
            "phone": point.phone, "tel": "tel:" + point.phone.replace(" ", ""), "map": point.map_url,
            "helps_vi": ", ".join(topics[t].vi for t in point.helps_with),
            "helps_en": ", ".join(topics[t].en for t in point.helps_with),
            "team": "1" if point.kind == "digital_team" else ""}


def _request_row(view: service.HelpRequestView) -> Row:
    status_vi, status_en = _both_text(f"city.help.status.{view.status}")
    return {"id": str(view.id), "team_vi": view.team_vi, "team_en": view.team_en, "topic_vi": view.topic_vi,
            "topic_en": view.topic_en, "procedure": view.procedure_code, "message": view.message,
            "status": view.status, "status_vi": status_vi, "status_en": status_en, "citizen": view.citizen_name,
            "volunteer": view.volunteer_name, "created": view.created, "mine": "1" if view.mine_to_handle else "",
            "consent": "1" if view.consent_id else ""}


class HelpNearState(_Base, rx.State):
    ward: str = ""
    text: str = ""
    wards: list[str] = []
    points: list[Row] = []
    topics: list[Row] = []
    procedures: list[Row] = []
    asking: str = ""  # team code whose request form is open
    asking_name: dict[str, str] = {}
    mine: list[Row] = []

    @rx.event
    async def load(self):
        self.error, self.notice, self.asking = {}, {}, ""
        user_id, _ = await acting_user(self)
        data = directory.directory()
        self.wards = data.wards()
        self.topics = [{"code": t.code, "vi": t.vi, "en": t.en} for t in data.topics.values()]
        self.procedures = [{"code": h.data["code"], "vi": h.title_vi, "en": h.title_en} for h in lookup.procedures()]
        with session_scope() as db:
            own = service.citizen_ward(db, user_id)
        self.ward = _s(page_params(self), "ward", 100) or (own if own in self.wards else "")
        self.text = ""
        self._filter()
        await self._mine()

    def _filter(self) -> None:
        try:
            self.points = [_point_row(p) for p in directory.search_points(self.text, self.ward)]
        except DomainError as exc:
            self._fail(exc)

    async def _mine(self) -> None:
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.mine = []
            return
        with session_scope() as db:
            self.mine = [_request_row(v) for v in service.my_help_requests(db, user_id)]

    @rx.event
    def filter(self, form: dict):
        self.ward, self.text = _s(form, "ward", 100), _s(form, "text", 100)
        self._filter()

    @rx.event
    def ask(self, team_code: str):
        point = directory.directory().point(str(team_code))
        if point is not None and point.kind == "digital_team":
            self.asking, self.asking_name = point.code, {"vi": point.name_vi, "en": point.name_en}
            self.error, self.notice = {}, {}

    @rx.event
    async def send_request(self, form: dict):
        ok = await self._run(lambda db, uid: service.create_help_request(
            db, uid, self.asking, _s(form, "topic", 40), _s(form, "message", 2000), _s(form, "procedure", 64)),
            "city.help.sent")
        if ok:
            notice = self.notice
            self.asking = ""
            await self._mine()
            self.notice = notice

    @rx.event
    async def cancel(self, request_id: str):
        if await self._run(lambda db, uid: service.cancel_help_request(db, uid, _id(request_id)),
                           "city.help.cancelled"):
            notice = self.notice
            await self._mine()
            self.notice = notice

    @rx.event
    async def grant(self, request_id: str):
        row = next((r for r in self.mine if r["id"] == str(request_id)), None)
        procedures = [row["procedure"]] if row and row["procedure"] else [p["code"] for p in self.procedures]
        if await self._run(lambda db, uid: service.grant_consent_for_request(db, uid, _id(request_id), procedures),
                           "city.help.granted"):
            notice = self.notice
            await self._mine()
            self.notice = notice


class HelpRequestsState(_Base, rx.State):
    rows: list[Row] = []
    code: str = ""
    code_for: str = ""
    teams: list[Row] = []
    no_team: bool = False

    @rx.event
    async def load(self):
        self.error, self.notice, self.code, self.code_for = {}, {}, "", ""
        self.teams = [{"code": p.code, "vi": p.name_vi, "en": p.name_en} for p in directory.directory().points
                      if p.kind == "digital_team"]
        await self._reload()

    async def _reload(self) -> None:
        user_id, _ = await acting_user(self)
        views = await self._run(lambda db, uid: service.team_requests(db, uid))
        self.rows = [_request_row(v) for v in views] if isinstance(views, list) else []
        with session_scope() as db:
            self.no_team = not service.volunteer_teams(db, user_id)

    async def _act(self, action: Callable[[Session, int | None], Any], key: str) -> None:
        if await self._run(action, key):
            notice = self.notice
            await self._reload()
            self.notice = notice

    @rx.event
    async def take(self, request_id: str):
        await self._act(lambda db, uid: service.take_help_request(db, uid, _id(request_id)), "city.help.taken_notice")

    @rx.event
    async def finish(self, request_id: str):
        await self._act(lambda db, uid: service.finish_help_request(db, uid, _id(request_id)), "city.help.finished")

    @rx.event
    async def make_code(self, request_id: str):
        row = next((r for r in self.rows if r["id"] == str(request_id)), None)
        procedures = [row["procedure"]] if row and row["procedure"] else [h.data["code"] for h in lookup.procedures()]
        code = await self._run(lambda db, uid: service.consent_code_for_request(db, uid, _id(request_id), procedures),
                               "city.help.code_notice")
        if isinstance(code, str):
            self.code, self.code_for = code, str(request_id)

    @rx.event
    async def add_member(self, form: dict):
        def action(db: Session, uid: int | None) -> Any:
            return service.add_team_member_by_login(db, uid, _s(form, "team", 64), _s(form, "login", 254))

        await self._act(action, "city.help.member_added")


# --- safe shopping --------------------------------------------------------------------------------------


def _reason_row(reason: linkcheck.Reason) -> Row:
    vi, en = _both_text(f"city.reason.{reason.code}", **reason.params)
    level_vi, level_en = _both_text(f"city.level.{reason.level}")
    return {"code": reason.code, "level": reason.level, "vi": vi, "en": en, "level_vi": level_vi,
            "level_en": level_en}


def _advice_row(step: linkcheck.Reason) -> Row:
    vi, en = _both_text(f"city.advice.{step.code}", **step.params)
    return {"code": step.code, "vi": vi, "en": en}


def _list_row(item: dict[str, Any]) -> Row:
    as_of = item["as_of"].strftime("%d/%m/%Y") if item["as_of"] else ""
    date_vi, date_en = _both_text("city.safety.list_as_of", date=as_of) if as_of else ("", "")
    return {"code": item["code"], "name_vi": item["name_vi"], "name_en": item["name_en"],
            "publisher_vi": item["publisher_vi"], "publisher_en": item["publisher_en"], "date_vi": date_vi,
            "date_en": date_en, "sample": "1" if item["sample"] else ""}


class SafetyState(_Base, rx.State):
    checked: str = ""
    result: Row = {}
    reasons: list[Row] = []
    advice: list[Row] = []
    lists: list[Row] = []
    report_ready: bool = True

    @rx.event
    def load(self):
        self.error, self.notice, self.result, self.reasons, self.advice, self.checked = {}, {}, {}, [], [], ""
        self.report_ready = scam.scam_category_ready()
        with read_scope() as db:
            self.lists = [_list_row(item) for item in trustlists.list_rows(db)]

    @rx.event
    def check(self, form: dict):
        self.checked = _s(form, "link", linkcheck.MAX_INPUT + 1)
        self.notice = {}
        try:
            found = trustlists.check(self.checked)
        except DomainError as exc:
            self._fail(exc)
            self.result, self.reasons, self.advice = {}, [], []
            return
        self.error = {}
        verdict_vi, verdict_en = _both_text(f"city.verdict.{found.verdict}")
        self.result = {"verdict": found.verdict, "verdict_vi": verdict_vi, "verdict_en": verdict_en,
                       "display": found.display, "ascii": found.ascii_form, "site": found.site, "kind": found.kind,
                       "merchant": found.merchant}
        self.reasons = [_reason_row(r) for r in found.reasons]
        self.advice = [_advice_row(step) for step in found.advice]

    @rx.event
    async def report(self, form: dict):
        number = await self._run(lambda db, uid: scam.report_scam(db, uid, self.checked, _s(form, "details", 2000)))
        if isinstance(number, int):
            self.notice = both("city.safety.reported_ok", number=number)


# --- my data --------------------------------------------------------------------------------------------


def _data_request_row(view: mydata.DataRequestView) -> Row:
    status_vi, status_en = _both_text(f"city.data.status.{view.status}")
    plan = ", ".join(f"{p['table']}: {p['policy']}" for p in view.plan)
    return {"id": str(view.id), "status": view.status, "status_vi": status_vi, "status_en": status_en,
            "note": view.note, "response": view.response_note, "created": view.created, "due": view.due,
            "overdue": "1" if view.overdue else "", "user": view.user_name, "contact": view.user_contact, "plan": plan}


def _summary_row(s: mydata.TableSummary) -> Row:
    policy_vi, policy_en = _both_text(f"city.mydata.policy.{s.policy}")
    rows_vi, rows_en = _both_text("city.mydata.rows", rows=s.rows)
    return {"table": s.table, "label_vi": s.label_vi, "label_en": s.label_en, "rows_vi": rows_vi, "rows_en": rows_en,
            "mentions": str(s.mentions), "policy": s.policy, "policy_vi": policy_vi, "policy_en": policy_en,
            "reason_vi": s.reason_vi, "reason_en": s.reason_en}


class MyDataState(_Base, rx.State):
    rows: list[Row] = []
    requests: list[Row] = []

    @rx.event
    async def load(self):
        self.error, self.notice = {}, {}
        await self._reload()

    async def _reload(self) -> None:
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.rows, self.requests = [], []
            return
        with session_scope() as db:
            summary = mydata.data_summary(db, user_id)
            requests = mydata.my_data_requests(db, user_id)
        self.rows = [_summary_row(s) for s in summary]
        self.requests = [_data_request_row(v) for v in requests]

    @rx.event
    async def request_deletion(self, form: dict):
        if not form.get("confirm"):
            self._fail(DomainError("city.mydata.confirm_required"))
            return
        row = await self._run(lambda db, uid: mydata.request_deletion(db, uid, _s(form, "note", 2000)))
        if row is not None:
            await self._reload()
            self.notice = both("city.mydata.request_sent", due=format_datetime(row.due_at))


class AdminDataState(_Base, rx.State):
    rows: list[Row] = []

    @rx.event
    async def load(self):
        self.error, self.notice = {}, {}
        await self._reload()

    async def _reload(self) -> None:
        views = await self._run(lambda db, uid: mydata.list_data_requests(db, uid))
        self.rows = [_data_request_row(v) for v in views] if isinstance(views, list) else []

    @rx.event
    async def update(self, form: dict):
        request_id = _s(form, "request_id", 12)
        if not request_id.isdigit():
            return
        status, note = _s(form, "status", 16), _s(form, "note", 2000)
        if await self._run(lambda db, uid: mydata.update_data_request(db, uid, _id(request_id), status, note),
                           "city.admin_data.updated"):
            notice = self.notice
            await self._reload()
            self.notice = notice
