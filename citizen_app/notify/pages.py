"""Notification centre, notification/push/install settings and the city announcement page."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.state import AuthState
from citizen_app.notify.models import TOPICS
from citizen_app.notify.state import AnnounceState, NotifyCentreState, PushSettingsState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button


def _by_lang(row: rx.Var, field: str) -> rx.Var:
    return rx.cond(LangState.lang == "en", row[f"{field}_en"], row[f"{field}_vi"])


def _saved(var: rx.Var, element_id: str) -> rx.Component:
    return rx.cond(var.length() > 0, rx.callout(t_var(var), icon="check", role="status", id=element_id))  # type: ignore[attr-defined]


# --- /notifications ---------------------------------------------------------------------------------


def _item(row: rx.Var) -> rx.Component:
    unread = row["read"] == ""
    return rx.el.li(
        rx.el.div(
            rx.el.strong(rx.cond(unread, rx.el.span(rx.badge(t("notify.centre.new"), color_scheme="red"), " ")),
                         _by_lang(row, "title")),
            rx.el.p(_by_lang(row, "body"), style={"margin": "4px 0"}),
            rx.el.p(row["created"], class_name="cds-hint"),
            style={"flex": "1 1 14em", "font_weight": rx.cond(unread, "600", "400")},
        ),
        rx.el.div(
            rx.el.button(t("notify.centre.open"), on_click=NotifyCentreState.open_item(row["id"]),
                         class_name="cds-button", type="button"),
            rx.cond(unread, rx.el.button(t("notify.centre.mark_read"), on_click=NotifyCentreState.mark_read(row["id"]),
                                         class_name="cds-button cds-button-outline", type="button")),
            class_name="cds-actions", style={"margin_top": "0"},
        ),
        class_name="cds-list-row",
        data_read=rx.cond(unread, "0", "1"),
    )


@app_page("/notifications", "notify.centre.title", roles=("citizen",), on_load=[NotifyCentreState.load])
def centre_page() -> rx.Component:
    return rx.el.section(
        heading("notify.centre.title"),
        error_summary(NotifyCentreState.error),
        _saved(NotifyCentreState.saved, "notify-saved"),
        rx.el.div(
            rx.el.button(t("notify.centre.mark_all_read"), on_click=NotifyCentreState.mark_all_read,
                         class_name="cds-button cds-button-outline", type="button", id="mark-all-read"),
            rx.link(t("notify.centre.settings_link"), href="/notifications/settings",
                    class_name="cds-button cds-button-outline"),
            rx.cond(AuthState.is_official, rx.link(t("notify.centre.announce_link"), href="/admin/announcements",
                                                   class_name="cds-button cds-button-outline")),
            class_name="cds-actions",
        ),
        rx.cond(
            NotifyCentreState.items.length() > 0,  # type: ignore[attr-defined]
            rx.el.ul(rx.foreach(NotifyCentreState.items, _item), class_name="cds-list", id="notify-list",
                     style={"margin_top": "16px"}),
            rx.el.p(t("notify.centre.empty"), id="notify-empty"),
        ),
    )


# --- /notifications/settings ------------------------------------------------------------------------


def _topic_boxes(prefix: str, selected: rx.Var | None) -> rx.Component:
    boxes = []
    for topic in TOPICS:
        checked = selected.contains(topic) if selected is not None else True  # type: ignore[attr-defined]
        boxes.append(rx.el.label(
            rx.el.input(type="checkbox", name=f"topic_{topic}", default_checked=checked, class_name="cds-check",
                        id=f"{prefix}-{topic}"),
            t(f"notify.topic.{topic}"), class_name="cds-check-label"))
    return rx.el.fieldset(rx.el.legend(t("notify.settings.topics")), *boxes)


def _ios_steps() -> rx.Component:
    """The illustrated "Add to Home Screen" hint for iPhone/iPad Safari."""
    def step(icon: str, key: str) -> rx.Component:
        return rx.el.li(
            rx.el.span(rx.icon(icon, size=28, aria_hidden="true"),
                       style={"display": "inline-flex", "align_items": "center", "justify_content": "center",
                              "width": "48px", "height": "48px", "border_radius": "12px", "background": "#eef3fb",
                              "color": "#0b57d0", "flex": "none"}),
            rx.el.span(t(key)),
            style={"display": "flex", "gap": "12px", "align_items": "center"},
        )

    return rx.el.ol(step("share", "notify.ios.step1"), step("square-plus", "notify.ios.step2"),
                    step("smartphone", "notify.ios.step3"), id="ios-hint",
                    style={"display": "flex", "flex_direction": "column", "gap": "10px", "padding": "0",
                           "list_style": "none"})


def _install_block() -> rx.Component:
    s = PushSettingsState
    return rx.el.section(
        rx.el.h2(t("notify.settings.install_title"), class_name="cds-h2"),
        rx.el.p(t("notify.settings.install_lead")),
        # Clicked by a listener on "cds:installable" when the browser offers installation later.
        rx.el.button(on_click=PushSettingsState.installable, id="install-ready", type="button", tab_index=-1,
                     aria_hidden="true", style={"display": "none"}),
        rx.cond(
            s.standalone,
            rx.el.p(t("notify.settings.installed"), id="install-done"),
            rx.cond(
                s.can_install,
                rx.el.button(rx.icon("download", size=20, aria_hidden="true"), t("notify.install"),
                             on_click=PushSettingsState.install, class_name="cds-button", type="button",
                             id="install-button", style={"gap": "8px"}),
                rx.cond(s.ios_hint, _ios_steps(), rx.el.p(t("notify.settings.install_unavailable"),
                                                          class_name="cds-hint", id="install-unavailable")),
            ),
        ),
    )


def _push_unavailable() -> rx.Component:
    s = PushSettingsState
    return rx.cond(
        s.ios_hint,
        rx.callout(t("notify.settings.ios_needs_install"), icon="smartphone", role="status", id="push-unavailable"),
        rx.callout(t("notify.settings.unsupported"), icon="bell-off", role="status", id="push-unavailable"),
    )


def _push_block() -> rx.Component:
    s = PushSettingsState
    enable = rx.form(
        _topic_boxes("new", None),
        rx.el.div(
            rx.el.button(t("notify.push.enable"), type="submit", class_name="cds-button", id="push-enable",
                         disabled=s.busy),
            rx.el.button(t("notify.push.disable"), type="button", on_click=PushSettingsState.disable_push,
                         class_name="cds-button cds-button-outline", id="push-disable"),
            class_name="cds-actions",
        ),
        on_submit=PushSettingsState.enable_push,
        class_name="cds-form",
    )
    return rx.el.section(
        rx.el.h2(t("notify.settings.this_device"), class_name="cds-h2"),
        rx.cond(
            ~s.checked,
            rx.el.p(t("notify.settings.checking"), role="status"),
            rx.cond(
                s.push_supported & ~s.ios_hint & ~s.automated,
                rx.fragment(
                    rx.cond(s.permission == "denied", rx.callout(t("notify.push.denied"), icon="bell-off",
                                                                 role="status", id="push-denied")),
                    enable,
                ),
                _push_unavailable(),
            ),
        ),
    )


def _device(row: rx.Var) -> rx.Component:
    selected = row["topics"].to(str).split(",")
    return rx.el.li(
        rx.form(
            rx.el.strong(rx.cond(row["label"] != "", row["label"], t("notify.settings.device_unknown"))),
            rx.el.p(row["service"], " · ", t("notify.settings.added"), " ", row["created"],
                    rx.cond(row["last_success"] != "", rx.el.span(" · ", t("notify.settings.last_success"), ": ",
                                                                  row["last_success"])), class_name="cds-hint"),
            rx.el.input(type="hidden", name="device_id", value=row["id"]),
            _topic_boxes("dev", selected),
            rx.el.div(
                primary_button("notify.settings.save_topics"),
                rx.el.button(t("notify.settings.remove"), type="button",
                             on_click=PushSettingsState.remove_device(row["id"]),
                             class_name="cds-button cds-button-outline"),
                class_name="cds-actions",
            ),
            on_submit=PushSettingsState.save_topics,
            class_name="cds-form",
            style={"width": "100%", "margin": "0"},
        ),
        class_name="cds-list-row",
        key=row["id"] + row["topics"],
    )


@app_page("/notifications/settings", "notify.settings.title", roles=("citizen",), on_load=[PushSettingsState.load])
def settings_page() -> rx.Component:
    s = PushSettingsState
    return rx.el.section(
        heading("notify.settings.title"),
        rx.el.p(t("notify.settings.lead"), class_name="cds-lead"),
        error_summary(s.error),
        _saved(s.saved, "settings-saved"),
        _push_block(),
        rx.el.h2(t("notify.settings.devices"), class_name="cds-h2"),
        rx.cond(s.devices.length() > 0,  # type: ignore[attr-defined]
                rx.el.ul(rx.foreach(s.devices, _device), class_name="cds-list", id="device-list"),
                rx.el.p(t("notify.settings.no_devices"), id="no-devices")),
        _install_block(),
    )


# --- /admin/announcements -----------------------------------------------------------------------------


def _text_field(key: str, name: str, *, multiline: bool = False, required: bool = False,
                default: str = "") -> rx.Component:
    field_id = f"f-{name}"
    control = (rx.el.textarea(id=field_id, name=name, class_name="cds-input", required=required, max_length=300,
                              rows=4, default_value=default)
               if multiline else
               rx.el.input(id=field_id, name=name, class_name="cds-input", required=required, max_length=80,
                           default_value=default, auto_complete="off"))
    return rx.el.div(rx.el.label(t(key), html_for=field_id, class_name="cds-label"), control, class_name="cds-field")


def _announce_form() -> rx.Component:
    return rx.form(
        _text_field("notify.announce.title_vi", "title_vi", required=True),
        _text_field("notify.announce.title_en", "title_en"),
        _text_field("notify.announce.body_vi", "body_vi", multiline=True, required=True),
        _text_field("notify.announce.body_en", "body_en", multiline=True),
        _text_field("notify.announce.url", "url", default="/"),
        primary_button("notify.announce.preview", id="announce-preview"),
        on_submit=AnnounceState.make_preview,
        class_name="cds-form",
        id="announce-form",
    )


def _preview() -> rx.Component:
    p = AnnounceState.preview
    card = {"border": "1px solid var(--cds-line)", "border_radius": "8px", "padding": "12px", "background": "#fff"}
    return rx.el.section(
        rx.el.h2(t("notify.announce.preview_title"), class_name="cds-h2"),
        rx.el.div(rx.el.p("Tiếng Việt", class_name="cds-hint"), rx.el.strong(p["title_vi"]),
                  rx.el.p(p["body_vi"]), lang="vi", style=card),
        rx.el.div(rx.el.p("English", class_name="cds-hint"), rx.el.strong(p["title_en"]), rx.el.p(p["body_en"]),
                  lang="en", style={**card, "margin_top": "8px"}),
        rx.el.p(t("notify.announce.url"), ": ", rx.el.code(p["url"]), class_name="cds-hint"),
        rx.el.p(_by_lang(p, "recipients"), id="announce-recipients"),
        rx.form(
            rx.el.label(rx.el.input(type="checkbox", name="confirm", id="f-confirm", class_name="cds-check"),
                        t("notify.announce.confirm"), class_name="cds-check-label"),
            rx.el.div(
                primary_button("notify.announce.send", id="announce-send"),
                rx.el.button(t("notify.announce.edit"), type="button", on_click=AnnounceState.edit,
                             class_name="cds-button cds-button-outline"),
                class_name="cds-actions",
            ),
            on_submit=AnnounceState.send,
            class_name="cds-form",
        ),
        id="announce-preview-box",
    )


@app_page("/admin/announcements", "notify.announce.title", roles=("official", "admin"),
          on_load=[AnnounceState.reset_form])
def announce_page() -> rx.Component:
    return rx.el.section(
        heading("notify.announce.title"),
        rx.el.p(t("notify.announce.lead"), class_name="cds-lead"),
        error_summary(AnnounceState.error),
        _saved(AnnounceState.sent, "announce-sent"),
        rx.el.div(_announce_form(), hidden=AnnounceState.preview.length() > 0),  # type: ignore[attr-defined]
        rx.cond(AnnounceState.preview.length() > 0, _preview()),  # type: ignore[attr-defined]
        class_name="cds-narrow",
    )
