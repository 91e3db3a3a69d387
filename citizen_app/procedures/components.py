"""Building blocks of the procedures pages (GOV.UK patterns: question pages, summary lists, timelines)."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.procedures.views import FieldView
from citizen_app.ui.components import pick as pick

ERROR_STYLE = {"color": "#b3261e", "font_weight": "600", "margin": "0"}
SUMMARY_STYLE = {"display": "grid", "grid_template_columns": "minmax(0, 1fr)", "gap": "4px", "padding": "12px 0",
                 "border_bottom": "1px solid #d5dbe1"}


def back_link(href: rx.Var | str) -> rx.Component:
    return rx.link(rx.icon("chevron-left", size=18, aria_hidden="true"), t("procedures.ui.back"), href=href,
                   class_name="cds-help", id="back-link")


def notice(message: rx.Var) -> rx.Component:
    return rx.cond(message.length() > 0,  # type: ignore[attr-defined]
                   rx.callout(t_var(message), icon="check", role="status", id="proc-notice", margin_bottom="1em"))


def _label(view: rx.Var) -> rx.Component:
    return rx.el.label(pick(view.label_vi, view.label_en), html_for="f-" + view.id, class_name="cds-label")


def _hint(view: rx.Var) -> rx.Component:
    return rx.cond(view.hint_vi != "", rx.el.p(pick(view.hint_vi, view.hint_en), id="f-" + view.id + "-hint",
                                                 class_name="cds-hint"))


def _error(view: rx.Var) -> rx.Component:
    return rx.cond(view.error_vi != "", rx.el.p(pick(view.error_vi, view.error_en), id="f-" + view.id + "-error",
                                                  style=ERROR_STYLE))


def _text_input(view: rx.Var) -> rx.Component:
    return rx.el.input(id="f-" + view.id, name=view.id, default_value=view.value, input_mode=view.input_mode,
                       class_name="cds-input", auto_complete="off", aria_describedby="f-" + view.id + "-hint",
                       aria_invalid=rx.cond(view.error_vi != "", "true", "false"))


def _select(view: rx.Var) -> rx.Component:
    return rx.el.select(
        rx.el.option(t("procedures.ui.choose"), value=""),
        rx.foreach(view.options, lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value)),
        id="f-" + view.id, name=view.id, default_value=view.value, class_name="cds-input",
    )


def _radios(view: rx.Var) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(pick(view.label_vi, view.label_en), class_name="cds-label"),
        _hint(view),
        _error(view),
        rx.foreach(view.options, lambda o: rx.el.label(
            rx.el.input(type="radio", name=view.id, value=o.value, default_checked=view.value == o.value,
                        class_name="cds-check"),
            pick(o.label_vi, o.label_en), class_name="cds-check-label")),
    )


def _checkbox(view: rx.Var) -> rx.Component:
    return rx.el.div(
        _error(view),
        rx.el.label(rx.el.input(type="checkbox", name=view.id, id="f-" + view.id, default_checked=view.checked,
                                class_name="cds-check"),
                    pick(view.label_vi, view.label_en), class_name="cds-check-label"),
        _hint(view),
    )


def _textarea(view: rx.Var) -> rx.Component:
    return rx.el.textarea(id="f-" + view.id, name=view.id, default_value=view.value, class_name="cds-input",
                          rows=3)


def _labelled(view: rx.Var, control: rx.Component) -> rx.Component:
    return rx.fragment(_label(view), _hint(view), _error(view), control)


def question(view: rx.Var) -> rx.Component:
    """One answer of a question page, by its schema type."""
    body = rx.match(
        view.kind,
        ("radio", _radios(view)),
        ("checkbox", _checkbox(view)),
        ("select", "agency", _labelled(view, _select(view))),
        ("textarea", _labelled(view, _textarea(view))),
        _labelled(view, _text_input(view)),
    )
    return rx.el.div(body, class_name="cds-field", key=view.key)


def fields_of(views: rx.Var) -> rx.Component:
    return rx.foreach(views, lambda v: question(v.to(FieldView)))


def summary_row(label: rx.Var, value: rx.Var, href: rx.Var | None = None) -> rx.Component:
    change = rx.cond(href != "", rx.link(t("procedures.ui.change"), href=href, class_name="cds-help")) \
        if href is not None else None
    return rx.el.div(rx.el.dt(label, style={"font_weight": "600"}), rx.el.dd(value, margin="0"), change,
                     style=SUMMARY_STYLE)


def error_list(errors: rx.Var) -> rx.Component:
    return rx.cond(errors.length() > 0,  # type: ignore[attr-defined]
                   rx.el.ul(rx.foreach(errors, lambda e: rx.el.li(t_var(e))), style=ERROR_STYLE,
                            id="error-list"))
