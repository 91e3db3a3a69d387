"""Helper-mode pages. /procedures/helper: a citizen enters a volunteer's code (or chooses a volunteer herself),
reads one consent screen in plain words and agrees or not; she sees and revokes the consents she gave.
/procedures/volunteer: a volunteer's one view of the people they may help, what each consent allows, their
dossiers, and the one-time code to show a new person."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.procedures.components import back_link, notice, pick
from citizen_app.procedures.helper_state import SCOPES, HelperState, VolunteerState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button


def _procedure_boxes(options: rx.Var) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("procedures.ui.which_procedures"), class_name="cds-label"),
        rx.foreach(options, lambda p: rx.el.label(
            rx.el.input(type="checkbox", name="proc_" + p.value, class_name="cds-check"),
            pick(p.label_vi, p.label_en), class_name="cds-check-label")),
    )


def _scope_and_hours(prefix: str) -> rx.Component:
    return rx.fragment(
        rx.el.fieldset(
            rx.el.legend(t("procedures.ui.scope"), class_name="cds-label"),
            *[rx.el.label(rx.el.input(type="radio", name="scope", value=scope, default_checked=scope == "draft",
                                      class_name="cds-check"),
                          t(f"procedures.ui.scope_{scope}"), class_name="cds-check-label") for scope in SCOPES],
        ),
        rx.el.label(t("procedures.ui.hours"), html_for=f"{prefix}-hours", class_name="cds-label"),
        rx.el.input(id=f"{prefix}-hours", name="hours", default_value="24", input_mode="numeric",
                    class_name="cds-input"),
    )


def _fact(label_key: str, *value: rx.Component | rx.Var | str, fact_id: str) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key), class_name="cds-label"), rx.el.dd(*value, id=fact_id, margin="0"),
                     class_name="cds-fact")


def _consent_screen() -> rx.Component:
    """What she agrees to, in words: who, which procedures, what they may and may not do, until when, her data."""
    pending = HelperState.pending
    return rx.el.section(
        rx.el.h2(t("procedures.consent.title"), class_name="cds-h2", id="consent-title"),
        rx.el.dl(
            _fact("procedures.consent.who", rx.el.strong(pending["helper"]), " — ",
                  t("procedures.consent.volunteer_role"), fact_id="consent-who"),
            _fact("procedures.consent.for", pick(pending["procedures_vi"], pending["procedures_en"]),
                  fact_id="consent-for"),
            _fact("procedures.consent.may", pick(pending["scope_vi"], pending["scope_en"]), fact_id="consent-may"),
            _fact("procedures.consent.until", pending["until"], " (", pending["hours"], " ",
                  t("procedures.consent.hours"), "). ", t("procedures.consent.revoke_any_time"),
                  fact_id="consent-until"),
            _fact("procedures.consent.sees", pick(pending["data_vi"], pending["data_en"]), "; ",
                  t("procedures.consent.sees_dossier"), fact_id="consent-sees"),
            _fact("procedures.consent.never", t("procedures.consent.never_list"), fact_id="consent-never"),
        ),
        rx.el.div(rx.el.button(t("procedures.ui.agree"), on_click=HelperState.confirm_code, class_name="cds-button",
                               id="code-confirm"),
                  rx.el.button(t("procedures.consent.decline"), on_click=HelperState.cancel_code,
                               class_name="cds-button cds-button-outline", id="code-cancel"),
                  class_name="cds-actions"),
        class_name="cds-panel", id="consent-screen", aria_labelledby="consent-title",
    )


def _given_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(row.person),
                  rx.el.p(pick(row.procedures_vi, row.procedures_en), class_name="cds-hint"),
                  rx.el.p(t("procedures.consent.may"), ": ", pick(row.scope_vi, row.scope_en), class_name="cds-hint"),
                  rx.el.p(t("procedures.consent.sees"), ": ", pick(row.data_vi, row.data_en), class_name="cds-hint"),
                  rx.el.p(t("procedures.ui.until"), " ", row.until, class_name="cds-hint")),
        rx.cond(row.active,
                rx.el.button(t("procedures.ui.revoke"), on_click=HelperState.revoke(row.id),
                             class_name="cds-button cds-button-outline"),
                rx.badge(t("procedures.ui.inactive"))),
        class_name="cds-list-row",
    )


def _citizen_forms() -> rx.Component:
    return rx.fragment(
        rx.el.h2(t("procedures.ui.enter_code"), class_name="cds-h2"),
        rx.form(
            rx.el.label(t("procedures.ui.code"), html_for="consent-code", class_name="cds-label"),
            rx.el.input(id="consent-code", name="code", input_mode="numeric", class_name="cds-input",
                        auto_complete="one-time-code"),
            primary_button("procedures.ui.continue", id="code-read"),
            on_submit=HelperState.read_code, class_name="cds-form",
        ),
        rx.el.details(
            rx.el.summary(t("procedures.ui.grant")),
            rx.form(
                rx.el.label(t("procedures.ui.helper_login"), html_for="helper-login", class_name="cds-label"),
                rx.el.input(id="helper-login", name="helper", class_name="cds-input", input_mode="tel"),
                _procedure_boxes(HelperState.procedures),
                _scope_and_hours("consent"),
                primary_button("procedures.consent.review", id="grant-submit"),
                on_submit=HelperState.review_grant, class_name="cds-form",
            ),
        ),
    )


@app_page("/procedures/helper", "procedures.ui.helper", roles=("citizen",), on_load=[HelperState.load])
def helper_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures"),
        heading("procedures.ui.helper"),
        rx.el.p(t("procedures.ui.helper_intro")),
        rx.cond(AuthState.is_volunteer,
                rx.callout(rx.link(t("procedures.volunteer.go"), href="/procedures/volunteer", id="to-volunteer"),
                           icon="hand-heart")),
        notice(HelperState.notice),
        error_summary(HelperState.error),
        rx.cond(HelperState.pending.length() > 0, _consent_screen(), _citizen_forms()),  # type: ignore[attr-defined]
        rx.el.h2(t("procedures.ui.consents_given"), class_name="cds-h2"),
        rx.cond(HelperState.given.length() > 0,
                rx.el.ul(rx.foreach(HelperState.given, _given_row), class_name="cds-list", id="consents-given"),
                rx.el.p(t("procedures.consent.none_given"))),
        class_name="cds-narrow",
    )


# --- the volunteer -------------------------------------------------------------------------------------


def _allow_line(row: rx.Var) -> rx.Component:
    return rx.el.li(
        pick(row.procedures_vi, row.procedures_en), ": ", pick(row.scope_vi, row.scope_en), ". ",
        t("procedures.ui.until"), " ", row.until, ". ", t("procedures.volunteer.you_see"), " ",
        pick(row.data_vi, row.data_en), ".",
    )


def _person(person: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.h3(person.name, class_name="cds-h3"),
        rx.el.ul(rx.foreach(person.allows, _allow_line), class_name="cds-allows"),
        rx.cond(person.dossiers.length() > 0, rx.el.ul(rx.foreach(person.dossiers, lambda r: rx.el.li(
            rx.link(pick(r.label_vi, r.label_en), href=r.href), " · ", r.value)), class_name="cds-allows")),
        rx.form(
            rx.el.input(type="hidden", name="citizen", value=person.id.to_string()),
            rx.el.label(t("procedures.ui.procedure"), html_for="start-" + person.id.to_string(),
                        class_name="cds-label"),
            rx.el.select(rx.foreach(person.options,
                                    lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value)),
                         name="procedure", class_name="cds-input", id="start-" + person.id.to_string()),
            primary_button("procedures.ui.start_for"),
            rx.el.p(t("procedures.volunteer.reopens"), class_name="cds-hint"),
            on_submit=VolunteerState.start_for, class_name="cds-form",
        ),
        class_name="cds-panel",
    )


@app_page("/procedures/volunteer", "procedures.volunteer.title", roles=("volunteer",), on_load=[VolunteerState.load])
def volunteer_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures"),
        heading("procedures.volunteer.title"),
        rx.el.p(t("procedures.volunteer.intro")),
        error_summary(VolunteerState.error),
        rx.el.h2(t("procedures.ui.helping"), class_name="cds-h2"),
        rx.cond(VolunteerState.people.length() > 0,
                rx.el.ul(rx.foreach(VolunteerState.people, _person), class_name="cds-list", id="helping"),
                rx.el.p(t("procedures.volunteer.nobody"), id="helping-none")),
        rx.el.h2(t("procedures.volunteer.new_person"), class_name="cds-h2"),
        rx.cond(VolunteerState.code != "", rx.el.div(
            rx.el.p(t("procedures.ui.show_code")),
            rx.el.p(VolunteerState.code, id="volunteer-code", style={"font_size": "2rem", "font_weight": "700",
                                                                     "letter_spacing": "0.15em"}),
            role="status")),
        rx.form(_procedure_boxes(VolunteerState.procedures), _scope_and_hours("code"),
                primary_button("procedures.ui.create_code", id="code-create"),
                on_submit=VolunteerState.create_code, class_name="cds-form"),
        class_name="cds-narrow",
    )
