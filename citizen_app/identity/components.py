"""Small components of the identity, wallet and signing pages: form fields with hints, messages, definition lists
and the script behind their passkey and QR parts."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.identity.state import WALLET_UI_JS


def term(*children: rx.Component | rx.Var | str) -> rx.Component:
    return rx.el.dt(*children, style={"font_weight": "700", "margin_top": "0.4em"})


def detail(*children: rx.Component | rx.Var | str, **props) -> rx.Component:
    return rx.el.dd(*children, style={"margin": "0"}, **props)


def ui_script() -> rx.Component:
    return rx.script(src=WALLET_UI_JS)


def info_callout(var: rx.Var, element_id: str = "wallet-info") -> rx.Component:
    return rx.cond(var.length() > 0, rx.callout(t_var(var), icon="info", role="status", id=element_id))  # type: ignore[attr-defined]


def outline_button(label_key: str, type_: str = "button", **props) -> rx.Component:
    return rx.el.button(t(label_key), type=type_, class_name="cds-button cds-button-outline", **props)


def textarea_field(label_key: str, name: str, hint_key: str | None = None, rows: int = 3, **props) -> rx.Component:
    field_id = f"f-{name}"
    hint = rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else None
    extra = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        hint,
        rx.el.textarea(id=field_id, name=name, rows=rows, class_name="cds-input", spell_check=False,
                       auto_complete="off", **extra, **props),
        class_name="cds-field",
    )


def input_field(label_key: str, name: str, *, value: rx.Var | str = "", type_: str = "text",
                hint_key: str | None = None, autocomplete: str = "off", required: bool = False, field_id: str = "",
                **props) -> rx.Component:
    field_id = field_id or f"f-{name}"
    hint = rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else None
    extra = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        hint,
        rx.el.input(id=field_id, name=name, type=type_, default_value=value, auto_complete=autocomplete,
                    required=required, class_name="cds-input", **extra, **props),
        class_name="cds-field",
    )
