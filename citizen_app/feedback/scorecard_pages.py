"""The public scorecard: answers per agency and category (on time, median, satisfaction), as a table and CSV."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.components import feedback_css, lv, submit, text_input
from citizen_app.feedback.state import ScorecardState
from citizen_app.i18n.state import t
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

NUMBER_COLUMNS = ("received", "answered", "on_time", "median", "satisfaction", "overdue")


def _score_row(row: rx.Var) -> rx.Component:
    """The agency and category head the row (kept in view while the numbers scroll sideways on a phone)."""
    return rx.el.tr(
        rx.el.th(rx.el.strong(lv(row, "agency")), rx.el.br(), lv(row, "category"), scope="row"),
        *[rx.el.td(row[name]) for name in NUMBER_COLUMNS],
    )


@app_page("/feedback/scorecard", "feedback.ui.scorecard", on_load=[ScorecardState.load])
def scorecard_page() -> rx.Component:
    s = ScorecardState
    header = rx.el.tr(
        rx.el.th(t("feedback.ui.col_agency"), " · ", t("feedback.ui.col_category"), scope="col"),
        *[rx.el.th(t(f"feedback.ui.col_{name}"), scope="col") for name in NUMBER_COLUMNS],
    )
    return rx.el.section(
        feedback_css(),
        heading("feedback.ui.scorecard"),
        rx.el.p(t("feedback.ui.scorecard_lead"), class_name="cds-lead"),
        error_summary(s.error),
        rx.form(
            text_input("feedback.ui.date_from", "date_from", value=s.f_from, type_="date"),
            text_input("feedback.ui.date_to", "date_to", value=s.f_to, type_="date"),
            submit("feedback.ui.show", "fb-score-apply"),
            on_submit=ScorecardState.apply,
            class_name="cds-form cds-inline-form",
        ),
        rx.el.p(t("feedback.ui.scorecard_scroll"), class_name="cds-hint"),
        rx.el.div(
            rx.el.table(
                rx.el.caption(t("feedback.ui.scorecard_caption"), class_name="cds-hint", style={"text_align": "left"}),
                rx.el.thead(header),
                rx.el.tbody(rx.foreach(s.rows, _score_row)),
                id="fb-scorecard",
                class_name="fb-score",
            ),
            class_name="fb-score-wrap",
            tab_index=0,
            role="region",
            aria_label=t("feedback.ui.scorecard"),
        ),
        rx.el.a(
            rx.icon("download", size=20, aria_hidden="true"),
            t("feedback.ui.download_csv"),
            href=s.csv_href,
            reload_document=True,
            class_name="cds-button cds-button-outline",
            id="fb-score-csv",
        ),
    )
