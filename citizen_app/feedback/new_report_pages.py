"""A new report: category and its questions, the place (map, location or address), reports nearby that
may be the same (me too), photos, and the draft kept while typing."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.components import (
    ERROR_STYLE,
    checkbox,
    map_assets,
    map_box,
    notice,
    option_list,
    pick,
    text_area,
    text_input,
)
from citizen_app.feedback.state import NewReportState
from citizen_app.i18n.state import t
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

OUTBOX_FORM_SCRIPT = "/feedback/outbox-form.js"  # precached by sw.js with the page


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
        # Sent by assets/feedback/outbox-form.js (it stops the event before React): never by the socket, which
        # would queue it offline and send it again on reconnect besides the outbox.
        on_submit=rx.prevent_default,
        class_name="cds-form",
        id="fb-form",
        key=s.version.to_string(),
    )


def _photos() -> rx.Component:
    """Photos stay on the phone with the draft (resized there, which also drops their location data) until the
    report is sent; outbox-form.js draws the list. Outside the form: its file input is no form field."""
    return rx.el.section(
        rx.el.h2(t("feedback.ui.photos"), class_name="cds-h2", id="fb-photos-heading"),
        rx.el.ul(class_name="cds-list", id="fb-photo-list", aria_labelledby="fb-photos-heading"),
        rx.el.label(
            rx.icon("camera", size=20, aria_hidden="true"),
            t("feedback.ui.choose_photos"),
            rx.el.input(type="file", id="fb-device-photos", accept="image/jpeg,image/png,image/webp", multiple=True,
                        class_name="cds-visually-hidden"),
            class_name="cds-button cds-button-outline cds-file-button",
            id="fb-photos-pick",
        ),
        rx.el.p(t("feedback.ui.photo_device_rules"), class_name="cds-hint"),
        rx.el.p(id="fb-photo-error", role="alert", class_name="cds-hint"),
    )


def _draft_bar() -> rx.Component:
    return rx.el.div(
        rx.el.p(
            rx.cond(
                NewReportState.draft_saved != "",
                rx.el.span(t("feedback.ui.draft_saved"), " ", NewReportState.draft_saved),
                t("feedback.ui.draft_hint"),
            ),
            class_name="cds-hint cds-when-online",
            id="fb-draft-status",
            aria_live="polite",
        ),
        rx.el.p(class_name="cds-hint", id="fb-device-status", aria_live="polite"),  # the copy on this phone
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


@app_page("/feedback/new", "feedback.ui.new_title", roles=("citizen",), on_load=[NewReportState.load], offline=True)
def new_report_page() -> rx.Component:
    return rx.el.section(
        map_assets(),
        rx.script(src=OUTBOX_FORM_SCRIPT),
        heading("feedback.ui.new_title"),
        rx.el.p(t("feedback.ui.new_lead"), class_name="cds-lead"),
        rx.el.p(t("feedback.ui.emergency_hint"), class_name="cds-hint"),
        notice(NewReportState.notice),
        error_summary(NewReportState.error),
        # outbox-form.js: why the last try was refused, and the reports waiting to be sent or sent from here.
        rx.el.div(id="fb-outbox-error", role="alert"),
        rx.el.div(id="fb-outbox-status", aria_live="polite"),
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
