"""The public scorecard: answers per agency and category (on time, median, satisfaction), as a table and CSV."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.components import lv, submit, text_input
from citizen_app.feedback.state import ScorecardState
from citizen_app.i18n.state import t
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

SCORE_COLUMNS = (
    ("agency", True),
    ("category", True),
    ("received", False),
    ("answered", False),
    ("on_time", False),
    ("median", False),
    ("satisfaction", False),
    ("overdue", False),
)


def _score_row(row: rx.Var) -> rx.Component:
    cells = [rx.el.td(lv(row, name) if bilingual else row[name]) for name, bilingual in SCORE_COLUMNS]
    return rx.el.tr(*cells)


@app_page("/feedback/scorecard", "feedback.ui.scorecard", on_load=[ScorecardState.load])
def scorecard_page() -> rx.Component:
    s = ScorecardState
    header = rx.el.tr(
        *[
            rx.el.th(t(f"feedback.ui.col_{name}"), scope="col", style={"text_align": "left"})
            for name, _ in SCORE_COLUMNS
        ]
    )
    return rx.el.section(
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
        rx.el.div(
            rx.el.table(
                rx.el.caption(t("feedback.ui.scorecard_caption"), class_name="cds-hint"),
                rx.el.thead(header),
                rx.el.tbody(rx.foreach(s.rows, _score_row)),
                id="fb-scorecard",
                style={"border_collapse": "collapse", "width": "100%", "min_width": "640px"},
            ),
            style={"overflow_x": "auto"},
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
