"""One report: details, photos, the agency's response and the timeline; me too, follow and public updates for
everyone, confirm or dispute the fix and rate the answer for its reporter."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.page_frames import FRAME_ATTRIBUTE
from citizen_app.feedback.components import (
    ERROR_STYLE,
    badge,
    definition,
    gallery,
    lv,
    map_assets,
    map_box,
    notice,
    submit,
    text_area,
    timeline,
)
from citizen_app.feedback.state import ReportState
from citizen_app.feedback.styles import DESCRIPTION_STYLE
from citizen_app.feedback.updates_pages import updates_section
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, script_filled

SCORES = (1, 2, 3, 4, 5)


def _reporter_actions() -> rx.Component:
    s = ReportState
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
    return rx.fragment(confirm, rate, rated)


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
        s.can_me_too,
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
        rx.el.p(d["description"], id="fb-description", style=DESCRIPTION_STYLE),
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
        updates_section(),
        _location(),
        rx.el.h2(t("feedback.ui.timeline"), class_name="cds-h2"),
        timeline(ReportState.timeline),
    )


@app_page("/feedback/[report_id]", "feedback.ui.report_title_page", on_load=[ReportState.load])  # and its updates
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
            rx.cond(
                ReportState.loaded,
                rx.fragment(heading("feedback.ui.report_title_page"), error_summary(ReportState.error)),
                script_filled("div", custom_attrs={FRAME_ATTRIBUTE: ""}),  # the server's frame until the report loads
            ),
        ),
    )
