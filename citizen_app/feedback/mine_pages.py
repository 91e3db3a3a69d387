"""My reports, the reports I follow and the areas I watch."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.components import badge, lv, notice, select, submit, text_input
from citizen_app.feedback.state import MineState
from citizen_app.i18n.state import t
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary


def _mine_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.link("#", row["id"], " ", row["title"], href=row["href"], style={"font_weight": "700"}),
            rx.el.p(lv(row, "category"), " · ", row["created"], class_name="cds-hint"),
            style={"flex": "1 1 240px", "min_width": "0"},
        ),
        badge(lv(row, "stage")),
        class_name="cds-list-row",
    )


def _area_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.span(lv(row, "where"), " · ", lv(row, "category")),
        rx.el.button(
            t("feedback.ui.remove"),
            type="button",
            on_click=MineState.unsubscribe(row["id"]),
            class_name="cds-button cds-button-outline",
        ),
        class_name="cds-list-row",
    )


def _area_form() -> rx.Component:
    return rx.form(
        rx.el.fieldset(
            rx.el.legend(t("feedback.ui.area_kind"), class_name="cds-label"),
            rx.el.label(
                rx.el.input(
                    type="radio",
                    name="kind",
                    value="ward",
                    default_checked=True,
                    id="f-kind-ward",
                    class_name="cds-check",
                ),
                t("feedback.ui.area_ward"),
                html_for="f-kind-ward",
                class_name="cds-check-label",
            ),
            rx.el.label(
                rx.el.input(type="radio", name="kind", value="radius", id="f-kind-radius", class_name="cds-check"),
                t("feedback.ui.area_radius"),
                html_for="f-kind-radius",
                class_name="cds-check-label",
            ),
        ),
        text_input("feedback.ui.ward", "ward", max_length=100),
        rx.el.div(
            text_input("feedback.ui.lat", "lat", input_mode="decimal"),
            text_input("feedback.ui.lon", "lon", input_mode="decimal"),
            text_input("feedback.ui.radius", "radius_m", value="500", input_mode="numeric"),
            style={"display": "grid", "grid_template_columns": "1fr 1fr 1fr", "gap": "8px"},
        ),
        select("feedback.ui.category", "category", MineState.categories, empty_key="feedback.ui.all_categories"),
        submit("feedback.ui.area_add", "fb-area-add"),
        on_submit=MineState.subscribe,
        class_name="cds-form",
        id="fb-area-form",
        key=MineState.version.to_string(),
    )


@app_page("/feedback/mine", "feedback.ui.mine", roles=("citizen",), on_load=[MineState.load])
def mine_page() -> rx.Component:
    return rx.el.section(
        heading("feedback.ui.mine"),
        notice(MineState.notice),
        error_summary(MineState.error),
        rx.el.h2(t("feedback.ui.my_reports"), class_name="cds-h2"),
        rx.cond(
            MineState.mine.length() > 0,
            rx.el.ul(rx.foreach(MineState.mine, _mine_row), class_name="cds-list", id="fb-mine"),
            rx.el.p(t("feedback.ui.none_yet"), " ", rx.link(t("feedback.ui.new"), href="/feedback/new")),
        ),
        rx.el.h2(t("feedback.ui.followed_heading"), class_name="cds-h2"),
        rx.cond(
            MineState.followed.length() > 0,
            rx.el.ul(rx.foreach(MineState.followed, _mine_row), class_name="cds-list", id="fb-followed"),
            rx.el.p(t("feedback.ui.none_followed")),
        ),
        rx.el.h2(t("feedback.ui.areas"), class_name="cds-h2"),
        rx.el.p(t("feedback.ui.areas_hint"), class_name="cds-hint"),
        rx.el.ul(rx.foreach(MineState.areas, _area_row), class_name="cds-list", id="fb-areas"),
        _area_form(),
    )
