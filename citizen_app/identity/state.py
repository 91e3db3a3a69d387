"""Thin Reflex states for login, registration, the account page and role administration.

Every handler authorizes on the server; the browser only ever sees its own display data.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import OnLoadInternalState, StateUpdate
from reflex_base.event import Event
from reflex_base.utils.format import format_event_handler

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.http import cookie_values
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import normalize_lang
from citizen_app.i18n.state import LANG_COOKIE, LangState, both, remember_script, remembered_preferences
from citizen_app.identity import registration, service, session_revision
from citizen_app.identity.cookies import SESSION_COOKIE, session_token
from citizen_app.identity.models import ROLES
from citizen_app.identity.views import msg, safe_error_key
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import page_params

_NOTICE_FROM_QUERY = {"logged_out": "auth.logged_out", "logged_out_all": "auth.logged_out_all"}
SESSION_RECHECK_SECONDS = 15
# The page's scripts (assets/session.js) end the session in this browser and clear what the device holds for
# the user; the fetch is the fallback when that script did not load.
_LOGOUT_FALLBACK = "fetch('/auth/logout{query}', {{method: 'POST', credentials: 'same-origin'}})"
_SESSION_ENDED_JS = f"window.cdsSession ? window.cdsSession.ended() : {_LOGOUT_FALLBACK.format(query='?ended=1')}"

# The script behind the wallet, passkey and QR parts of the pages (WebCrypto holder key, WebAuthn, QR drawing and
# scanning), loaded by the pages that use it (``identity.components.ui_script``).
WALLET_UI_JS = "/wallet/wallet_ui.js"

# route -> the page's own on_load handlers, run inside AuthState.load_page's event (see page_on_load)
_PAGE_LOADS: dict[str, tuple[rx.event.EventHandler, ...]] = {}
# routes whose on_load list goes on after load_page (handlers that cannot run inline)
_PAGE_LOAD_TAILS: set[str] = set()


def cookie_value(header: str | None, name: str = SESSION_COOKIE) -> str | None:
    """A cookie of a (websocket's) Cookie header; the session cookie only while the device has not logged out."""
    values = cookie_values(header)
    return session_token(values) if name == SESSION_COOKIE else values.get(name)


def go_to(url: str) -> rx.event.EventSpec:
    """A full page load (new websocket, so the server sees the new cookie)."""
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


LOGGED_OUT_URL = "/?notice=logged_out"


def sign_out(next_url: str) -> rx.event.EventSpec:
    """End this browser's session, clear what the device holds for the user, then load ``next_url``."""
    target = json.dumps(next_url)
    return rx.call_script(f"window.cdsSession ? window.cdsSession.signOut({target}) : "
                          f"{_LOGOUT_FALLBACK.format(query='')}.finally(() => window.location.replace({target}))")


def open_login_ticket(ticket: str) -> rx.event.EventSpec:
    """Bind the login ticket to this browser (an HttpOnly cookie set by ``POST /auth/session``), then redeem it:
    the ticket's URL logs in no other browser."""
    value = json.dumps(ticket)
    bind = (f"fetch('/auth/session', {{method: 'POST', credentials: 'same-origin', headers: "
            f"{{'Content-Type': 'application/json'}}, body: JSON.stringify({{ticket: {value}}})}})")
    return rx.call_script(f"window.cdsSession ? window.cdsSession.completeLogin({value}) : {bind}.finally(() => "
                          f"window.location.replace('/auth/session?ticket=' + encodeURIComponent({value})))")


def ui_call(call: str) -> str:
    """JavaScript that waits for wallet_ui.js, then runs ``CdsWalletUI.<call>`` (a promise)."""
    return ("(async () => { for (let i = 0; i < 200 && !window.CdsWalletUI; i++) "
            "await new Promise(r => setTimeout(r, 25)); "
            f"return window.CdsWalletUI ? window.CdsWalletUI.{call} "
            ": {ok: false, code: 'identity.ui.script_failed'}; })()")


def js_literal(value: Any) -> str:
    """``value`` as a JavaScript literal for a ``ui_call`` argument."""
    return json.dumps(value, ensure_ascii=True)


def result_code(result: Any) -> str:
    """The message key of a ``ui_call`` result's ``code``, if it is one the pages may show."""
    return safe_error_key(result.get("code") if isinstance(result, dict) else None)


def scan_qr(video_id: str, callback: rx.event.EventHandler) -> rx.event.EventSpec:
    """The camera reads one QR code into ``<video id=video_id>`` (the wallet script); ``callback`` gets the result."""
    return rx.call_script(ui_call(f"scan({js_literal(video_id)})"), callback=callback)


def scanned_text(result: Any, limit: int) -> str | None:
    """The text of a ``scan_qr`` result, at most ``limit`` characters; None when nothing was read."""
    if not isinstance(result, dict) or not result.get("ok"):
        return None
    return str(result.get("text", ""))[:limit]


class AuthState(rx.State):
    logged_in: bool = False
    display_name: str = ""
    roles: list[str] = []
    identity_level: int = 0
    notice_key: str = ""
    notice: dict[str, str] = {}

    _user_id: int | None = None
    _session_id: str | None = None
    _agency_id: int | None = None
    _checked_at: float = 0.0  # wall clock (states move between machines with Redis), when the cookie was proved
    _expires_at: float = 0.0  # wall clock: when the session expires
    _revision: str = "0"  # the session's revision at that proof (session_revision)
    _preferences_seen: dict[str, str] | None = None  # the browser's remembered preferences this tab last applied

    @rx.var
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @rx.var
    def is_official(self) -> bool:
        return "official" in self.roles or "admin" in self.roles

    @rx.var
    def is_volunteer(self) -> bool:
        return "volunteer" in self.roles

    def _set_notice(self, key: str) -> None:
        set_changed(self, notice_key=key, notice=both(key) if key else {})  # every page load sets it

    def _clear(self) -> None:
        self.logged_in, self.display_name, self.roles, self.identity_level = False, "", [], 0
        self._user_id = self._session_id = self._agency_id = None
        self._checked_at, self._expires_at, self._revision = 0.0, 0.0, "0"

    @rx.event
    def load_session(self):
        """Resolve the HttpOnly session cookie to the user, server-side (``load_page`` does this on every page
        load, reading the session's revision as every worker sees it; this event reads this worker's)."""
        raw = cookie_value(self.router.headers.cookie)
        return self._prove_cookie(raw, session_revision.local(service.token_hash(raw) if raw else None))

    def _prove_cookie(self, raw: str | None, revision: str):
        """A tab that proved the same cookie less than ``SESSION_RECHECK_SECONDS`` ago, and whose session has
        not changed since (``session_revision``), skips the database: a citizen moving between pages costs no
        queries, and a session closed elsewhere ends here at once."""
        self._set_notice(_NOTICE_FROM_QUERY.get(page_params(self).get("notice", ""), ""))
        if self._recently_proved(raw, revision):
            return None
        proved_at = time.time()
        with session_scope() as db:
            status, info = service.lookup_session(db, raw)
        if info is None:
            self._clear()
            if status in ("invalid", "expired"):
                self._set_notice(f"auth.session_{status}")
                return rx.call_script(_SESSION_ENDED_JS)
            return None
        self._adopt(info, revision, proved_at)
        return None

    def _adopt(self, info: service.SessionInfo, revision: str, proved_at: float) -> None:
        set_changed(self, logged_in=True, display_name=info.full_name, roles=sorted(info.roles))
        self._user_id, self._session_id, self._agency_id = info.user_id, info.session_id, info.agency_id
        self._checked_at, self._expires_at, self._revision = proved_at, info.expires_at.timestamp(), revision

    async def _still_live(self) -> bool:
        """Is the session this tab acts for still open? Its revision is read first (one Redis GET with
        several workers, a dict lookup without); the database is asked only when the revision changed or
        the last proof is older than ``SESSION_RECHECK_SECONDS``."""
        revision = await session_revision.current(self._session_id)
        now = time.time()
        if revision == self._revision and now - self._checked_at < SESSION_RECHECK_SECONDS \
                and now < self._expires_at:
            return True
        with session_scope() as db:
            _status, info = service.session_status(db, self._session_id)
        if info is None:
            self._clear()
            self._set_notice("auth.session_ended")
            return False
        self._adopt(info, revision, now)
        return True

    @rx.event
    async def load_page(self, route: str):
        """The on_load event of every page: prove the session (``load_session``), then run the page's own load
        handlers inside this same event.

        Every event of a navigation waits for its turn on the worker's loop and sends its own update; one event
        instead of two takes a whole wait off each page load under load. When nothing follows it, its update also
        marks the page hydrated.
        """
        return await self._load_page(route) or None

    async def _load_page(self, route: str) -> list[Any]:
        """``load_page``'s work, also run by ``InlinePageLoad`` inside Reflex's navigation event: the page's
        follow-up events (scripts for the browser, handlers that run after)."""
        await self._restore_preferences()
        raw = cookie_value(self.router.headers.cookie)
        results = [self._prove_cookie(raw, await session_revision.current(service.token_hash(raw) if raw else None))]
        for handler in _PAGE_LOADS.get(route, ()):
            result = handler.fn(await self.get_state(handler.state))
            results.append(await result if inspect.isawaitable(result) else result)
        followups = [event for result in results if result is not None
                     for event in (result if isinstance(result, list) else [result])]
        if route not in _PAGE_LOAD_TAILS and not any(_is_backend_event(event) for event in followups):
            # The page holds everything it loads now: say so in this update rather than in Reflex's
            # set_is_hydrated event that follows, which would add one more wait in the queue.
            (await self.get_state(rx.State)).is_hydrated = True
        return followups

    async def _restore_preferences(self) -> None:
        """Apply the language and text size the browser remembers, when the tab (re)connects with new ones.

        The cookie header is the websocket's, fixed at connect: a choice made in this tab since is already in
        the state and must not be undone by the header's older value on the next navigation.
        """
        preferences = remembered_preferences(self.router.headers.cookie)
        if preferences == self._preferences_seen:
            return
        self._preferences_seen = preferences
        (await self.get_state(LangState))._restore(preferences)

    def _recently_proved(self, raw: str | None, revision: str) -> bool:
        now = time.time()
        return (bool(raw) and self._session_id == service.token_hash(raw or "") and revision == self._revision
                and now - self._checked_at < SESSION_RECHECK_SECONDS and now < self._expires_at)

    def _require_user(self) -> int:
        if self._user_id is None:
            raise NotAllowed("error.login_required")
        return self._user_id


def _runs_inline(handler: object) -> bool:
    """A plain foreground handler without arguments: it can run inside ``load_page``. Generators (which
    stream several updates) and background tasks keep their own event."""
    if not isinstance(handler, rx.event.EventHandler) or handler.state is None or handler.is_background:
        return False
    fn = handler.fn
    return not (inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)) and \
        len(inspect.signature(fn).parameters) == 1


def _is_backend_event(event: object) -> bool:
    """A follow-up that runs on the server (a state's handler), not in the browser (script, redirect)."""
    handler = getattr(event, "handler", event)
    return isinstance(handler, rx.event.EventHandler) and handler.state is not None


def page_on_load(route: str, handlers: Sequence[object]) -> list[object]:
    """The on_load list for a page: ``AuthState.load_page(route)`` runs the session proof and the page's
    own handlers in one event; handlers that cannot run inline follow as their own events."""
    _PAGE_LOADS[route] = tuple(h for h in handlers if _runs_inline(h))  # type: ignore[misc]
    tail = [h for h in handlers if not _runs_inline(h)]
    load = AuthState.load_page(route)
    if (before := _INLINE_LOADS.pop(route, None)) is not None:
        _INLINE_ROUTES.pop(id(before), None)
    if tail:
        _PAGE_LOAD_TAILS.add(route)
    else:
        _PAGE_LOAD_TAILS.discard(route)
        _INLINE_LOADS[route], _INLINE_ROUTES[id(load)] = load, route
    return [load, *tail]


# Pages whose whole on_load is the one ``load_page`` event: the event (kept alive here) and, by its id, its route.
_INLINE_LOADS: dict[str, Any] = {}
_INLINE_ROUTES: dict[int, str] = {}
_ON_LOAD_INTERNAL = format_event_handler(OnLoadInternalState.event_handlers["on_load_internal"])
_SET_IS_HYDRATED = format_event_handler(OnLoadInternalState.event_handlers["set_is_hydrated"])


class InlinePageLoad(Middleware):
    """A navigation in one event: the page's load runs inside Reflex's own navigation event.

    On every client-side navigation the browser sends Reflex's ``on_load_internal``, whose handler only queues
    the page's on_load events (here the one ``load_page``) and then ``set_is_hydrated``: three events, each
    waiting its turn on the worker's loop, locking the tab's state, building and sending an update. For a page
    whose on_load is ``load_page`` alone, this middleware (Reflex's hook before a handler runs) does the same
    work in the first event: the session proof and the page's reads, then one update with the page's data and
    ``is_hydrated``. The browser marks the page not hydrated itself when the navigation starts, so it sees what
    it saw before, in one update instead of three.

    Everything else goes Reflex's way: a tab whose state is not hydrated (the first page load after
    connecting, a state Reflex has to rehydrate, a chain a newer navigation cut short), pages with load events
    that cannot run inline, and every other event. ``set_is_hydrated(True)`` for a page ``load_page`` already
    marked hydrated has nothing to change and sends nothing.
    """

    async def preprocess(self, app: Any, state: Any, event: Any) -> Any:
        if event.name == _ON_LOAD_INTERNAL:
            return await _inline_page_load(app, state._get_root_state())
        if event.name == _SET_IS_HYDRATED and event.payload.get("value") is True \
                and state._get_root_state().is_hydrated:
            return StateUpdate()
        return None


async def _inline_page_load(app: Any, root: Any) -> StateUpdate | None:
    if not root.is_hydrated:
        return None
    load_events = app.get_load_events(root.rx_router_url.path)  # Reflex's own lookup of the page's on_load
    route = _INLINE_ROUTES.get(id(load_events[0])) if len(load_events) == 1 else None
    if route is None or _INLINE_LOADS.get(route) is not load_events[0]:
        return None
    root.is_hydrated = False  # until the page holds what it loads (as on_load_internal does)
    auth = await root.get_state(AuthState)
    followups = await auth._load_page(route)
    if any(_is_backend_event(event) for event in followups):
        followups.append(OnLoadInternalState.set_is_hydrated(True))  # after them, as Reflex's chain does
    try:
        delta = await root._get_resolved_delta()
    finally:
        root._clean()
    return StateUpdate(delta=delta, events=Event.from_event_type(followups) if followups else [])


async def acting_user(state: rx.State) -> tuple[int | None, str | None]:
    """(user id, session id) of the browser behind ``state``, from the backend-only auth vars, once the session
    is proved still open: a tab whose session was closed in another request (logout in another tab, "log out of
    all devices", a password change or recovery) is refused at its next action, on whichever worker."""
    auth = await state.get_state(AuthState)
    if auth._user_id is None or not await auth._still_live():
        return None, None
    return auth._user_id, auth._session_id


def _in_transaction(action: Callable[..., Any], *args: Any) -> Any:
    with session_scope() as db:
        return action(db, *args)


async def in_thread(action: Callable[..., Any], *args: Any) -> Any:
    """Run ``action(db, *args)`` in one transaction on a worker thread. Needed for PDF signing: pyHanko's
    synchronous API calls ``asyncio.run``, which cannot run inside the event loop of a Reflex handler."""
    return await asyncio.to_thread(_in_transaction, action, *args)


class FormErrorMixin(rx.State, mixin=True):
    error: dict[str, str] = {}
    busy: bool = False

    def _fail(self, exc: DomainError) -> None:
        self.error = both(exc.code, **exc.params)

    async def _run_action(self, action: Callable[..., Any], *args: Any, done: str = "", threaded: bool = False,
                          **params: Any) -> Any:
        """The one way a page runs a user action: ``action(db, user_id, *args)`` for the live session's user in
        one transaction (on a worker thread when ``threaded``). A ``DomainError`` rolls it back and becomes the
        translated form error (returns ``None``); success clears the error, shows ``done`` as the notice (a
        state with a ``notice`` var) and returns the action's result, or ``True`` when it returns nothing."""
        user_id, _ = await acting_user(self)
        try:
            result = await in_thread(action, user_id, *args) if threaded else _in_transaction(action, user_id, *args)
        except DomainError as exc:
            self._fail(exc)
            if hasattr(self, "notice"):
                self.notice = {}
            return None
        self.error = {}
        if done:
            self.notice = both(done, **params)
        return True if result is None else result


class NoticeMixin(rx.State, mixin=True):
    """Error and info messages of the identity, wallet and signing pages: both are ``{"vi", "en"}`` dicts shown
    with ``t_var``."""

    error: dict[str, str] = {}
    info: dict[str, str] = {}

    def _fail(self, exc: DomainError) -> None:
        self.error, self.info = msg(exc.code, **exc.params), {}

    def _fail_key(self, key: str) -> None:
        self.error, self.info = msg(safe_error_key(key)), {}

    def _ok(self, key: str, **params: object) -> None:
        self.error, self.info = {}, msg(key, **params)

    async def _user(self) -> int:
        user_id, _ = await acting_user(self)
        if user_id is None:
            raise NotAllowed("error.login_required")
        return user_id


class LoginState(FormErrorMixin, rx.State):
    @rx.event
    def reset_form(self):
        self.error, self.busy = {}, False
        key = page_params(self).get("error", "")
        if key in ("oidc_failed", "oidc_disabled", "ticket_invalid", "ticket_other_browser"):
            self.error = both(f"error.{key}")

    @rx.event
    async def submit(self, form_data: dict):
        identifier = str(form_data.get("identifier", ""))[:254]
        password = str(form_data.get("password", ""))[:256]
        ip = self.router.session.client_ip or ""
        try:
            with session_scope() as db:
                user = service.authenticate(db, identifier, password, ip)
                ticket = service.create_login_ticket(db, user.id, page_params(self).get("next", "/"))
                lang = normalize_lang(user.lang)
        except DomainError as exc:
            if exc.code == "error.login_failed":
                with session_scope() as db:
                    service.record_failed_login(db, identifier, ip)
            self._fail(exc)
            return None
        self.error = {}
        (await self.get_state(LangState)).lang = lang
        return [rx.call_script(remember_script(LANG_COOKIE, lang)), open_login_ticket(ticket)]


class RegisterState(FormErrorMixin, rx.State):
    """Two steps (``identity.registration``): the form, then the code sent to the phone/e-mail."""

    step: str = "form"  # "form" or "code"
    sent_to: dict[str, str] = {}
    _pending: str = ""  # the pending registration's id: backend-only, never sent to the browser

    @rx.event
    def reset_form(self):
        self.error, self.busy, self.step, self.sent_to, self._pending = {}, False, "form", {}, ""

    @rx.event
    async def submit(self, form_data: dict):
        lang = (await self.get_state(LangState)).lang
        try:
            with session_scope() as db:
                started = registration.start_registration(
                    db, str(form_data.get("identifier", ""))[:254], str(form_data.get("password", ""))[:256],
                    str(form_data.get("full_name", ""))[:200], lang,
                    password_confirm=str(form_data.get("password2", ""))[:256],
                    consent=bool(form_data.get("consent")), ip=self.router.session.client_ip or "")
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.step, self._pending = {}, "code", started.pending_id
        self.sent_to = both("identity.register.code_sent", to=started.sent_to)

    @rx.event
    def confirm(self, form_data: dict):
        try:
            with session_scope() as db:
                user = registration.confirm_registration(db, self._pending, str(form_data.get("code", ""))[:20])
                ticket = service.create_login_ticket(db, user.id, "/")
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error, self._pending = {}, ""
        return open_login_ticket(ticket)


class AccountState(FormErrorMixin, rx.State):
    sessions: list[dict[str, str]] = []
    has_password: bool = False
    password_saved: dict[str, str] = {}
    password_error: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.password_saved, self.password_error = {}, {}
        self._show(*await acting_user(self))

    def _show(self, user_id: int | None, current: str | None) -> None:
        if user_id is None:
            self.sessions, self.has_password = [], False
            return
        with session_scope() as db:
            rows = service.list_sessions(db, user_id)
            self.has_password = db.get(service.UserAccount, user_id).password_hash is not None
        self.sessions = [
            {"id": row.id, "device": row.user_agent[:80] or "?", "last_seen": format_datetime(row.last_seen_at),
             "current": "1" if row.id == current else ""}
            for row in rows
        ]

    @rx.event
    async def sign_out_device(self, session_id: str):
        user_id, current = await acting_user(self)
        if user_id is None:
            return None
        try:
            with session_scope() as db:
                service.close_own_session(db, user_id, str(session_id))
        except DomainError as exc:
            self._fail(exc)
            return None
        if session_id == current:
            return sign_out(LOGGED_OUT_URL)
        return AccountState.load

    @rx.event
    async def logout_all(self):
        user_id, _ = await acting_user(self)
        if user_id is not None:
            with session_scope() as db:
                service.close_all_sessions(db, user_id)
        return sign_out("/?notice=logged_out_all")


    @rx.event
    async def change_password(self, form_data: dict):
        """Current password, new password twice; every other session of the account ends at once."""
        user_id, current = await acting_user(self)
        self.password_saved, self.password_error = {}, {}
        try:
            with session_scope() as db:
                closed = service.change_password(
                    db, user_id, current, str(form_data.get("password_current", ""))[:256],
                    str(form_data.get("password_new", ""))[:256], str(form_data.get("password_new2", ""))[:256],
                    self.router.session.client_ip or "")
        except DomainError as exc:
            self.password_error = both(exc.code, **exc.params)
            return None
        self.password_saved = both("auth.password_changed", n=closed)
        self._show(user_id, current)
        return rx.call_script("document.getElementById('password-form').reset()")

    @rx.event
    async def remember_lang(self):
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        if user_id is not None:
            with session_scope() as db:
                service.set_lang(db, user_id, lang)


class AdminState(FormErrorMixin, rx.State):
    users: list[dict[str, str]] = []
    agencies: list[dict[str, str]] = []
    query: str = ""
    saved: dict[str, str] = {}

    @rx.event
    async def load(self):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                users = service.search_users(db, user_id, self.query)
                self.users = [self._user_row(db, u) for u in users]
                self.agencies = [{"code": a.code, "name": a.name_vi} for a in service.list_agencies(db)]
        except DomainError as exc:
            self.users, self.agencies = [], []
            self._fail(exc)

    @staticmethod
    def _user_row(db, user) -> dict[str, str]:
        agency = db.get(service.Agency, user.agency_id) if user.agency_id else None
        return {"id": str(user.id), "name": user.full_name, "login": user.phone or user.email or "",
                "roles": ",".join(sorted(service.roles_of(db, user.id))), "agency": agency.code if agency else ""}

    @rx.event
    async def search(self, form_data: dict):
        self.query = str(form_data.get("q", ""))[:100]
        return AdminState.load

    @rx.event
    async def save_roles(self, form_data: dict):
        user_id, _ = await acting_user(self)
        try:
            target = int(form_data.get("user_id", 0))
            roles = {role for role in ROLES if form_data.get(f"role_{role}")}
            with session_scope() as db:
                service.set_roles(db, user_id, target, roles, form_data.get("agency") or None)
                name = db.get(service.UserAccount, target).full_name
        except (ValueError, TypeError):
            self._fail(DomainError("error.not_found"))
            return None
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error, self.saved = {}, both("admin.saved", name=name)
        return AdminState.load
