"""Helper-mode pages: a citizen enters a volunteer's one-time code, grants and revokes consents; a volunteer
creates a code and starts dossiers for the people who agreed."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.procedures.components import back_link, notice, pick
from citizen_app.procedures.helper_state import SCOPES, HelperState
from citizen_app.ui.components import error_summary, primary_button
from citizen_app.ui.layout import app_page, heading


def _procedure_boxes() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("procedures.ui.which_procedures"), class_name="cds-label"),
        rx.foreach(HelperState.procedures, lambda p: rx.el.label(
            rx.el.input(type="checkbox", name="proc_" + p.value, class_name="cds-check"),
            pick(p.label_vi, p.label_en), class_name="cds-check-label")),
    )


def _scope_and_hours() -> rx.Component:
    return rx.fragment(
        rx.el.fieldset(
            rx.el.legend(t("procedures.ui.scope"), class_name="cds-label"),
            *[rx.el.label(rx.el.input(type="radio", name="scope", value=scope, default_checked=scope == "draft",
                                      class_name="cds-check"),
                          t(f"procedures.ui.scope_{scope}"), class_name="cds-check-label") for scope in SCOPES],
        ),
        rx.el.label(t("procedures.ui.hours"), html_for="consent-hours", class_name="cds-label"),
        rx.el.input(id="consent-hours", name="hours", default_value="24", input_mode="numeric", class_name="cds-input"),
    )


def _given_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(row.person), rx.el.p(pick(row.procedures_vi, row.procedures_en), class_name="cds-hint"),
                  rx.el.p(t("procedures.ui.until"), " ", row.until, " · ", row.scope, class_name="cds-hint")),
        rx.cond(row.active,
                rx.el.button(t("procedures.ui.revoke"), on_click=HelperState.revoke(row.id),
                             class_name="cds-button cds-button-outline"),
                rx.badge(t("procedures.ui.inactive"))),
        class_name="cds-list-row",
    )


def _helping_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(row.person), rx.el.p(t("procedures.ui.until"), " ", row.until, class_name="cds-hint")),
        rx.form(
            rx.el.input(type="hidden", name="citizen", value=row.person_id.to_string()),
            rx.el.select(rx.foreach(row.options, lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value)),
                         name="procedure", class_name="cds-input", aria_label=t("procedures.ui.procedure")),
            primary_button("procedures.ui.start_for"),
            on_submit=HelperState.start_for, class_name="cds-form",
        ),
        class_name="cds-list-row",
    )


def _citizen_side() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("procedures.ui.enter_code"), class_name="cds-h2"),
        rx.cond(
            HelperState.pending.length() > 0,  # type: ignore[attr-defined]
            rx.el.div(
                rx.el.p(t("procedures.ui.agree_to"), " ", rx.el.strong(HelperState.pending["helper"]), ": ",
                        pick(HelperState.pending["procedures_vi"], HelperState.pending["procedures_en"]),
                        " · ", HelperState.pending["scope"], " · ", HelperState.pending["hours"], " h"),
                rx.el.div(rx.el.button(t("procedures.ui.agree"), on_click=HelperState.confirm_code,
                                       class_name="cds-button", id="code-confirm"),
                          rx.el.button(t("procedures.ui.cancel"), on_click=HelperState.cancel_code,
                                       class_name="cds-button cds-button-outline"), class_name="cds-actions"),
                role="status",
            ),
            rx.form(
                rx.el.label(t("procedures.ui.code"), html_for="consent-code", class_name="cds-label"),
                rx.el.input(id="consent-code", name="code", input_mode="numeric", class_name="cds-input",
                            auto_complete="one-time-code"),
                primary_button("procedures.ui.continue", id="code-read"),
                on_submit=HelperState.read_code, class_name="cds-form",
            ),
        ),
        rx.el.h2(t("procedures.ui.grant"), class_name="cds-h2"),
        rx.form(
            rx.el.label(t("procedures.ui.helper_login"), html_for="helper-login", class_name="cds-label"),
            rx.el.input(id="helper-login", name="helper", class_name="cds-input", input_mode="tel"),
            _procedure_boxes(),
            _scope_and_hours(),
            primary_button("procedures.ui.grant_button", id="grant-submit"),
            on_submit=HelperState.grant, class_name="cds-form",
        ),
        rx.el.h2(t("procedures.ui.consents_given"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(HelperState.given, _given_row), class_name="cds-list", id="consents-given"),
    )


def _volunteer_side() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("procedures.ui.volunteer"), class_name="cds-h2"),
        rx.cond(HelperState.code != "", rx.el.div(
            rx.el.p(t("procedures.ui.show_code")),
            rx.el.p(HelperState.code, id="volunteer-code", style={"font_size": "2rem", "font_weight": "700",
                                                                  "letter_spacing": "0.15em"}),
            role="status")),
        rx.form(_procedure_boxes(), _scope_and_hours(), primary_button("procedures.ui.create_code", id="code-create"),
                on_submit=HelperState.create_code, class_name="cds-form"),
        rx.el.h2(t("procedures.ui.helping"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(HelperState.helping, _helping_row), class_name="cds-list"),
        rx.cond(HelperState.helped.length() > 0, rx.fragment(
            rx.el.h2(t("procedures.ui.helped"), class_name="cds-h2"),
            rx.el.ul(rx.foreach(HelperState.helped, lambda r: rx.el.li(
                rx.link(pick(r.label_vi, r.label_en), href=r.href), rx.el.p(r.value, class_name="cds-hint"),
                class_name="cds-list-row")), class_name="cds-list"))),
    )


@app_page("/procedures/helper", "procedures.ui.helper", roles=("citizen",), on_load=[HelperState.load])
def helper_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures"),
        heading("procedures.ui.helper"),
        rx.el.p(t("procedures.ui.helper_intro")),
        notice(HelperState.notice),
        error_summary(HelperState.error),
        rx.cond(AuthState.is_volunteer, _volunteer_side()),
        _citizen_side(),
        class_name="cds-narrow",
    )
