"""Thin Reflex states for login, registration, the account page and role administration.

Every handler authorizes on the server; the browser only ever sees its own display data.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Sequence

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.http import cookie_values
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import normalize_lang
from citizen_app.i18n.state import LANG_COOKIE, LangState, both, remember_script, remembered_preferences
from citizen_app.identity import registration, service
from citizen_app.identity.models import ROLES
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import page_params

COOKIE_NAME = service.SESSION_COOKIE
_NOTICE_FROM_QUERY = {"logged_out": "auth.logged_out", "logged_out_all": "auth.logged_out_all"}
SESSION_RECHECK_SECONDS = 15
_CLEAR_COOKIE_JS = "fetch('/auth/logout', {method: 'POST', credentials: 'same-origin'})"

# route -> the page's own on_load handlers, run inside AuthState.load_page's event (see page_on_load)
_PAGE_LOADS: dict[str, tuple[rx.event.EventHandler, ...]] = {}
# routes whose on_load list goes on after load_page (handlers that cannot run inline)
_PAGE_LOAD_TAILS: set[str] = set()


def cookie_value(header: str | None, name: str = COOKIE_NAME) -> str | None:
    return cookie_values(header).get(name)


def go_to(url: str) -> rx.event.EventSpec:
    """A full page load (new websocket, so the server sees the new cookie)."""
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


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
        self._checked_at = 0.0

    @rx.event
    def load_session(self):
        """on_load of every page: resolve the HttpOnly session cookie to the user, server-side.

        A tab that proved the same cookie less than ``SESSION_RECHECK_SECONDS`` ago skips the database: a
        citizen moving between pages costs no queries, and a session closed elsewhere (log out everywhere,
        an admin's role change) reaches this tab within that delay.
        """
        raw = cookie_value(self.router.headers.cookie)
        self._set_notice(_NOTICE_FROM_QUERY.get(page_params(self).get("notice", ""), ""))
        if self._recently_proved(raw):
            return None
        with session_scope() as db:
            status, info = service.lookup_session(db, raw)
        self._checked_at = time.time() if info is not None else 0.0
        if info is None:
            self._clear()
            if status in ("invalid", "expired"):
                self._set_notice(f"auth.session_{status}")
                return rx.call_script(_CLEAR_COOKIE_JS)
            return None
        self.logged_in, self.display_name = True, info.full_name
        self.roles = sorted(info.roles)
        self._user_id, self._session_id, self._agency_id = info.user_id, info.session_id, info.agency_id
        return None

    @rx.event
    async def load_page(self, route: str):
        """The on_load event of every page: prove the session (``load_session``), then run the page's own load
        handlers inside this same event.

        Every event of a navigation waits for its turn on the worker's loop and sends its own update; one event
        instead of two takes a whole wait off each page load under load. When nothing follows it, its update also
        marks the page hydrated.
        """
        await self._restore_preferences()
        results = [AuthState.load_session.fn(self)]
        for handler in _PAGE_LOADS.get(route, ()):
            result = handler.fn(await self.get_state(handler.state))
            results.append(await result if inspect.isawaitable(result) else result)
        followups = [event for result in results if result is not None
                     for event in (result if isinstance(result, list) else [result])]
        if route not in _PAGE_LOAD_TAILS and not any(_is_backend_event(event) for event in followups):
            # The page holds everything it loads now: say so in this update rather than in Reflex's
            # set_is_hydrated event that follows, which would add one more wait in the queue.
            (await self.get_state(rx.State)).is_hydrated = True
        return followups or None

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

    def _recently_proved(self, raw: str | None) -> bool:
        return (bool(raw) and self._session_id == service.token_hash(raw or "")
                and time.time() - self._checked_at < SESSION_RECHECK_SECONDS)

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
    if tail:
        _PAGE_LOAD_TAILS.add(route)
    else:
        _PAGE_LOAD_TAILS.discard(route)
    return [AuthState.load_page(route), *tail]


async def acting_user(state: rx.State) -> tuple[int | None, str | None]:
    """(user id, session id) of the browser behind ``state``, from the backend-only auth vars."""
    auth = await state.get_state(AuthState)
    return auth._user_id, auth._session_id


class FormErrorMixin(rx.State, mixin=True):
    error: dict[str, str] = {}
    busy: bool = False

    def _fail(self, exc: DomainError) -> None:
        self.error = both(exc.code, **exc.params)


class LoginState(FormErrorMixin, rx.State):
    @rx.event
    def reset_form(self):
        self.error, self.busy = {}, False
        key = page_params(self).get("error", "")
        if key in ("oidc_failed", "oidc_disabled", "ticket_invalid"):
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
        return [rx.call_script(remember_script(LANG_COOKIE, lang)), go_to(f"/auth/session?ticket={ticket}")]


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
        return go_to(f"/auth/session?ticket={ticket}")


class AccountState(FormErrorMixin, rx.State):
    sessions: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        user_id, current = await acting_user(self)
        if user_id is None:
            self.sessions = []
            return
        with session_scope() as db:
            rows = service.list_sessions(db, user_id)
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
            return rx.call_script(f"{_CLEAR_COOKIE_JS}.finally(() => window.location.replace('/?notice=logged_out'))")
        return AccountState.load

    @rx.event
    async def logout_all(self):
        user_id, _ = await acting_user(self)
        if user_id is not None:
            with session_scope() as db:
                service.close_all_sessions(db, user_id)
        return rx.call_script(f"{_CLEAR_COOKIE_JS}.finally(() => window.location.replace('/?notice=logged_out_all'))")

    @rx.event
    def logout(self):
        return rx.call_script(f"{_CLEAR_COOKIE_JS}.finally(() => window.location.replace('/?notice=logged_out'))")

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
    def _user_row(db, user) -> dict[str, str]:  # noqa: ANN001
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
