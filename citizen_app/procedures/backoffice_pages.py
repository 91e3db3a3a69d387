"""Back-office pages: the agency queue (due dates, filters, search, counts, paging) and one dossier with its
signature and fee status, previews, history, assignment and the decisions (each confirmed before it is made).
Both pages use the wide layout (``cds-wide``): a table and two columns from 1100 px, one column on phones."""

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
from citizen_app.shell.layout import app_page
from citizen_app.ui.components import error_summary

BACKOFFICE_ROLES = ("official", "admin")
QUEUE_COLUMNS = ("number", "procedure", "subject", "status", "due", "left", "assignee")
DUE_CHOICES = ("overdue", "today", "soon", "none")


# --- the queue -----------------------------------------------------------------------------------------


def _cell(column: str, *children: rx.Component | rx.Var | str) -> rx.Component:
    return rx.el.td(*children, data_label=t(f"procedures.office.col_{column}"))


def _queue_row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        _cell("number", rx.link(row.number, href="/procedures/backoffice/" + row.id.to_string(),
                                class_name="queue-link"),
              rx.cond(row.second, rx.el.span(t("procedures.office.awaits_second"), class_name="cds-tag"))),
        _cell("procedure", pick(row.proc_vi, row.proc_en)),
        _cell("subject", row.subject),
        _cell("status", pick(row.status_vi, row.status_en)),
        _cell("due", rx.cond(row.due != "", row.due, "—")),
        _cell("left", rx.cond(row.overdue, rx.el.strong(pick(row.left_vi, row.left_en), class_name="cds-late"),
                              rx.cond(row.left_vi != "", pick(row.left_vi, row.left_en), "—"))),
        _cell("assignee", rx.cond(row.assignee != "", row.assignee, t("procedures.office.nobody"))),
        class_name=rx.cond(row.overdue, "cds-row-late", ""),
    )


def _chip(label: rx.Component | rx.Var, count: rx.Var, on_click, active: rx.Var, chip_id: str | rx.Var) -> rx.Component:
    return rx.el.button(label, " ", rx.el.strong(count.to_string()), type="button", on_click=on_click,
                        class_name="cds-count", aria_pressed=rx.cond(active, "true", "false"), id=chip_id)


def _counts() -> rx.Component:
    state = QueueState
    return rx.el.div(
        _chip(t("procedures.office.all_open"), state.open_count, state.show_status(""),
              (state.status == "") & (state.due == ""), "count-all"),
        rx.foreach(state.chips, lambda c: _chip(pick(c.label_vi, c.label_en), c.count, state.show_status(c.status),
                                                state.status == c.status, "count-" + c.status)),
        _chip(t("procedures.ui.overdue"), state.overdue_count, state.show_overdue, state.due == "overdue",
              "count-overdue"),
        class_name="cds-counts", role="group", aria_label=t("procedures.office.counts"),
    )


def _select(name: str, label_key: str, value: rx.Var, *options: rx.Component) -> rx.Component:
    return rx.el.div(
        rx.el.label(t(label_key), html_for=f"filter-{name}", class_name="cds-label"),
        rx.el.select(*options, id=f"filter-{name}", name=name, default_value=value, class_name="cds-input"),
        class_name="cds-field",
    )


def _filters() -> rx.Component:
    state = QueueState
    return rx.form(
        rx.el.div(
            rx.el.label(t("procedures.office.search"), html_for="filter-q", class_name="cds-label"),
            rx.el.input(id="filter-q", name="q", type="search", default_value=state.query, class_name="cds-input",
                        placeholder=t("procedures.office.search_hint")),
            class_name="cds-field cds-grow",
        ),
        _select("procedure", "procedures.ui.procedure", state.procedure,
                rx.el.option(t("procedures.office.any"), value=""),
                rx.foreach(state.procedures, lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value))),
        _select("status", "procedures.ui.status_now", state.status,
                rx.el.option(t("procedures.office.all_open"), value=""),
                rx.foreach(state.status_options,
                           lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value))),
        _select("assignee", "procedures.office.col_assignee", state.assignee,
                rx.el.option(t("procedures.office.any"), value=""),
                rx.el.option(t("procedures.office.mine"), value="me"),
                rx.el.option(t("procedures.office.nobody"), value="none"),
                rx.foreach(state.officers, lambda o: rx.el.option(o.label_vi, value=o.value))),
        _select("due", "procedures.ui.due", state.due, rx.el.option(t("procedures.office.any"), value=""),
                *[rx.el.option(t(f"procedures.office.due_{d}"), value=d) for d in DUE_CHOICES]),
        rx.el.div(
            rx.el.button(t("procedures.office.filter"), type="submit", class_name="cds-button", id="filter-apply"),
            rx.el.button(t("procedures.office.clear"), type="button", on_click=state.clear,
                         class_name="cds-button cds-button-outline", id="filter-clear"),
            class_name="cds-actions",
        ),
        on_submit=state.apply, class_name="cds-filters", id="queue-filters", key=state.version.to_string(),
        role="search",
    )


def _pager() -> rx.Component:
    state = QueueState
    return rx.el.nav(
        rx.el.button(t("procedures.office.previous"), type="button", on_click=state.go(state.page - 1),
                     disabled=state.page <= 1, class_name="cds-button cds-button-outline", id="page-prev"),
        rx.el.span(t("procedures.office.page"), " ", state.page.to_string(), "/", state.pages.to_string(), " · ",
                   state.total.to_string(), " ", t("procedures.office.dossiers"), id="page-info"),
        rx.el.button(t("procedures.office.next"), type="button", on_click=state.go(state.page + 1),
                     disabled=state.page >= state.pages, class_name="cds-button cds-button-outline", id="page-next"),
        class_name="cds-pager", aria_label=t("procedures.office.paging"),
    )


def _table() -> rx.Component:
    return rx.el.table(
        rx.el.caption(t("procedures.ui.queue_intro"), class_name="cds-visually-hidden"),
        rx.el.thead(rx.el.tr(*[rx.el.th(t(f"procedures.office.col_{c}"), scope="col") for c in QUEUE_COLUMNS])),
        rx.el.tbody(rx.foreach(QueueState.rows, _queue_row)),
        class_name="cds-table", id="office-queue",
    )


@app_page("/procedures/backoffice", "procedures.ui.backoffice", roles=BACKOFFICE_ROLES, on_load=[QueueState.load])
def queue_page() -> rx.Component:
    return rx.el.section(
        rx.heading(t("procedures.ui.backoffice"), as_="h1", size="7"),
        rx.cond(QueueState.agency_vi != "",
                rx.el.p(pick(QueueState.agency_vi, QueueState.agency_en), class_name="cds-lead", id="office-agency")),
        error_summary(QueueState.error),
        _counts(),
        _filters(),
        rx.cond(QueueState.rows.length() > 0, _table(), rx.el.p(t("procedures.ui.queue_empty"), id="queue-empty")),
        rx.cond(QueueState.pages > 1, _pager()),
        class_name="cds-wide",
    )


# --- one dossier ---------------------------------------------------------------------------------------


def _note(label_key: str, form_id: str, required: bool = True) -> rx.Component:
    return rx.fragment(
        rx.el.label(t(label_key), html_for=f"{form_id}-note", class_name="cds-label"),
        rx.el.textarea(id=f"{form_id}-note", name="note", class_name="cds-input", rows=3, required=required,
                       aria_describedby=f"{form_id}-hint"),
        rx.el.p(t("procedures.office.note_hint"), class_name="cds-hint", id=f"{form_id}-hint"),
    )


def _decision_form(decision: str, title_key: str, label_key: str, button_key: str, *extra: rx.Component,
                   note_required: bool = True) -> rx.Component:
    form_id = f"{decision}-form"
    return rx.form(
        rx.el.h3(t(title_key), class_name="cds-h3"),
        rx.el.input(type="hidden", name="decision", value=decision),
        *extra,
        _note(label_key, form_id, note_required),
        rx.el.button(t(button_key), type="submit", class_name="cds-button cds-button-outline", id=f"{decision}-submit"),
        on_submit=OfficeDossierState.prepare, class_name="cds-form cds-decision", id=form_id,
        key=OfficeDossierState.version.to_string(),
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


def _when(action: str, component: rx.Component) -> rx.Component:
    return rx.cond(status_is(OfficeDossierState.status, *ACTIONS_BY_STATUS[action]), component)


def _confirm_panel() -> rx.Component:
    state = OfficeDossierState
    decision = state.confirm["decision"]
    consequence = rx.match(
        decision,
        *[(d, t(f"procedures.office.confirm_{d}")) for d in ("supplement", "refuse", "stop", "return")],
        rx.cond(state.second_approver & (state.proposal.length() == 0),  # type: ignore[attr-defined]
                t("procedures.office.confirm_propose"), t("procedures.office.confirm_approve")),
    )
    return rx.el.div(
        rx.el.h3(t("procedures.office.confirm_title"), class_name="cds-h3", id="confirm-title"),
        rx.el.p(consequence, id="confirm-consequence"),
        rx.el.p(t("procedures.office.citizen_reads"), " ", rx.el.q(state.confirm["note"]), id="confirm-note"),
        rx.el.div(
            rx.el.button(t("procedures.office.confirm_button"), type="button", on_click=state.confirm_decision,
                         class_name="cds-button", id="confirm-yes"),
            rx.el.button(t("procedures.ui.back"), type="button", on_click=state.cancel,
                         class_name="cds-button cds-button-outline", id="confirm-no"),
            class_name="cds-actions",
        ),
        role="alertdialog", aria_labelledby="confirm-title", aria_describedby="confirm-consequence",
        class_name="cds-confirm", id="confirm-panel",
    )


def _proposal_box() -> rx.Component:
    state = OfficeDossierState
    return rx.cond(
        state.proposal.length() > 0,  # type: ignore[attr-defined]
        rx.callout(rx.el.span(t("procedures.office.proposed_by"), " ", rx.el.strong(state.proposal["who"]), ": ",
                              rx.el.q(state.proposal["note"]),
                              rx.cond(state.proposal["mine"] == "1",
                                      rx.el.span(" ", t("procedures.office.proposal_mine")))),
                   icon="users", id="proposal-box"),
    )


def _decisions() -> rx.Component:
    state = OfficeDossierState
    proposing = state.second_approver & (state.proposal.length() == 0)  # type: ignore[attr-defined]
    approve_title = rx.cond(proposing, t("procedures.office.propose"), t("procedures.ui.approve"))
    return rx.el.section(
        rx.el.h2(t("procedures.ui.actions"), class_name="cds-h2"),
        _proposal_box(),
        rx.el.div(
            _when("accept", rx.el.button(t("procedures.ui.accept"), on_click=state.accept, class_name="cds-button",
                                         id="office-accept")),
            _when("start", rx.el.button(t("procedures.ui.start_processing"), on_click=state.start_processing,
                                        class_name="cds-button", id="office-start")),
            class_name="cds-actions",
        ),
        _when("approve", rx.form(
            rx.el.h3(approve_title, class_name="cds-h3"),
            rx.el.p(t("procedures.ui.approve_hint"), class_name="cds-hint"),
            rx.cond(state.second_approver, rx.el.p(t("procedures.office.second_hint"), class_name="cds-hint")),
            rx.el.input(type="hidden", name="decision", value="approve"),
            _note("procedures.office.approve_note", "approve-form"),
            rx.el.button(approve_title, type="submit", class_name="cds-button", id="office-approve"),
            on_submit=state.prepare, class_name="cds-form cds-decision", id="approve-form",
            key=state.version.to_string(),
        )),
        rx.cond(state.proposal.length() > 0,  # type: ignore[attr-defined]
                rx.cond(state.proposal["mine"] != "1",
                        _decision_form("return", "procedures.office.return", "procedures.office.return_note",
                                       "procedures.office.return"))),
        _when("supplement", _decision_form("supplement", "procedures.ui.request_supplement",
                                           "procedures.ui.supplement_note", "procedures.ui.request_supplement",
                                           *[_supplement_item(n) for n in range(1, MAX_ITEMS + 1)],
                                           note_required=False)),
        _when("refuse", _decision_form("refuse", "procedures.ui.refuse", "procedures.ui.refuse_reason",
                                       "procedures.ui.refuse")),
        _when("stop", _decision_form("stop", "procedures.ui.stop", "procedures.ui.stop_reason", "procedures.ui.stop")),
        id="office-decisions",
    )


def _verdict(title_key: str, verdict: rx.Var, box_id: str) -> rx.Component:
    return rx.el.div(
        rx.el.p(t(title_key), class_name="cds-label"),
        rx.el.p(pick(verdict.vi, verdict.en), id=box_id),
        class_name="cds-verdict", data_state=verdict.state,
    )


def _assignment() -> rx.Component:
    state = OfficeDossierState
    return _when("assign", rx.form(
        rx.el.label(t("procedures.office.col_assignee"), html_for="assign-to", class_name="cds-label"),
        rx.el.select(rx.el.option(t("procedures.office.nobody"), value=""),
                     rx.foreach(state.officers, lambda o: rx.el.option(o.label_vi, value=o.value)),
                     id="assign-to", name="assignee", default_value=state.assignee, class_name="cds-input"),
        rx.el.div(
            rx.el.button(t("procedures.office.assign"), type="submit", class_name="cds-button cds-button-outline",
                         id="assign-submit"),
            rx.cond(state.assignee != state.me,
                    rx.el.button(t("procedures.office.assign_me"), type="button", on_click=state.assign_me,
                                 class_name="cds-button cds-button-outline", id="assign-me")),
            class_name="cds-actions",
        ),
        on_submit=state.assign, class_name="cds-form", id="assign-form", key=state.version.to_string(),
    ))


def _status_card() -> rx.Component:
    state = OfficeDossierState
    return rx.el.section(
        rx.el.p(t("procedures.ui.status_now"), ": ", rx.el.strong(pick(state.status_vi, state.status_en),
                                                                   id="office-status")),
        rx.el.dl(
            rx.cond(state.due != "", summary_row(t("procedures.ui.due"), state.due)),
            rx.cond(state.left_vi != "", summary_row(t("procedures.office.col_left"),
                                                     rx.el.span(pick(state.left_vi, state.left_en), id="office-left",
                                                                class_name=rx.cond(state.overdue, "cds-late", "")))),
        ),
        _verdict("procedures.office.signature", state.signature, "office-signature"),
        _verdict("procedures.ui.fee", state.fee_status, "office-fee"),
        _assignment(),
        class_name="cds-panel", aria_label=t("procedures.ui.status_now"),
    )


def _file_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(pick(row.label_vi, row.label_en)),
            rx.el.p(row.filename, " · ", row.size, class_name="cds-hint"),
            rx.el.a(rx.icon("eye", size=18, aria_hidden="true"), " ", t("procedures.office.preview"), href=row.href,
                    target="_blank", reload_document=True, class_name="cds-help"),
        ),
        rx.cond(row.image, rx.el.a(rx.el.img(src=row.href, alt=pick(row.label_vi, row.label_en), loading="lazy",
                                             class_name="cds-thumb"), href=row.href, target="_blank",
                                   reload_document=True)),
        class_name="cds-list-row",
    )


def _history_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(pick(row.label_vi, row.label_en)),
        rx.el.p(row.when, " · ", row.who, class_name="cds-hint"),
        rx.cond(row.reason != "", rx.el.p(t("procedures.office.note"), ": ", row.reason, class_name="cds-note")),
    )


def _dossier_body() -> rx.Component:
    state = OfficeDossierState
    return rx.fragment(
        rx.el.p(pick(state.proc_vi, state.proc_en), class_name="cds-hint"),
        rx.heading(t("procedures.ui.dossier"), " ", state.number, as_="h1", size="7", id="office-heading"),
        rx.el.div(
            rx.el.div(
                rx.el.dl(
                    summary_row(t("procedures.ui.subject"), state.subject),
                    rx.cond(state.helper != "", summary_row(t("procedures.ui.helper_name"), state.helper)),
                ),
                rx.el.h2(t("procedures.ui.answers"), class_name="cds-h2"),
                rx.el.dl(rx.foreach(state.answers, lambda r: summary_row(pick(r.label_vi, r.label_en), r.value))),
                rx.el.h2(t("procedures.ui.files"), class_name="cds-h2"),
                rx.el.ul(rx.foreach(state.files, _file_row), class_name="cds-list", id="office-files"),
                rx.el.h2(t("procedures.ui.timeline"), class_name="cds-h2"),
                rx.el.ol(rx.foreach(state.history, _history_row), class_name="cds-history", id="office-history"),
                class_name="cds-col-main",
            ),
            rx.el.aside(
                _status_card(),
                rx.cond(state.confirm.length() > 0, _confirm_panel(), _decisions()),  # type: ignore[attr-defined]
                class_name="cds-col-side",
            ),
            class_name="cds-columns",
        ),
    )


@app_page("/procedures/backoffice/[dossier_id]", "procedures.ui.backoffice", roles=BACKOFFICE_ROLES,
          on_load=[OfficeDossierState.load])
def backoffice_dossier_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures/backoffice"),
        notice(OfficeDossierState.notice),
        error_summary(OfficeDossierState.error),
        rx.cond(OfficeDossierState.found, _dossier_body()),
        class_name="cds-wide",
    )
