"""Pages of the feedback board, citizen side: the public board (list + map), a new report, one report,
my reports and watched areas, the public scorecard. The officials' workbench is in ``backoffice_pages``."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback import backoffice_pages  # noqa: F401 - registers the workbench pages
from citizen_app.feedback.components import (
    ERROR_STYLE,
    badge,
    checkbox,
    definition,
    gallery,
    lv,
    map_assets,
    map_box,
    notice,
    option_list,
    pick,
    select,
    submit,
    text_area,
    text_input,
    thumbs,
    timeline,
    uploader,
)
from citizen_app.feedback.state import BoardState, MineState, NewReportState, ReportState, ScorecardState
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.ui.components import error_summary
from citizen_app.ui.layout import app_page, heading

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
SCORES = (1, 2, 3, 4, 5)


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


# --- the board ----------------------------------------------------------------------------------


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


# --- a new report -------------------------------------------------------------------------------


def _attribute(attr: rx.Var) -> rx.Component:
    field_id = "f-attr_" + attr.code
    label = rx.el.label(
        pick(attr.label_vi, attr.label_en),
        rx.cond(attr.required, rx.el.span(" *", aria_hidden="true")),
        html_for=field_id,
        class_name="cds-label",
    )
    control = rx.cond(
        attr.options.length() > 0,
        rx.el.select(
            rx.el.option(t("feedback.ui.choose"), value=""),
            rx.foreach(attr.options, lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value)),
            id=field_id,
            name="attr_" + attr.code,
            default_value=attr.value,
            class_name="cds-input",
            required=attr.required,
        ),
        rx.el.input(
            id=field_id,
            name="attr_" + attr.code,
            default_value=attr.value,
            class_name="cds-input",
            required=attr.required,
            input_mode=rx.cond(attr.datatype == "number", "decimal", "text"),
        ),
    )
    return rx.el.div(label, control, class_name="cds-field")


def _place() -> rx.Component:
    s = NewReportState
    return rx.el.fieldset(
        rx.el.legend(t("feedback.ui.place"), class_name="cds-label"),
        rx.el.p(t("feedback.ui.place_hint"), class_name="cds-hint"),
        rx.el.button(
            rx.icon("locate-fixed", size=20, aria_hidden="true"),
            t("feedback.ui.use_location"),
            type="button",
            class_name="cds-button cds-button-outline",
            id="fb-locate",
            on_click=rx.call_script(
                "window.FeedbackUI ? FeedbackUI.locate() : {error: 'noscript'}",
                callback=NewReportState.check_duplicates,
            ),
        ),
        rx.cond(s.locate_error, rx.el.p(t("feedback.ui.locate_failed"), role="alert", style=ERROR_STYLE)),
        map_box("fb-picker", "picker", "feedback.ui.map_pick"),
        rx.el.div(
            text_input("feedback.ui.lat", "lat", value=s.d_lat, input_mode="decimal"),
            text_input("feedback.ui.lon", "lon", value=s.d_lon, input_mode="decimal"),
            style={"display": "grid", "grid_template_columns": "1fr 1fr", "gap": "8px"},
        ),
        text_input(
            "feedback.ui.address", "address", value=s.d_address, hint_key="feedback.ui.address_hint", max_length=300
        ),
        text_input("feedback.ui.ward", "ward", value=s.d_ward, max_length=100),
        style={"display": "flex", "flex_direction": "column", "gap": "12px"},
    )


def _duplicate(d: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.cond(
                d["photo"] != "",
                rx.el.img(
                    src=d["photo"],
                    alt=t("feedback.ui.photo_of_report"),
                    style={"width": "100%", "max_width": "480px", "border_radius": "8px"},
                ),
            ),
            rx.link(d["title"], href=d["href"], style={"font_weight": "700", "display": "block"}),
            rx.el.p(d["description"], style={"white_space": "pre-wrap"}),
            rx.el.p(
                d["distance"],
                " m · ",
                d["created"],
                " · ",
                t("feedback.ui.me_too_count"),
                ": ",
                d["me_too"],
                class_name="cds-hint",
            ),
            style={"flex": "1 1 240px", "min_width": "0"},
        ),
        rx.el.button(
            t("feedback.ui.me_too"),
            type="button",
            class_name="cds-button",
            on_click=NewReportState.me_too(d["id"]),
            aria_label=t("feedback.ui.me_too").to(str) + " #" + d["id"].to(str),
        ),
        class_name="cds-list-row",
    )


def _duplicates() -> rx.Component:
    return rx.el.div(
        rx.cond(
            NewReportState.duplicates.length() > 0,
            rx.el.section(
                rx.el.h2(t("feedback.ui.duplicates"), class_name="cds-h2"),
                rx.el.p(t("feedback.ui.duplicates_hint"), class_name="cds-hint"),
                rx.el.ul(rx.foreach(NewReportState.duplicates, _duplicate), class_name="cds-list", id="fb-dupes"),
            ),
        ),
        aria_live="polite",
    )


def _report_form() -> rx.Component:
    s = NewReportState
    return rx.form(
        rx.el.div(
            rx.el.label(t("feedback.ui.category"), html_for="f-category_code", class_name="cds-label"),
            rx.el.select(
                *option_list(s.categories, "feedback.ui.choose"),
                id="f-category_code",
                name="category_code",
                default_value=s.d_category,
                required=True,
                class_name="cds-input",
                on_change=NewReportState.set_category,
            ),
            class_name="cds-field",
        ),
        rx.foreach(s.attributes, _attribute),
        text_input("feedback.ui.report_title", "title", value=s.d_title, required=True, max_length=200),
        text_area(
            "feedback.ui.description",
            "description",
            value=s.d_description,
            hint_key="feedback.ui.description_hint",
            required=True,
        ),
        _place(),
        _duplicates(),
        checkbox("feedback.ui.hide_name", "hide_name", checked=s.d_hide, hint_key="feedback.ui.hide_name_hint"),
        on_submit=NewReportState.submit,
        class_name="cds-form",
        id="fb-form",
        key=s.version.to_string(),
    )


def _photos() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("feedback.ui.photos"), class_name="cds-h2"),
        thumbs(NewReportState.photos, "fb-photo-list", on_remove=NewReportState.remove_photo),
        rx.cond(
            NewReportState.photos.length() < 5,
            uploader("fb-photos", NewReportState.upload(rx.upload_files(upload_id="fb-photos"))),
        ),
    )


def _draft_bar() -> rx.Component:
    return rx.el.div(
        rx.el.p(
            rx.cond(
                NewReportState.draft_saved != "",
                rx.el.span(t("feedback.ui.draft_saved"), " ", NewReportState.draft_saved),
                t("feedback.ui.draft_hint"),
            ),
            class_name="cds-hint",
            id="fb-draft-status",
            aria_live="polite",
        ),
        rx.el.button(
            t("feedback.ui.discard_draft"),
            type="button",
            on_click=NewReportState.discard_draft,
            class_name="cds-button cds-button-outline",
            id="fb-discard",
        ),
        # Clicked by feedback.js: collect the form and save the draft / look for duplicates.
        rx.el.button(
            "autosave",
            type="button",
            id="fb-autosave",
            hidden=True,
            tab_index=-1,
            aria_hidden="true",
            on_click=rx.call_script("window.FeedbackUI ? FeedbackUI.collect() : {}", callback=NewReportState.autosave),
        ),
        rx.el.button(
            "duplicates",
            type="button",
            id="fb-dupes-check",
            hidden=True,
            tab_index=-1,
            aria_hidden="true",
            on_click=rx.call_script(
                "window.FeedbackUI ? FeedbackUI.collect() : {}", callback=NewReportState.check_duplicates
            ),
        ),
        class_name="cds-actions",
    )


@app_page("/feedback/new", "feedback.ui.new_title", roles=("citizen",), on_load=[NewReportState.load])
def new_report_page() -> rx.Component:
    return rx.el.section(
        map_assets(),
        heading("feedback.ui.new_title"),
        rx.el.p(t("feedback.ui.new_lead"), class_name="cds-lead"),
        rx.el.p(t("feedback.ui.emergency_hint"), class_name="cds-hint"),
        notice(NewReportState.notice),
        error_summary(NewReportState.error),
        _report_form(),
        _photos(),
        rx.el.div(  # outside the form (the photo picker must not be part of it): submits it by id
            rx.el.button(
                t("feedback.ui.send"),
                type="submit",
                id="fb-submit",
                class_name="cds-button",
                disabled=NewReportState.busy,
                custom_attrs={"form": "fb-form"},
            ),
            class_name="cds-actions",
        ),
        _draft_bar(),
    )


# --- one report ---------------------------------------------------------------------------------


def _reporter_actions() -> rx.Component:
    s = ReportState
    add_info = rx.cond(
        s.can_add_info,
        rx.el.section(
            rx.el.h2(t("feedback.ui.add_info"), class_name="cds-h2"),
            thumbs(s.info_photos, "fb-info-photo-list"),
            uploader("fb-info-photos", ReportState.upload_info(rx.upload_files(upload_id="fb-info-photos"))),
            rx.form(
                text_area("feedback.ui.info", "info", max_length=2000, rows=3),
                submit("feedback.ui.send_info", "fb-info-send"),
                on_submit=ReportState.add_info,
                class_name="cds-form",
                id="fb-add-info",
                reset_on_submit=True,
            ),
        ),
    )
    confirm = rx.cond(
        s.awaiting,
        rx.el.section(
            rx.el.h2(t("feedback.ui.confirm_heading"), class_name="cds-h2"),
            rx.el.p(t("feedback.ui.confirm_hint"), " ", rx.el.strong(s.confirm_until, id="fb-confirm-until")),
            rx.el.button(
                t("feedback.ui.confirm"),
                type="button",
                on_click=ReportState.confirm,
                class_name="cds-button",
                id="fb-confirm",
            ),
            rx.form(
                text_area("feedback.ui.dispute_reason", "reason", max_length=2000, rows=3),
                submit("feedback.ui.dispute", "fb-dispute-send", outline=True),
                on_submit=ReportState.dispute,
                class_name="cds-form",
                id="fb-dispute",
            ),
        ),
    )
    rate = rx.cond(
        s.can_rate,
        rx.el.section(
            rx.el.h2(t("feedback.ui.rate_heading"), class_name="cds-h2"),
            rx.form(
                rx.el.fieldset(
                    rx.el.legend(t("feedback.ui.rate_question"), class_name="cds-label"),
                    *[
                        rx.el.label(
                            rx.el.input(
                                type="radio",
                                name="score",
                                value=str(n),
                                required=True,
                                class_name="cds-check",
                                id=f"f-score-{n}",
                            ),
                            rx.el.span(f"{n} – ", t(f"feedback.ui.score_{n}")),
                            html_for=f"f-score-{n}",
                            class_name="cds-check-label",
                        )
                        for n in SCORES
                    ],
                ),
                text_area("feedback.ui.rating_reason", "rating_reason", max_length=500, rows=2),
                submit("feedback.ui.rate", "fb-rate-send"),
                on_submit=ReportState.rate,
                class_name="cds-form",
                id="fb-rate",
            ),
        ),
    )
    rated = rx.cond(s.rating != "", rx.el.p(t("feedback.ui.your_rating"), ": ", s.rating, "/5", id="fb-rating"))
    return rx.fragment(add_info, confirm, rate, rated)


def _public_actions() -> rx.Component:
    s = ReportState
    follow = rx.cond(
        s.following,
        rx.el.button(
            t("feedback.ui.unfollow"),
            type="button",
            on_click=ReportState.unfollow,
            class_name="cds-button cds-button-outline",
            id="fb-unfollow",
        ),
        rx.el.button(
            t("feedback.ui.follow"),
            type="button",
            on_click=ReportState.follow,
            class_name="cds-button cds-button-outline",
            id="fb-follow",
        ),
    )
    me_too = rx.cond(
        ~s.is_reporter & ~s.did_me_too & (s.detail["stage"] != "closed"),
        rx.el.button(
            t("feedback.ui.me_too"), type="button", on_click=ReportState.me_too, class_name="cds-button", id="fb-me-too"
        ),
    )
    return rx.cond(
        AuthState.logged_in,
        rx.el.div(me_too, follow, class_name="cds-actions"),
        rx.el.p(rx.link(t("auth.login"), href="/login"), " ", t("feedback.ui.login_to_follow")),
    )


def _details() -> rx.Component:
    d = ReportState.detail
    return rx.el.dl(
        definition(t("feedback.ui.category"), lv(d, "category")),
        definition(t("feedback.ui.stage"), badge(lv(d, "stage")), element_id="fb-stage"),
        rx.cond(d["outcome_vi"] != "", definition(t("feedback.ui.outcome"), lv(d, "outcome"), element_id="fb-outcome")),
        definition(
            t("feedback.ui.reporter"),
            rx.cond(d["reporter"] != "", d["reporter"], t("feedback.ui.name_hidden")),
            element_id="fb-reporter",
        ),
        definition(t("feedback.ui.created_on"), d["created"]),
        rx.cond(
            d["expected"] != "",
            definition(
                t("feedback.ui.expected"),
                rx.el.span(
                    d["expected"],
                    rx.cond(d["overdue"] == "1", rx.el.span(" · ", t("feedback.ui.overdue"), style=ERROR_STYLE)),
                ),
            ),
        ),
        definition(t("feedback.ui.me_too_count"), d["me_too"], element_id="fb-me-too-count"),
        rx.foreach(ReportState.attributes, lambda a: definition(lv(a, "label"), lv(a, "value"))),
        rx.cond(
            d["duplicate_of"] != "",
            definition(
                t("feedback.ui.duplicate_of"), rx.link("#" + d["duplicate_of"], href="/feedback/" + d["duplicate_of"])
            ),
        ),
    )


def _location() -> rx.Component:
    d = ReportState.detail
    return rx.el.section(
        rx.el.h2(t("feedback.ui.place"), class_name="cds-h2"),
        rx.el.p(d["address"], rx.cond(d["ward"] != "", rx.el.span(" · ", d["ward"])), id="fb-address"),
        rx.cond(
            d["lat"] != "",
            rx.fragment(
                map_box("fb-point", "point", "feedback.ui.map", lat=d["lat"], lon=d["lon"]),
                rx.el.p(
                    d["lat"],
                    ", ",
                    d["lon"],
                    " · ",
                    rx.el.a(t("feedback.ui.open_osm"), href=d["osm"], target="_blank", rel="noopener"),
                    class_name="cds-hint",
                ),
            ),
        ),
    )


def _report_body() -> rx.Component:
    d = ReportState.detail
    return rx.el.article(
        rx.heading(d["title"], as_="h1", size="7", id="fb-title"),
        notice(ReportState.notice),
        error_summary(ReportState.error),
        _details(),
        rx.el.h2(t("feedback.ui.description"), class_name="cds-h2"),
        rx.el.p(d["description"], id="fb-description", style={"white_space": "pre-wrap"}),
        gallery(ReportState.photos),
        rx.cond(
            d["response"] != "",
            rx.el.section(
                rx.el.h2(t("feedback.ui.response"), class_name="cds-h2"),
                rx.el.blockquote(
                    d["response"],
                    id="fb-response",
                    style={
                        "white_space": "pre-wrap",
                        "border_left": "4px solid #1f6f43",
                        "padding_left": "12px",
                        "margin": "0",
                    },
                ),
            ),
        ),
        _public_actions(),
        _reporter_actions(),
        _location(),
        rx.el.h2(t("feedback.ui.timeline"), class_name="cds-h2"),
        timeline(ReportState.timeline),
    )


@app_page("/feedback/[report_id]", "feedback.ui.report_title_page", on_load=[ReportState.load])
def report_page() -> rx.Component:
    return rx.el.section(
        map_assets(),
        rx.link(
            rx.icon("chevron-left", size=18, aria_hidden="true"),
            t("feedback.ui.back_board"),
            href="/feedback",
            class_name="cds-help",
        ),
        rx.cond(
            ReportState.found,
            _report_body(),
            rx.fragment(heading("feedback.ui.report_title_page"), error_summary(ReportState.error)),
        ),
    )


# --- my reports and watched areas ---------------------------------------------------------------


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


# --- scorecard ----------------------------------------------------------------------------------

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


__all__ = ["board_page", "mine_page", "new_report_page", "report_page", "scorecard_page"]
