"""The language switch: vi default, unknown codes fall back, toggling flips and sets <html lang>."""

from __future__ import annotations

import pytest
import reflex as rx

from citizen_app.i18n.state import LangState, remember_script, remembered_preferences


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


def test_set_lang_remembers_the_choice_in_the_browser() -> None:
    script = LangState.set_lang.fn(_lang_state(), "en").args[0][1]._var_value
    assert "cds_lang=en; path=/" in script and 'localStorage.setItem("cds_lang", "en")' in script


def test_remembered_preferences_keep_only_valid_values() -> None:
    header = "cds_sid=abc; cds_lang=en; cds_large=1"
    assert remembered_preferences(header) == {"cds_lang": "en", "cds_large": "1"}
    assert remembered_preferences("cds_lang=fr; cds_large=yes") == {}
    assert remembered_preferences('cds_lang="unterminated') == {}
    assert remembered_preferences(None) == {}


def test_remember_script_refuses_values_outside_the_choices() -> None:
    with pytest.raises(ValueError):
        remember_script("cds_lang", "en'; alert(1); '")
