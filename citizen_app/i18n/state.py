"""Client-side language switching: lookups run in the browser, no round trip per string.

The language and large-text choices are remembered by the browser in a cookie (which the server reads when a
tab connects) and in localStorage (which ``assets/shell.js`` reads before the app renders, and the offline
verifier reads). They are plain state vars, not ``rx.LocalStorage``: Reflex sends every client-storage var
in an event of its own on every navigation, one more wait in the worker's queue per page.
"""

from __future__ import annotations

import json

import reflex as rx

from citizen_app.core.http import cookie_values
from citizen_app.i18n.catalog import DEFAULT_LANG, LANG_COOKIE, LANGS, catalog, normalize_lang
from citizen_app.ui.delta import set_changed

LARGE_TEXT_COOKIE = "cds_large"
PREFERENCE_MAX_AGE_SECONDS = 400 * 86400  # the longest lifetime browsers keep a cookie
_ALLOWED = {LANG_COOKIE: LANGS, LARGE_TEXT_COOKIE: ("0", "1")}


def remember_script(name: str, value: str) -> str:
    """JavaScript that keeps a preference in this browser (cookie and localStorage)."""
    if value not in _ALLOWED[name]:
        raise ValueError(f"{name}={value!r}")
    cookie = f"{name}={value}; path=/; max-age={PREFERENCE_MAX_AGE_SECONDS}; samesite=lax"
    return (f"try {{ localStorage.setItem({json.dumps(name)}, {json.dumps(value)}); }} catch (e) {{}}\n"
            f"document.cookie = {json.dumps(cookie)} + (location.protocol === 'https:' ? '; secure' : '');\n")


def remembered_preferences(cookie_header: str | None) -> dict[str, str]:
    """The valid preferences in a Cookie header: ``{"cds_lang": "en", "cds_large": "1"}`` (absent ones left out)."""
    cookies = cookie_values(cookie_header)
    return {name: cookies[name] for name, allowed in _ALLOWED.items() if cookies.get(name) in allowed}


class LangState(rx.State):
    """Language and large-text preference, remembered per browser (and per user when logged in)."""

    lang: str = DEFAULT_LANG
    large_text: str = "0"

    def _restore(self, preferences: dict[str, str]) -> None:
        """Apply what the browser remembered (only the values that differ, so nothing is re-sent)."""
        set_changed(self, lang=preferences.get(LANG_COOKIE, self.lang),
                    large_text=preferences.get(LARGE_TEXT_COOKIE, self.large_text))

    @rx.event
    def set_lang(self, code: str):
        self.lang = normalize_lang(code)
        return rx.call_script(remember_script(LANG_COOKIE, self.lang)
                              + f"document.documentElement.lang = '{self.lang}'")

    @rx.event
    def toggle_lang(self):
        return self.set_lang("en" if self.lang == "vi" else "vi")

    @rx.event
    def toggle_large_text(self):
        self.large_text = "0" if self.large_text == "1" else "1"
        flag = "true" if self.large_text == "1" else "false"
        return rx.call_script(remember_script(LARGE_TEXT_COOKIE, self.large_text)
                              + f"document.documentElement.classList.toggle('cds-large', {flag})")


def t(key: str) -> rx.Var[str]:
    """The message for ``key`` in the current language (inlines only this key's texts)."""
    texts = catalog()[key]  # KeyError at compile time for a missing key: caught by the build
    return rx.Var.create(texts)[LangState.lang].to(str)


def t_var(texts: rx.Var) -> rx.Var[str]:
    """Pick the current language from a ``{"vi": ..., "en": ...}`` state var (server messages)."""
    return texts[LangState.lang].to(str)


def both(key: str, **params: object) -> dict[str, str]:
    """A server message in both languages, for state vars the page shows via ``t_var``."""
    texts = catalog().get(key) or {"vi": key, "en": key}
    return {lang: (texts.get(lang, key).format(**params) if params else texts.get(lang, key)) for lang in LANGS}
