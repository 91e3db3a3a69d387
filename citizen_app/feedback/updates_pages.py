"""The report page's "updates" section (no page of its own): citizens' updates with their photos, the form to add
one while the report is open, and hide/restore for the handling agency's moderators."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.components import (
    ERROR_STYLE,
    checkbox,
    notice,
    submit,
    text_area,
    thumbs,
    uploader,
)
from citizen_app.feedback.updates import MAX_REASON, MAX_UPDATE
from citizen_app.feedback.updates_state import UPLOAD_ID, UpdatesState
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.ui.components import error_summary

PHOTO_STYLE = {"width": "96px", "height": "72px", "object_fit": "cover", "border_radius": "6px"}


def _photo(photo: rx.Var) -> rx.Component:
    return rx.el.a(
        rx.el.img(src=photo["thumb"], alt=t("feedback.ui.photo_kind.update"), loading="lazy", decoding="async",
                  custom_attrs={"width": "96", "height": "72"}, style=PHOTO_STYLE),
        href=photo["full"],
        target="_blank",
        rel="noopener",
        class_name="fb-update-photo",
    )


def _moderation(row: rx.Var) -> rx.Component:
    field_id = "f-hide-" + row.id  # one form per update: ids must stay unique
    hide = rx.el.details(
        rx.el.summary(t("feedback.ui.hide_update"), class_name="fb-summary"),
        rx.form(
            rx.el.input(type="hidden", name="update_id", value=row.id),
            rx.el.div(
                rx.el.label(t("feedback.ui.hide_reason"), html_for=field_id, class_name="cds-label"),
                rx.el.textarea(id=field_id, name="hide_reason", max_length=MAX_REASON, rows=2, required=True,
                               class_name="cds-input"),
                class_name="cds-field",
            ),
            rx.el.button(t("feedback.ui.hide_update_send"), type="submit", class_name="cds-button cds-button-outline"),
            on_submit=UpdatesState.hide,
            class_name="cds-form",
            reset_on_submit=True,
        ),
    )
    restore = rx.el.button(t("feedback.ui.restore_update"), type="button", on_click=UpdatesState.restore(row.id),
                           class_name="cds-button cds-button-outline")
    return rx.cond(UpdatesState.can_moderate, rx.cond(row.hidden, restore, hide))


def _update(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(rx.cond(row.author != "", row.author, t("feedback.ui.name_hidden"))),
            rx.cond(row.name_hidden & (row.author != ""),
                    rx.el.span(" · ", t("feedback.ui.hidden_from_public"), class_name="cds-hint")),
            " · ",
            rx.el.time(row.at),
        ),
        rx.cond(row.hidden, rx.el.p(t("feedback.ui.update_is_hidden"), ": ", row.hidden_reason, style=ERROR_STYLE)),
        rx.cond(row.text != "", rx.el.p(row.text, style={"white_space": "pre-wrap", "margin": "4px 0"})),
        rx.cond(row.photos.length() > 0,
                rx.el.div(rx.foreach(row.photos, _photo), class_name="fb-update-photos")),
        _moderation(row),
        class_name="fb-update",
        custom_attrs={"data-hidden": rx.cond(row.hidden, "1", "0")},
    )


def _form() -> rx.Component:
    s = UpdatesState
    return rx.cond(
        s.can_add,
        rx.el.div(
            rx.el.h3(t("feedback.ui.add_update"), class_name="cds-label"),
            rx.el.p(t("feedback.ui.update_hint"), class_name="cds-hint"),
            thumbs(s.photos, "fb-update-photo-list", on_remove=UpdatesState.remove_photo),
            uploader(UPLOAD_ID, UpdatesState.upload(rx.upload_files(upload_id=UPLOAD_ID))),
            rx.form(
                text_area("feedback.ui.update", "update", max_length=MAX_UPDATE, rows=3, key=s.version.to_string()),
                checkbox("feedback.ui.update_hide_name", "update_hide_name",
                         hint_key="feedback.ui.update_hide_name_hint"),
                submit("feedback.ui.send_update", "fb-update-send"),
                on_submit=UpdatesState.add,
                class_name="cds-form",
                id="fb-add-update",
            ),
        ),
        rx.cond(
            AuthState.logged_in,
            rx.fragment(),
            rx.el.p(rx.link(t("auth.login"), href="/login"), " ", t("feedback.ui.login_to_update")),
        ),
    )


def updates_section() -> rx.Component:
    s = UpdatesState
    return rx.el.section(
        rx.el.h2(t("feedback.ui.updates"), class_name="cds-h2", id="fb-updates-heading"),
        notice(s.notice, "fb-update-notice"),
        error_summary(s.error, "fb-update-error"),
        rx.cond(
            s.updates.length() > 0,
            rx.el.ol(rx.foreach(s.updates, _update), id="fb-updates", class_name="fb-updates"),
            rx.el.p(t("feedback.ui.no_updates"), id="fb-no-updates", class_name="cds-hint"),
        ),
        _form(),
        aria_labelledby="fb-updates-heading",
        id="fb-updates-section",
    )
