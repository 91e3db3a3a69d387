"""Client-side language switching: lookups run in the browser, no round trip per string."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.catalog import DEFAULT_LANG, LANGS, catalog


class LangState(rx.State):
    """Language and large-text preference, remembered per browser (and per user when logged in)."""

    lang: str = rx.LocalStorage(DEFAULT_LANG, name="cds_lang", sync=True)
    large_text: str = rx.LocalStorage("0", name="cds_large", sync=True)

    @rx.event
    def set_lang(self, code: str):
        self.lang = code if code in LANGS else DEFAULT_LANG
        return rx.call_script(f"document.documentElement.lang = '{self.lang}'")

    @rx.event
    def toggle_lang(self):
        return self.set_lang("en" if self.lang == "vi" else "vi")

    @rx.event
    def toggle_large_text(self):
        self.large_text = "0" if self.large_text == "1" else "1"
        flag = "true" if self.large_text == "1" else "false"
        return rx.call_script(f"document.documentElement.classList.toggle('cds-large', {flag})")


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
