"""Thin Reflex states: the notification centre, push/install settings and city announcements.

The user always comes from the server-side session; ids sent by the browser (a notification, a device)
are checked against that user by the service layer. Push subscriptions are created by the browser
itself (``window.cdsPwa.subscribePush`` POSTs to ``/api/push/subscribe`` with the session cookie).
"""

from __future__ import annotations

import json

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import catalog
from citizen_app.i18n.state import both
from citizen_app.identity.service import lookup_session
from citizen_app.identity.state import FormErrorMixin, acting_user, cookie_value
from citizen_app.notify import service
from citizen_app.notify.models import TOPICS
from citizen_app.notify.vapid import public_key_b64

BADGE_MAX = 99


async def current_user_id(state: rx.State) -> int | None:
    """The logged-in user: from AuthState, or from the session cookie if the page's on_load has not run yet."""
    user_id, _ = await acting_user(state)
    if user_id is not None:
        return user_id
    raw = cookie_value(state.router.headers.cookie)
    if not raw:
        return None
    with session_scope() as db:
        status, info = lookup_session(db, raw)
    return info.user_id if status == "ok" and info else None


class BellState(rx.State):
    unread: int = 0

    @rx.var
    def badge(self) -> str:
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)

    async def _refresh(self) -> None:
        user_id = await current_user_id(self)
        if user_id is None:
            self.unread = 0
            return
        with session_scope() as db:
            self.unread = service.unread_count(db, user_id)

    @rx.event
    async def load(self):
        await self._refresh()



CENTRE_LIMIT = 100

# Run in the browser: what it can do (push, install, iOS). Short and synchronous (the event queue waits).
CAPS_JS = """(() => {
  const p = window.cdsPwa;
  const push = !!p && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  const btn = document.getElementById('install-ready');
  if (p && btn && !window.__cdsInstallHook) {
    window.__cdsInstallHook = true;
    window.addEventListener('cds:installable', () => {
      const b = document.getElementById('install-ready');
      if (b) b.click();
    });
  }
  return JSON.stringify({push: push, permission: push ? Notification.permission : 'unsupported',
    ios: !!p && p.needsIosHint(), standalone: !!p && p.isStandalone(), canInstall: !!p && p.canInstall(),
    automated: navigator.webdriver === true});
})()"""


def as_id(raw: object) -> int:
    try:
        return int(str(raw)[:12])
    except ValueError as exc:
        raise NotFound() from exc


def chosen_topics(form_data: dict) -> list[str]:
    return [topic for topic in TOPICS if form_data.get(f"topic_{topic}")]


def notification_rows(db, user_id: int) -> list[dict[str, str]]:
    """Both languages, so switching language needs no round trip."""
    vi = service.list_notifications(db, user_id, "vi", CENTRE_LIMIT)
    en = service.list_notifications(db, user_id, "en", CENTRE_LIMIT)
    return [{"id": str(a.id), "topic": a.topic, "title_vi": a.title, "title_en": b.title, "body_vi": a.body,
             "body_en": b.body, "created": format_datetime(a.created_at), "read": "1" if a.read else ""}
            for a, b in zip(vi, en, strict=True)]


def device_rows(db, user_id: int) -> list[dict[str, str]]:
    return [{"id": str(d.id), "label": d.device_label, "service": d.push_service, "topics": ",".join(d.topics),
             "created": format_datetime(d.created_at),
             "last_success": format_datetime(d.last_success_at) if d.last_success_at else ""}
            for d in service.list_devices(db, user_id)]


class NotifyCentreState(FormErrorMixin, rx.State):
    items: list[dict[str, str]] = []
    saved: dict[str, str] = {}

    async def _reload(self, user_id: int | None) -> None:
        if user_id is None:
            self.items = []
            return
        with session_scope() as db:
            self.items = notification_rows(db, user_id)
        bell = await self.get_state(BellState)
        bell.unread = sum(1 for item in self.items if not item["read"])
        if len(self.items) >= CENTRE_LIMIT:
            with session_scope() as db:
                bell.unread = service.unread_count(db, user_id)

    @rx.event
    async def load(self):
        self.error, self.saved = {}, {}
        user_id, _ = await acting_user(self)
        await self._reload(user_id)

    @rx.event
    async def mark_read(self, notification_id: str):
        user_id, _ = await acting_user(self)
        try:
            if user_id is None:
                raise DomainError("error.login_required")
            with session_scope() as db:
                service.mark_read(db, user_id, as_id(notification_id))
        except DomainError as exc:
            self._fail(exc)
            return
        self.error = {}
        await self._reload(user_id)

    @rx.event
    async def mark_all_read(self):
        user_id, _ = await acting_user(self)
        if user_id is None:
            self._fail(DomainError("error.login_required"))
            return
        with session_scope() as db:
            service.mark_all_read(db, user_id)
        self.error, self.saved = {}, both("notify.centre.all_read")
        await self._reload(user_id)

    @rx.event
    async def open_item(self, notification_id: str):
        """Mark read (with its siblings about the same page) and go to the target page (the URL comes from the
        database, not the browser)."""
        user_id, _ = await acting_user(self)
        try:
            if user_id is None:
                raise DomainError("error.login_required")
            with session_scope() as db:
                url = service.open_notification(db, user_id, as_id(notification_id))  # NotFound unless theirs
        except DomainError as exc:
            self._fail(exc)
            return None
        return rx.redirect(service.check_url(url))


class PushSettingsState(FormErrorMixin, rx.State):
    devices: list[dict[str, str]] = []
    saved: dict[str, str] = {}
    checked: bool = False
    push_supported: bool = False
    permission: str = ""
    ios_hint: bool = False
    standalone: bool = False
    can_install: bool = False
    automated: bool = False
    vapid_key: str = ""

    async def _reload(self) -> None:
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.devices = []
            return
        with session_scope() as db:
            self.devices = device_rows(db, user_id)

    @rx.event
    async def load(self):
        self.error, self.saved, self.busy, self.checked = {}, {}, False, False
        self.vapid_key = public_key_b64()
        await self._reload()
        return rx.call_script(CAPS_JS, callback=PushSettingsState.set_caps)

    @rx.event
    def set_caps(self, raw: str):
        try:
            caps = json.loads(raw) if isinstance(raw, str) else {}
        except ValueError:
            caps = {}
        caps = caps if isinstance(caps, dict) else {}
        self.push_supported = caps.get("push") is True
        self.permission = str(caps.get("permission", ""))[:20]
        self.ios_hint = caps.get("ios") is True
        self.standalone = caps.get("standalone") is True
        self.can_install = caps.get("canInstall") is True
        self.automated = caps.get("automated") is True
        self.checked = True

    @rx.event
    def installable(self):
        self.can_install = True

    @rx.event
    def install(self):
        return rx.call_script("window.cdsPwa ? window.cdsPwa.install() : 'unavailable'",
                              callback=PushSettingsState.after_install)

    @rx.event
    def after_install(self, outcome: str):
        self.can_install = False
        if outcome == "accepted":
            self.standalone, self.saved = True, both("notify.settings.installed")
        elif outcome == "unavailable":
            self.error = both("notify.settings.install_unavailable")

    @rx.event
    def enable_push(self, form_data: dict):
        topics = chosen_topics(form_data)
        if not topics:
            self.error = both("notify.settings.topics_required")
            return None
        self.error, self.saved, self.busy = {}, {}, True
        script = (f"window.cdsPwa.subscribePush({json.dumps(self.vapid_key)}, {{topics: {json.dumps(topics)}}})"
                  ".then(() => 'ok', (e) => (e && (e.code || e.name)) || 'error')")
        return rx.call_script(script, callback=PushSettingsState.after_subscribe)

    @rx.event
    async def after_subscribe(self, outcome: str):
        self.busy = False
        code = str(outcome or "error")[:80]
        if code == "ok":
            self.error, self.saved = {}, both("notify.ok.subscribed")
            self.permission = "granted"
            await self._reload()
        elif code == "denied":
            self.permission, self.error = "denied", both("notify.push.denied")
        elif code == "unsupported":
            self.push_supported, self.error = False, both("notify.settings.unsupported")
        elif code.startswith("notify.") and code in catalog():
            self.error = both(code)
        else:  # AbortError, NotAllowedError… from the browser's push service
            self.error = both("notify.settings.push_failed")

    @rx.event
    def disable_push(self):
        return rx.call_script("window.cdsPwa.unsubscribePush().then(() => 'ok', () => 'error')",
                              callback=PushSettingsState.after_unsubscribe)

    @rx.event
    async def after_unsubscribe(self, _outcome: str):
        self.error, self.saved = {}, both("notify.settings.turned_off")
        await self._reload()

    @rx.event
    async def save_topics(self, form_data: dict):
        user_id, _ = await acting_user(self)
        try:
            if user_id is None:
                raise DomainError("error.login_required")
            topics = chosen_topics(form_data)
            if not topics:
                raise DomainError("notify.settings.topics_required")
            with session_scope() as db:
                service.set_device_topics(db, user_id, as_id(form_data.get("device_id")), topics)
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.saved = {}, both("notify.settings.topics_saved")
        await self._reload()

    @rx.event
    async def remove_device(self, device_id: str):
        user_id, _ = await acting_user(self)
        try:
            if user_id is None:
                raise DomainError("error.login_required")
            with session_scope() as db:
                service.remove_device(db, user_id, as_id(device_id))
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.saved = {}, both("notify.settings.removed")
        await self._reload()


class AnnounceState(FormErrorMixin, rx.State):
    """Officials/admins: fill in, preview (recipient counts), tick the confirmation, send."""

    preview: dict[str, str] = {}
    sent: dict[str, str] = {}

    _draft: dict[str, str] = {}

    @rx.event
    def reset_form(self):
        self.error, self.preview, self.sent, self.busy, self._draft = {}, {}, {}, False, {}

    @staticmethod
    def _fields(form_data: dict) -> dict[str, str]:
        names = ("title_vi", "title_en", "body_vi", "body_en", "url")
        return {name: str(form_data.get(name, "") or "")[:400] for name in names}

    @rx.event
    async def make_preview(self, form_data: dict):
        user_id, _ = await acting_user(self)
        draft = self._fields(form_data)
        try:
            with session_scope() as db:
                view = service.preview_announcement(db, user_id, "city_announcements",
                                                    {"vi": draft["title_vi"], "en": draft["title_en"]},
                                                    {"vi": draft["body_vi"], "en": draft["body_en"]},
                                                    draft["url"] or "/")
        except DomainError as exc:
            self.preview = {}
            self._fail(exc)
            return
        self._draft = draft
        self.error, self.sent = {}, {}
        recipients = both("notify.announce.recipients", users=view.recipients, devices=view.devices)
        self.preview = {"title_vi": view.title["vi"], "title_en": view.title["en"], "body_vi": view.body["vi"],
                        "body_en": view.body["en"], "url": view.url, "recipients_vi": recipients["vi"],
                        "recipients_en": recipients["en"]}

    @rx.event
    def edit(self):
        self.preview = {}

    @rx.event
    async def send(self, form_data: dict):
        user_id, _ = await acting_user(self)
        draft = self._draft
        try:
            if not draft:
                raise DomainError("notify.error.confirm_required")
            with session_scope() as db:
                count = service.send_announcement(db, user_id, "city_announcements",
                                                  {"vi": draft["title_vi"], "en": draft["title_en"]},
                                                  {"vi": draft["body_vi"], "en": draft["body_en"]},
                                                  draft["url"] or "/", confirm=bool(form_data.get("confirm")))
        except DomainError as exc:
            self._fail(exc)
            return None
        self._draft, self.preview, self.error = {}, {}, {}
        self.sent = both("notify.announce.sent", count=count)
        await (await self.get_state(BellState))._refresh()  # the sender is a recipient too
        return rx.call_script("document.getElementById('announce-form')?.reset()")
