"""Back-office pages: the agency queue and one dossier with the intake, processing and result actions."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t
from citizen_app.procedures.backoffice_state import (
    ACTIONS_BY_STATUS,
    MAX_ITEMS,
    OfficeDossierState,
    QueueState,
    status_is,
)
from citizen_app.procedures.components import back_link, notice, pick, summary_row
from citizen_app.ui.components import error_summary
from citizen_app.ui.layout import app_page, heading

BACKOFFICE_ROLES = ("official", "admin")


def _queue_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.link(row.number, href="/procedures/backoffice/" + row.id.to_string(), class_name="queue-link"),
            rx.el.p(pick(row.proc_vi, row.proc_en), " — ", row.subject, class_name="cds-hint"),
            rx.el.p(pick(row.status_vi, row.status_en),
                    rx.cond(row.due != "", rx.el.span(" · ", t("procedures.ui.due"), ": ", row.due)),
                    class_name="cds-hint"),
        ),
        rx.cond(row.overdue, rx.badge(t("procedures.ui.overdue"), color_scheme="red")),
        class_name="cds-list-row",
    )


@app_page("/procedures/backoffice", "procedures.ui.backoffice", roles=BACKOFFICE_ROLES, on_load=[QueueState.load])
def queue_page() -> rx.Component:
    return rx.el.section(
        heading("procedures.ui.backoffice"),
        rx.el.p(t("procedures.ui.queue_intro"), class_name="cds-lead"),
        error_summary(QueueState.error),
        rx.cond(QueueState.rows.length() > 0,
                rx.el.ul(rx.foreach(QueueState.rows, _queue_row), class_name="cds-list", id="office-queue"),
                rx.el.p(t("procedures.ui.queue_empty"))),
    )


def _reason_form(action, label_key: str, button_key: str, form_id: str) -> rx.Component:
    return rx.form(
        rx.el.label(t(label_key), html_for=f"{form_id}-reason", class_name="cds-label"),
        rx.el.textarea(id=f"{form_id}-reason", name="reason", class_name="cds-input", rows=2),
        rx.el.button(t(button_key), type="submit", class_name="cds-button cds-button-outline", id=f"{form_id}-submit"),
        on_submit=action, class_name="cds-form", id=form_id,
    )


def _supplement_item(n: int) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("procedures.ui.item"), f" {n}"),
        rx.el.label(t("procedures.ui.item_text"), html_for=f"item-{n}", class_name="cds-label"),
        rx.el.input(id=f"item-{n}", name=f"item_{n}", class_name="cds-input"),
        rx.el.label(t("procedures.ui.item_slot"), html_for=f"slot-{n}", class_name="cds-label"),
        rx.el.select(rx.el.option(t("procedures.ui.no_file"), value=""),
                     rx.foreach(OfficeDossierState.slots,
                                lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value)),
                     id=f"slot-{n}", name=f"slot_{n}", class_name="cds-input"),
    )


def _supplement_form() -> rx.Component:
    return rx.form(
        rx.el.h3(t("procedures.ui.request_supplement")),
        *[_supplement_item(n) for n in range(1, MAX_ITEMS + 1)],
        rx.el.label(t("procedures.ui.supplement_note"), html_for="sup-office-note", class_name="cds-label"),
        rx.el.textarea(id="sup-office-note", name="note", class_name="cds-input", rows=2),
        rx.el.button(t("procedures.ui.request_supplement"), type="submit", class_name="cds-button cds-button-outline",
                     id="supplement-submit"),
        on_submit=OfficeDossierState.request_supplement, class_name="cds-form", id="supplement-form",
    )


def _when(action: str, component: rx.Component) -> rx.Component:
    return rx.cond(status_is(OfficeDossierState.status, *ACTIONS_BY_STATUS[action]), component)


def _actions() -> rx.Component:
    state = OfficeDossierState
    return rx.el.section(
        rx.el.h2(t("procedures.ui.actions"), class_name="cds-h2"),
        rx.el.div(
            _when("accept", rx.el.button(t("procedures.ui.accept"), on_click=state.accept, class_name="cds-button",
                                         id="office-accept")),
            _when("start", rx.el.button(t("procedures.ui.start_processing"), on_click=state.start_processing,
                                        class_name="cds-button", id="office-start")),
            _when("approve", rx.el.button(t("procedures.ui.approve"), on_click=state.approve, class_name="cds-button",
                                          id="office-approve")),
            class_name="cds-actions",
        ),
        rx.el.p(t("procedures.ui.approve_hint"), class_name="cds-hint"),
        _when("supplement", _supplement_form()),
        _when("refuse", _reason_form(state.refuse, "procedures.ui.refuse_reason", "procedures.ui.refuse",
                                     "refuse-form")),
        _when("stop", _reason_form(state.stop, "procedures.ui.stop_reason", "procedures.ui.stop", "stop-form")),
    )


def _file_row(row: rx.Var) -> rx.Component:
    return rx.el.li(rx.el.a(pick(row.label_vi, row.label_en), ": ", row.value, href=row.href, target="_blank",
                                    reload_document=True),
                    class_name="cds-list-row")


def _dossier_body() -> rx.Component:
    state = OfficeDossierState
    return rx.fragment(
        rx.el.p(pick(state.proc_vi, state.proc_en), class_name="cds-hint"),
        rx.heading(t("procedures.ui.dossier"), " ", state.number, as_="h1", size="7", id="office-heading"),
        rx.el.p(t("procedures.ui.status_now"), ": ",
                rx.el.strong(pick(state.status_vi, state.status_en), id="office-status"),
                rx.cond(state.overdue, rx.el.span(" — ", t("procedures.ui.overdue")))),
        rx.el.dl(
            summary_row(t("procedures.ui.subject"), state.subject),
            rx.cond(state.helper != "", summary_row(t("procedures.ui.helper_name"), state.helper)),
            rx.cond(state.due != "", summary_row(t("procedures.ui.due"), state.due)),
            rx.cond(state.fee != "", summary_row(t("procedures.ui.fee"), state.fee)),
        ),
        _actions(),
        rx.el.h2(t("procedures.ui.answers"), class_name="cds-h2"),
        rx.el.dl(rx.foreach(state.answers, lambda r: summary_row(pick(r.label_vi, r.label_en), r.value))),
        rx.el.h2(t("procedures.ui.files"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(state.files, _file_row), class_name="cds-list"),
        rx.el.h2(t("procedures.ui.timeline"), class_name="cds-h2"),
        rx.el.ol(rx.foreach(state.timeline, lambda r: rx.el.li(
            rx.el.strong(pick(r.label_vi, r.label_en)), " — ", r.value,
            rx.cond(r.href != "", rx.el.p(t("procedures.ui.reason"), ": ", r.href, class_name="cds-hint"))))),
    )


@app_page("/procedures/backoffice/[dossier_id]", "procedures.ui.backoffice", roles=BACKOFFICE_ROLES,
          on_load=[OfficeDossierState.load])
def backoffice_dossier_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures/backoffice"),
        notice(OfficeDossierState.notice),
        error_summary(OfficeDossierState.error),
        rx.cond(OfficeDossierState.found, _dossier_body()),
        class_name="cds-narrow",
    )

