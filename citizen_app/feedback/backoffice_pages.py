"""Back-office pages, the officials' workbench (``/feedback/workbench``): queues (the agency's, "my work",
not assigned, the ward's, reroutes proposed to us; overdue first) and one case with assignment and reroutes,
triage, internal notes, the public response (reply templates), progress updates and closing. A button shows
only when ``backoffice.official_actions`` allows it (``CaseState.actions``)."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.backoffice_state import CaseState, WorkbenchState
from citizen_app.feedback.components import (
    ERROR_STYLE,
    badge,
    checkbox,
    definition,
    gallery,
    lv,
    notice,
    option_list,
    overdue_badge,
    select,
    submit,
    text_area,
    text_input,
    thumbs,
    timeline,
    uploader,
)
from citizen_app.i18n.state import t
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

OFFICIAL_ROLES = ("official", "admin")


def _queue_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.link("#", row["id"], " ", row["title"], href=row["href"], style={"font_weight": "700"}),
            rx.el.p(lv(row, "category"), " · ", row["ward"], " · ", row["created"], class_name="cds-hint"),
            rx.el.p(
                lv(row, "agency"),
                " · ",
                t("feedback.ui.assignee"),
                ": ",
                rx.cond(row["assignee_vi"] != "", lv(row, "assignee"), t("feedback.ui.unassigned")),
                rx.cond(
                    row["pending_vi"] != "",
                    rx.el.span(" · ", t("feedback.ui.pending_reroute"), ": ", lv(row, "pending")),
                ),
                class_name="cds-hint",
            ),
            rx.el.p(
                badge(lv(row, "stage")),
                " ",
                t("feedback.ui.priority"),
                ": ",
                lv(row, "priority"),
                " · ",
                t("feedback.ui.due"),
                ": ",
                row["due"],
                " ",
                overdue_badge(row["overdue"]),
            ),
            style={"flex": "1 1 240px", "min_width": "0"},
        ),
        class_name="cds-list-row",
    )


def _queue_tabs() -> rx.Component:
    def tab(option: rx.Var) -> rx.Component:
        current = WorkbenchState.kind == option["value"]
        return rx.el.button(
            lv(option, "label"),
            type="button",
            id="wb-q-" + option["value"],
            aria_pressed=rx.cond(current, "true", "false"),
            class_name=rx.cond(current, "cds-button", "cds-button cds-button-outline"),
            on_click=WorkbenchState.show(option["value"]),
        )

    return rx.el.div(
        rx.foreach(WorkbenchState.queues, tab),
        role="group",
        aria_label=t("feedback.ui.queues"),
        class_name="cds-actions",
        id="wb-queues",
    )


@app_page("/feedback/workbench", "feedback.ui.workbench", roles=OFFICIAL_ROLES, on_load=[WorkbenchState.load])
def workbench_page() -> rx.Component:
    return rx.el.section(
        heading("feedback.ui.workbench"),
        rx.el.p(t("feedback.ui.workbench_lead"), class_name="cds-lead"),
        error_summary(WorkbenchState.error),
        _queue_tabs(),
        rx.form(
            select("feedback.ui.stage", "stage", WorkbenchState.stages, empty_key="feedback.ui.any_status"),
            checkbox("feedback.ui.overdue_only", "overdue"),
            submit("feedback.ui.show", "wb-filter"),
            on_submit=WorkbenchState.apply,
            class_name="cds-form",
        ),
        rx.cond(
            WorkbenchState.queue.length() > 0,
            rx.el.ul(rx.foreach(WorkbenchState.queue, _queue_row), class_name="cds-list", id="wb-queue"),
            rx.el.p(t("feedback.ui.queue_empty"), id="wb-queue-empty"),
        ),
    )


# --- one case -----------------------------------------------------------------------------------


def _can(action: str) -> rx.Var:
    return CaseState.actions.contains(action)


def _case_details() -> rx.Component:
    c, r = CaseState.case, CaseState.reporter
    return rx.el.dl(
        definition(
            t("feedback.ui.stage"),
            rx.el.span(badge(lv(c, "stage")), " ", overdue_badge(c["overdue"])),
            element_id="case-stage",
        ),
        rx.cond(
            c["outcome_vi"] != "", definition(t("feedback.ui.outcome"), lv(c, "outcome"), element_id="case-outcome")
        ),
        definition(t("feedback.ui.category"), lv(c, "category")),
        definition(t("feedback.ui.priority"), lv(c, "priority")),
        definition(t("feedback.ui.due"), rx.el.span(c["due"], " · ", t("feedback.ui.expected"), ": ", c["expected"])),
        rx.cond(
            c["handling"] == "1",
            definition(
                t("feedback.ui.reporter"),
                rx.el.span(
                    r["name"],
                    rx.cond(r["phone"] != "", rx.el.span(" · ", rx.el.a(r["phone"], href="tel:" + r["phone"]))),
                    rx.cond(r["email"] != "", rx.el.span(" · ", r["email"])),
                    rx.cond(
                        c["hide_name"] == "1",
                        rx.el.span(" · ", t("feedback.ui.hidden_from_public"), style=ERROR_STYLE),
                    ),
                ),
                element_id="case-reporter",
            ),
        ),
        definition(t("feedback.ui.place"), rx.el.span(c["address"], " · ", c["ward"], " · ", c["lat"], ", ", c["lon"])),
        definition(t("feedback.ui.me_too_count"), c["me_too"]),
        rx.foreach(CaseState.attributes, lambda a: definition(lv(a, "label"), lv(a, "value"))),
        rx.cond(
            c["rating"] != "",
            definition(t("feedback.ui.your_rating"), rx.el.span(c["rating"], "/5 ", c["rating_reason"])),
        ),
    )


def _pending_reroute() -> rx.Component:
    """The agency a reroute is proposed to takes the report over or returns it with a reason."""
    return rx.fragment(
        rx.cond(
            _can("reroute_accept"),
            rx.el.button(
                t("feedback.ui.accept_reroute"),
                type="button",
                on_click=CaseState.accept_reroute,
                class_name="cds-button",
                id="wb-reroute-accept",
            ),
        ),
        rx.cond(
            _can("reroute_return"),
            rx.form(
                text_area("feedback.ui.return_reason", "reason", max_length=4000, rows=2,
                          element_id="f-return-reason"),
                submit("feedback.ui.return_reroute", "wb-reroute-return", outline=True),
                on_submit=CaseState.return_reroute,
                class_name="cds-form",
                id="wb-reroute-return-form",
                reset_on_submit=True,
            ),
        ),
    )


def _routing() -> rx.Component:
    c = CaseState.case
    return rx.el.section(
        rx.el.h2(t("feedback.ui.routing_heading"), class_name="cds-h2"),
        rx.el.dl(
            definition(t("feedback.ui.handling_agency"), lv(c, "agency"), element_id="case-agency"),
            definition(
                t("feedback.ui.assignee"),
                rx.cond(c["assignee_vi"] != "", lv(c, "assignee"), t("feedback.ui.unassigned")),
                element_id="case-assignee",
            ),
            rx.cond(
                c["pending_vi"] != "",
                definition(t("feedback.ui.pending_reroute"), lv(c, "pending"), element_id="case-pending"),
            ),
        ),
        rx.cond(c["handling"] != "1", rx.el.p(t("feedback.ui.watching_only"), class_name="cds-hint")),
        _pending_reroute(),
        rx.cond(
            _can("assign"),
            rx.form(
                select(
                    "feedback.ui.assign_to",
                    "assignee",
                    CaseState.assignees,
                    empty_key="feedback.ui.choose",
                    element_id="f-assignee",
                ),
                submit("feedback.ui.assign", "wb-assign", outline=True),
                on_submit=CaseState.assign,
                class_name="cds-form",
                id="wb-assign-form",
            ),
        ),
        rx.cond(
            _can("reroute"),
            rx.form(
                select(
                    "feedback.ui.reroute_to",
                    "agency",
                    CaseState.agencies,
                    empty_key="feedback.ui.choose",
                    element_id="f-reroute-agency",
                ),
                text_area(
                    "feedback.ui.reroute_reason",
                    "reason",
                    max_length=4000,
                    rows=2,
                    hint_key="feedback.ui.reroute_hint",
                    element_id="f-reroute-reason",  # the refuse form beside it has its own "reason"
                ),
                submit("feedback.ui.reroute", "wb-reroute", outline=True),
                on_submit=CaseState.reroute,
                class_name="cds-form",
                id="wb-reroute-form",
                reset_on_submit=True,
            ),
        ),
    )


def _triage() -> rx.Component:
    c = CaseState.case
    more = _can("refuse") | _can("merge") | _can("priority")
    return rx.cond(
        _can("accept") | _can("start_work") | more,
        rx.el.section(
            rx.el.h2(t("feedback.ui.triage"), class_name="cds-h2"),
            rx.cond(
                _can("accept"),
                rx.form(
                    select(
                        "feedback.ui.priority",
                        "priority",
                        CaseState.priorities,
                        value="1",
                        element_id="f-accept-priority",
                    ),
                    text_area("feedback.ui.accept_text", "public_text", max_length=4000, rows=2),
                    submit("feedback.ui.accept", "wb-accept"),
                    on_submit=CaseState.accept,
                    class_name="cds-form",
                    id="wb-accept-form",
                ),
            ),
            rx.cond(
                _can("start_work"),
                rx.el.button(
                    t("feedback.ui.start_work"),
                    type="button",
                    on_click=CaseState.start_work,
                    class_name="cds-button",
                    id="wb-start",
                ),
            ),
            rx.cond(
                more,
                rx.el.details(
                    rx.el.summary(t("feedback.ui.more_triage"), style={"min_height": "44px", "cursor": "pointer"}),
                    rx.cond(
                        _can("refuse"),
                        rx.form(
                            text_area(
                                "feedback.ui.refuse_reason",
                                "reason",
                                max_length=4000,
                                rows=2,
                                hint_key="feedback.ui.refuse_hint",
                            ),
                            checkbox("feedback.ui.hide_report", "hide"),
                            submit("feedback.ui.refuse", "wb-refuse", outline=True),
                            on_submit=CaseState.refuse,
                            class_name="cds-form",
                            id="wb-refuse-form",
                        ),
                    ),
                    rx.cond(
                        _can("merge"),
                        rx.form(
                            text_input("feedback.ui.merge_into", "into", input_mode="numeric"),
                            submit("feedback.ui.merge", "wb-merge", outline=True),
                            on_submit=CaseState.merge,
                            class_name="cds-form",
                            id="wb-merge-form",
                        ),
                    ),
                    rx.cond(
                        _can("priority"),
                        rx.form(
                            select(
                                "feedback.ui.priority",
                                "priority",
                                CaseState.priorities,
                                value=c["priority"],
                                element_id="f-set-priority",
                            ),
                            submit("feedback.ui.set_priority", "wb-priority", outline=True),
                            on_submit=CaseState.set_priority,
                            class_name="cds-form",
                            id="wb-priority-form",
                        ),
                    ),
                ),
            ),
        ),
    )


def _respond() -> rx.Component:
    return rx.cond(
        _can("respond"),
        rx.el.section(
            rx.el.h2(t("feedback.ui.public_response"), class_name="cds-h2"),
            rx.el.p(t("feedback.ui.public_response_hint"), class_name="cds-hint"),
            rx.el.div(
                rx.el.label(t("feedback.ui.template"), html_for="f-template", class_name="cds-label"),
                rx.el.select(
                    *option_list(CaseState.templates, "feedback.ui.choose"),
                    id="f-template",
                    default_value="",
                    on_change=CaseState.use_template,
                    class_name="cds-input",
                ),
                class_name="cds-field",
            ),
            rx.form(
                text_area(
                    "feedback.ui.response",
                    "response",
                    value=CaseState.response_text,
                    max_length=4000,
                    key=CaseState.response_version.to_string(),
                ),
                submit("feedback.ui.post_response", "wb-respond"),
                on_submit=CaseState.respond,
                class_name="cds-form",
                id="wb-respond-form",
            ),
        ),
    )


def _note_and_progress() -> rx.Component:
    c = CaseState.case
    return rx.fragment(
        rx.cond(
            _can("note"),
            rx.el.section(
                rx.el.h2(t("feedback.ui.internal_note"), class_name="cds-h2"),
                rx.el.p(t("feedback.ui.internal_note_hint"), class_name="cds-hint"),
                rx.form(
                    text_area("feedback.ui.note", "note", max_length=4000, rows=2),
                    submit("feedback.ui.add_note", "wb-note", outline=True),
                    on_submit=CaseState.add_note,
                    class_name="cds-form",
                    id="wb-note-form",
                    reset_on_submit=True,
                ),
            ),
        ),
        rx.cond(
            _can("progress"),
            rx.el.section(
                rx.el.h2(t("feedback.ui.progress"), class_name="cds-h2"),
                rx.cond(
                    c["needs_progress"] == "1",
                    rx.el.p(
                        t("feedback.ui.progress_required"), role="alert", style=ERROR_STYLE, id="wb-progress-required"
                    ),
                ),
                rx.form(
                    text_area("feedback.ui.progress_text", "progress", max_length=4000, rows=2),
                    text_input("feedback.ui.new_date", "new_date", type_="date"),
                    submit("feedback.ui.post_progress", "wb-progress", outline=True),
                    on_submit=CaseState.progress,
                    class_name="cds-form",
                    id="wb-progress-form",
                ),
            ),
        ),
    )


def _close() -> rx.Component:
    return rx.cond(
        _can("answer"),
        rx.el.section(
            rx.el.h2(t("feedback.ui.close_heading"), class_name="cds-h2"),
            rx.el.p(t("feedback.ui.after_photo_hint"), class_name="cds-hint"),
            thumbs(CaseState.after_photos, "wb-after-list"),
            uploader(
                "wb-after",
                CaseState.upload_after(rx.upload_files(upload_id="wb-after")),
                label_key="feedback.ui.choose_after_photo",
            ),
            rx.form(
                select("feedback.ui.outcome", "outcome", CaseState.outcomes, empty_key="feedback.ui.choose"),
                text_area("feedback.ui.close_text", "close_text", max_length=4000, rows=3),
                submit("feedback.ui.close", "wb-close"),
                on_submit=CaseState.close,
                class_name="cds-form",
                id="wb-close-form",
            ),
        ),
    )


def _case_body() -> rx.Component:
    c = CaseState.case
    return rx.el.article(
        rx.heading("#", c["id"], " ", c["title"], as_="h1", size="6", id="case-title"),
        notice(CaseState.notice, "wb-notice"),
        error_summary(CaseState.error),
        rx.link(t("feedback.ui.public_page"), href="/feedback/" + c["id"], class_name="cds-help"),
        _case_details(),
        rx.el.h2(
            rx.cond(c["handling"] == "1", t("feedback.ui.original_description"), t("feedback.ui.description")),
            class_name="cds-h2",
        ),
        rx.el.p(c["description"], id="case-description", style={"white_space": "pre-wrap"}),
        gallery(CaseState.photos, "case-photos"),
        rx.cond(
            c["response"] != "",
            rx.el.p(
                t("feedback.ui.current_response"),
                ": ",
                c["response"],
                id="case-response",
                style={"white_space": "pre-wrap"},
            ),
        ),
        _routing(),
        _triage(),
        _respond(),
        _note_and_progress(),
        _close(),
        rx.el.h2(t("feedback.ui.history"), class_name="cds-h2"),
        timeline(CaseState.events, "case-events"),
    )


@app_page("/feedback/workbench/[report_id]", "feedback.ui.case", roles=OFFICIAL_ROLES, on_load=[CaseState.load])
def case_page() -> rx.Component:
    return rx.el.section(
        rx.link(
            rx.icon("chevron-left", size=18, aria_hidden="true"),
            t("feedback.ui.back_queue"),
            href="/feedback/workbench",
            class_name="cds-help",
        ),
        rx.cond(
            CaseState.found, _case_body(), rx.fragment(heading("feedback.ui.case"), error_summary(CaseState.error))
        ),
    )
