"""The public board: search (with suggestions from the categories' keywords) and filters, all in the URL; the map
and the list of reports with their first photo and the words found highlighted, a page at a time."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.board import STATUSES
from citizen_app.feedback.components import (
    badge,
    lv,
    map_assets,
    map_box,
    notice,
    pick,
    select,
    submit,
    text_input,
)
from citizen_app.feedback.state import BoardState
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

STATUS_OPTIONS = (
    ("", "feedback.ui.any_status"),
    *[(code, f"feedback.ui.status.{code}") for code in STATUSES],
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


def _suggestion(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.button(
            rx.el.strong(item["value"]),
            rx.el.span(" · ", lv(item, "category"), class_name="cds-hint"),
            type="button",
            on_click=BoardState.pick(item["value"]),
            class_name="cds-button cds-button-outline fb-suggestion",
        )
    )


def _search_box() -> rx.Component:
    """The search field; keywords that complete what is typed are offered below it as buttons."""
    return rx.el.div(
        rx.el.label(t("feedback.ui.search"), html_for="f-q", class_name="cds-label"),
        rx.el.p(t("feedback.ui.search_hint"), id="f-q-hint", class_name="cds-hint"),
        rx.el.input(
            id="f-q",
            name="q",
            type="search",
            default_value=BoardState.f_q,
            max_length=100,
            auto_complete="off",
            class_name="cds-input",
            aria_describedby="f-q-hint",
            aria_controls="fb-suggestions",
            on_change=BoardState.suggest.debounce(250),
        ),
        rx.el.div(
            rx.cond(
                BoardState.suggestions.length() > 0,
                rx.el.p(t("feedback.ui.suggestions"), id="fb-suggestions-label", class_name="cds-hint"),
            ),
            rx.el.ul(rx.foreach(BoardState.suggestions, _suggestion), id="fb-suggestions", class_name="fb-suggestions"),
            aria_live="polite",
        ),
        class_name="cds-field",
    )


def _filters() -> rx.Component:
    s = BoardState
    return rx.form(
        _search_box(),
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
            text_input("feedback.ui.date_from", "from", value=s.f_from, type_="date"),
            text_input("feedback.ui.date_to", "to", value=s.f_to, type_="date"),
            _static_select("feedback.ui.sort", "sort", SORT_OPTIONS, s.f_sort),
            open=(s.f_category != "") | (s.f_status != "") | (s.f_agency != "") | (s.f_ward != "") | (s.f_from != "")
            | (s.f_to != "") | (s.f_sort != "newest"),
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


def _found(parts: rx.Var) -> rx.Component:
    """Text with the words the search found marked."""
    return rx.foreach(parts, lambda part: rx.cond(part.hit, rx.el.mark(part.text), rx.el.span(part.text)))


def _board_item(item: rx.Var) -> rx.Component:
    category = pick(item.category_vi, item.category_en)
    return rx.el.li(
        rx.cond(
            item.thumb != "",
            rx.el.img(
                src=item.thumb,
                alt="",
                custom_attrs={"width": "96", "height": "72"},  # the size before it loads: nothing moves
                loading="lazy",
                decoding="async",
                class_name="fb-thumb",
            ),
        ),
        rx.el.div(
            rx.link(_found(item.title_parts), href=item.href, style={"font_weight": "700"}),
            rx.el.p(_found(item.excerpt_parts), class_name="cds-hint"),
            rx.el.p(
                rx.cond(item.category_hit, rx.el.mark(category), category),
                " · ",
                item.ward,
                " · ",
                item.created,
                class_name="cds-hint",
            ),
            rx.el.p(
                badge(pick(item.stage_vi, item.stage_en)),
                rx.cond(item.outcome_vi != "", rx.el.span(" ", badge(pick(item.outcome_vi, item.outcome_en)))),
                " ",
                t("feedback.ui.me_too_count"),
                ": ",
                item.me_too,
            ),
            style={"flex": "1 1 200px", "min_width": "0"},
        ),
        class_name="cds-list-row fb-board-row",
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
        map_box(
            "fb-map",
            "board",
            "feedback.ui.map",
            category=BoardState.f_category,
            status=BoardState.f_status,
            ward=BoardState.f_ward,
            agency=BoardState.f_agency,
            many=t("feedback.ui.map_cluster"),
            **{"from": BoardState.f_from, "to": BoardState.f_to},
        ),
        rx.el.p(t("feedback.ui.map_zoom"), id="fb-map-zoom", hidden=True, class_name="cds-hint"),
        rx.el.h2(t("feedback.ui.list"), class_name="cds-h2"),
        rx.cond(
            BoardState.items.length() > 0,
            rx.el.ul(rx.foreach(BoardState.items, _board_item), class_name="cds-list", id="fb-results"),
            rx.el.p(t("feedback.ui.no_results"), id="fb-no-results"),
        ),
        _pager(),
    )
