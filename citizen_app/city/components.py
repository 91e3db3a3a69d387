"""Building blocks of the city pages, including the home-page search box ``lookup_box()``."""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.ui.components import pick as pick


def lookup_box(element_id: str = "lookup-box", value: rx.Var | str = "", on_submit: Any = None) -> rx.Component:
    """The one search box. On the home page it opens /lookup?q=…; on /lookup it searches in place."""
    from citizen_app.city.state import CityLookupState

    field_id = f"{element_id}-q"
    return rx.form(
        rx.el.label(t("city.lookup.box_label"), html_for=field_id, class_name="cds-label"),
        rx.el.p(t("city.lookup.box_hint"), id=f"{field_id}-hint", class_name="cds-hint"),
        rx.el.div(
            rx.el.input(id=field_id, name="q", type="search", class_name="cds-input", auto_complete="off",
                        aria_describedby=f"{field_id}-hint", default_value=value, enter_key_hint="search",
                        max_length=200),
            rx.el.button(rx.icon("search", size=20, aria_hidden="true"), t("city.lookup.search"), type="submit",
                         class_name="cds-button", id=f"{element_id}-submit"),
            class_name="cds-actions",
        ),
        on_submit=on_submit or CityLookupState.go, role="search", id=element_id, class_name="cds-form",
    )


def notice_box(notice: rx.Var, element_id: str = "city-notice") -> rx.Component:
    return rx.cond(notice.length() > 0,  # type: ignore[attr-defined]
                   rx.callout(t_var(notice), icon="check", role="status", id=element_id, margin_bottom="1em"))


def text_field(label_key: str, name: str, *, hint_key: str | None = None, required: bool = False,
               type_: str = "text", max_length: int = 200, default: rx.Var | str = "", key: rx.Var | str = "",
               input_mode: str | None = None) -> rx.Component:
    field_id = f"f-{name}"
    props = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    if input_mode:
        props["input_mode"] = input_mode
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else None,
        rx.el.input(id=field_id, name=name, type=type_, required=required, class_name="cds-input",
                    auto_complete="off", max_length=max_length, default_value=default, key=key, **props),
        class_name="cds-field",
    )


def area_field(label_key: str, name: str, *, required: bool = False, max_length: int = 2000) -> rx.Component:
    field_id = f"f-{name}"
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.textarea(id=field_id, name=name, required=required, class_name="cds-input", rows=4,
                       max_length=max_length),
        class_name="cds-field",
    )


def badge(text: rx.Var | str, tone: str = "gray") -> rx.Component:
    return rx.badge(text, color_scheme=tone, variant="soft", size="2")
