"""The wallet's back office (/wallet/approvals): a ward official reads, in words, the credential requests of their
ward's citizens that wait for an official (who, which credential, which wallet asked, when) and approves or
refuses each after a confirmation; a refusal carries a reason the citizen reads."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.identity.components import detail, info_callout, outline_button, term, textarea_field
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, pick, primary_button
from citizen_app.wallet.backoffice_state import ApprovalsState


def _request(row: rx.Var) -> rx.Component:
    rid = row["id"].to(str)
    return rx.el.li(
        rx.el.h2(row["name"], class_name="cds-h2", id="approval-name-" + rid),
        rx.el.dl(
            term(t("identity.approvals.birth_year")), detail(row["birth_year"]),
            term(t("identity.approvals.credential")), detail(pick(row["kind_vi"], row["kind_en"]), " · ",
                                                             pick(row["copies_vi"], row["copies_en"])),
            term(t("identity.approvals.wallet")), detail(pick(row["wallet_vi"], row["wallet_en"])),
            term(t("identity.approvals.when")), detail(row["when"]),
        ),
        rx.el.div(
            rx.el.button(t("identity.approvals.approve"), type="button", class_name="cds-button",
                         on_click=ApprovalsState.prepare(row["id"], "approve"), id="approval-approve-" + rid),
            rx.el.button(t("identity.approvals.refuse"), type="button", class_name="cds-button cds-button-outline",
                         on_click=ApprovalsState.prepare(row["id"], "refuse"), id="approval-refuse-" + rid),
            class_name="cds-actions",
        ),
        class_name="cds-list-row", id="approval-" + rid,
    )


def _confirm_panel() -> rx.Component:
    state = ApprovalsState
    back = outline_button("identity.approvals.back", on_click=state.cancel, id="approval-back")
    return rx.el.section(
        rx.el.h2(t("identity.approvals.confirm_title"), class_name="cds-h2", id="approval-confirm-title"),
        rx.el.p(t_var(state.confirm), id="approval-consequence"),
        rx.cond(
            state.confirm["decision"] == "approve",
            rx.el.div(rx.el.button(t("identity.approvals.confirm_yes_approve"), type="button", class_name="cds-button",
                                   on_click=state.approve, id="approval-confirm"),
                      back, class_name="cds-actions"),
            rx.form(
                textarea_field("identity.approvals.note_label", "note", "identity.approvals.note_hint", rows=3,
                               required=True, max_length=500),
                rx.el.div(primary_button("identity.approvals.confirm_yes_refuse", id="approval-confirm"), back,
                          class_name="cds-actions"),
                on_submit=state.refuse, class_name="cds-form",
            ),
        ),
        role="alertdialog", aria_labelledby="approval-confirm-title", aria_describedby="approval-consequence",
        class_name="cds-confirm", id="approval-panel",
    )


@app_page("/wallet/approvals", "identity.approvals.title", roles=("official",), on_load=[ApprovalsState.load])
def approvals_page() -> rx.Component:
    state = ApprovalsState
    return rx.el.div(
        heading("identity.approvals.title"),
        error_summary(state.error),
        info_callout(state.info),
        rx.el.p(t("identity.approvals.explain"), class_name="cds-hint"),
        rx.cond(
            state.confirm.length() > 0,  # type: ignore[attr-defined]
            _confirm_panel(),
            rx.cond(state.loaded, rx.cond(
                state.rows.length() > 0,
                rx.el.ul(rx.foreach(state.rows, _request), class_name="cds-list", id="approval-list"),
                rx.el.p(t("identity.approvals.empty"), id="approval-empty"),
            )),
        ),
    )
