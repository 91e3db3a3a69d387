"""The language switch: vi default, unknown codes fall back, toggling flips and sets <html lang>."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState


def _lang_state() -> LangState:
    root = rx.State()
    return root.get_substate(LangState.get_full_name().split(".")[1:])


def test_unknown_language_falls_back_to_vietnamese() -> None:
    state = _lang_state()
    LangState.set_lang.fn(state, "fr")
    assert state.lang == "vi"


def test_toggle_flips_both_ways() -> None:
    state = _lang_state()
    LangState.toggle_lang.fn(state)
    assert state.lang == "en"
    LangState.toggle_lang.fn(state)
    assert state.lang == "vi"


def test_large_text_toggle() -> None:
    state = _lang_state()
    LangState.toggle_large_text.fn(state)
    assert state.large_text == "1"
