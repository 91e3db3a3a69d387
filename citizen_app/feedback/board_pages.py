"""The public board: search and filters, the map and the list of reports, a page at a time."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.components import badge, lv, map_assets, map_box, notice, select, submit, text_input
from citizen_app.feedback.state import BoardState
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

STATUS_OPTIONS = (
    ("", "feedback.ui.any_status"),
    ("open", "feedback.ui.status_open"),
    ("closed", "feedback.ui.status_closed"),
)
SORT_OPTIONS = (
    ("newest", "feedback.ui.sort_newest"),
    ("oldest", "feedback.ui.sort_oldest"),
    ("updated", "feedback.ui.sort_updated"),
    ("me_too", "feedback.ui.sort_me_too"),
)


def _static_select(label_key: str, name: str, options: tuple[tuple[str, str], ...], value: rx.Var) -> rx.Component:
    field_id = f"f-{name}"
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.select(
            *[rx.el.option(t(key), value=code) for code, key in options],
            id=field_id,
            name=name,
            default_value=value,
            class_name="cds-input",
        ),
        class_name="cds-field",
    )


def _shortcuts() -> rx.Component:
    return rx.el.div(
        rx.link(
            rx.icon("plus", size=20, aria_hidden="true"),
            t("feedback.ui.new"),
            href="/feedback/new",
            class_name="cds-button",
            id="fb-new-link",
        ),
        rx.cond(
            AuthState.logged_in,
            rx.link(
                t("feedback.ui.mine"),
                href="/feedback/mine",
                class_name="cds-button cds-button-outline",
                id="fb-mine-link",
            ),
        ),
        rx.link(
            t("feedback.ui.scorecard"),
            href="/feedback/scorecard",
            class_name="cds-button cds-button-outline",
            id="fb-scorecard-link",
        ),
        rx.cond(
            AuthState.is_official,
            rx.link(
                t("feedback.ui.workbench"),
                href="/feedback/workbench",
                class_name="cds-button cds-button-outline",
                id="fb-workbench-link",
            ),
        ),
        class_name="cds-actions",
    )


def _filters() -> rx.Component:
    s = BoardState
    return rx.form(
        text_input("feedback.ui.search", "q", value=s.f_q, hint_key="feedback.ui.search_hint", type_="search"),
        rx.el.details(
            rx.el.summary(t("feedback.ui.more_filters"), style={"min_height": "44px", "cursor": "pointer"}),
            select(
                "feedback.ui.category",
                "category",
                s.categories,
                empty_key="feedback.ui.all_categories",
                value=s.f_category,
            ),
            _static_select("feedback.ui.status", "status", STATUS_OPTIONS, s.f_status),
            select("feedback.ui.agency", "agency", s.agencies, empty_key="feedback.ui.all_agencies", value=s.f_agency),
            text_input("feedback.ui.ward", "ward", value=s.f_ward),
            text_input("feedback.ui.date_from", "date_from", value=s.f_from, type_="date"),
            text_input("feedback.ui.date_to", "date_to", value=s.f_to, type_="date"),
            _static_select("feedback.ui.sort", "sort", SORT_OPTIONS, s.f_sort),
            style={"display": "flex", "flex_direction": "column", "gap": "12px"},
        ),
        rx.el.div(
            submit("feedback.ui.search_button", "fb-search"),
            rx.el.button(
                t("feedback.ui.clear_filters"),
                type="button",
                on_click=BoardState.clear,
                class_name="cds-button cds-button-outline",
                id="fb-clear",
            ),
            class_name="cds-actions",
        ),
        on_submit=BoardState.apply,
        class_name="cds-form",
        id="fb-filters",
        role="search",
        key=BoardState.version.to_string(),
    )


def _board_item(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.link(item["title"], href=item["href"], style={"font_weight": "700"}),
            rx.el.p(item["excerpt"], class_name="cds-hint"),
            rx.el.p(lv(item, "category"), " · ", item["ward"], " · ", item["created"], class_name="cds-hint"),
            rx.el.p(
                badge(lv(item, "stage")),
                rx.cond(item["outcome_vi"] != "", rx.el.span(" ", badge(lv(item, "outcome")))),
                " ",
                t("feedback.ui.me_too_count"),
                ": ",
                item["me_too"],
            ),
            style={"flex": "1 1 240px", "min_width": "0"},
        ),
        class_name="cds-list-row",
    )


def _pager() -> rx.Component:
    return rx.el.nav(
        rx.cond(
            BoardState.page > 1,
            rx.el.button(
                t("feedback.ui.prev"),
                type="button",
                on_click=BoardState.prev_page,
                class_name="cds-button cds-button-outline",
                id="fb-prev",
            ),
        ),
        rx.el.span(t("feedback.ui.page"), " ", BoardState.page, style={"align_self": "center"}),
        rx.cond(
            BoardState.has_more,
            rx.el.button(
                t("feedback.ui.next"),
                type="button",
                on_click=BoardState.next_page,
                class_name="cds-button cds-button-outline",
                id="fb-next",
            ),
        ),
        class_name="cds-actions",
        aria_label=t("feedback.ui.pages"),
    )


@app_page("/feedback", "feedback.ui.title", on_load=[BoardState.load])
def board_page() -> rx.Component:
    return rx.el.section(
        map_assets(),
        heading("feedback.ui.title"),
        rx.el.p(t("feedback.ui.lead"), class_name="cds-lead"),
        _shortcuts(),
        notice(BoardState.notice),
        error_summary(BoardState.error),
        _filters(),
        rx.el.h2(t("feedback.ui.map"), class_name="cds-h2"),
        map_box("fb-map", "board", "feedback.ui.map", category=BoardState.f_category, status=BoardState.f_status),
        rx.el.p(t("feedback.ui.map_zoom"), id="fb-map-zoom", hidden=True, class_name="cds-hint"),
        rx.el.h2(t("feedback.ui.list"), class_name="cds-h2"),
        rx.cond(
            BoardState.items.length() > 0,
            rx.el.ul(rx.foreach(BoardState.items, _board_item), class_name="cds-list", id="fb-results"),
            rx.el.p(t("feedback.ui.no_results"), id="fb-no-results"),
        ),
        _pager(),
    )
