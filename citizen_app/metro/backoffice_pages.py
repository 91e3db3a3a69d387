"""The operator console (/metro/operator), laid out for a 1366×768 station office screen and still usable on a phone:
gates and handheld validators (register, enrolment QR shown once, rotate, revoke, what each last reported), key
and denylist updates, conflicts found when offline gates synced, service alerts."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.metro.backoffice_state import MetroOperatorState as S
from citizen_app.metro.pages import _lv as lv
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

WIDE = ".cds-main:has(#metro-operator){max-width:1320px}"
CELL = {"padding": "6px 8px", "text_align": "left", "vertical_align": "top", "border_bottom": "1px solid #d5dbe1"}
OK, WARN = "#0a6b2a", "#8a4b00"


def _mark(ok: rx.Var) -> rx.Component:
    return rx.el.span(rx.cond(ok, t("metro.operator.up_to_date"), t("metro.operator.behind")),
                      style={"color": rx.cond(ok, OK, WARN), "font_weight": "600"})


def _table(element_id: str, caption_key: str, columns: tuple[str, ...], rows: rx.Var, render) -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.caption(t(caption_key), style={"text_align": "left", "font_weight": "700", "padding": "4px 0"}),
            rx.el.thead(rx.el.tr(*[rx.el.th(t(key), scope="col", style=CELL) for key in columns])),
            rx.el.tbody(rx.foreach(rows, render)),
            id=element_id, style={"border_collapse": "collapse", "min_width": "100%", "font_size": "0.92rem"},
        ),
        style={"overflow_x": "auto"}, tab_index=0, role="region", aria_label=t(caption_key),
    )


def _button(label_key: str, on_click, aria: rx.Var | str, outline: bool = True) -> rx.Component:
    return rx.el.button(t(label_key), type="button", on_click=on_click, aria_label=aria,
                        class_name="cds-button cds-button-outline" if outline else "cds-button",
                        style={"min_height": "44px", "padding": "0 12px"})


def _device_actions(row: rx.Var) -> rx.Component:
    gate = row["id"].to(str)
    return rx.el.div(
        _button("metro.operator.issue", S.issue(row["id"]), t("metro.operator.issue").to(str) + " " + gate),
        rx.cond(
            S.confirm_revoke == row["id"],
            rx.fragment(_button("metro.operator.revoke_confirm", S.revoke(row["id"]),
                                t("metro.operator.revoke_confirm").to(str) + " " + gate, outline=False),
                        _button("metro.operator.cancel", S.ask_revoke(""), t("metro.operator.cancel"))),
            rx.cond(row["status"] != "revoked",
                    _button("metro.operator.revoke", S.ask_revoke(row["id"]),
                            t("metro.operator.revoke").to(str) + " " + gate)),
        ),
        style={"display": "flex", "flex_wrap": "wrap", "gap": "6px"},
    )


def _device_row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.strong(row["id"]), rx.el.br(), lv(row, "kind"),
                 rx.cond(row["label"] != "", rx.fragment(" · ", row["label"])), style=CELL),
        rx.el.td(lv(row, "station"), style=CELL),
        rx.el.td(lv(row, "status"),
                 rx.cond(row["rotating"] == "1", rx.fragment(rx.el.br(), t("metro.operator.rotating"))), style=CELL),
        rx.el.td(row["contact"], rx.cond(row["silent"] == "1", rx.fragment(
            rx.el.br(), rx.el.span(t("metro.operator.silent"), style={"color": WARN, "font_weight": "600"}))),
            style=CELL),
        rx.el.td(row["queue"], style=CELL),
        rx.el.td(row["key"], " ", _mark(row["key_ok"] == "1"), style=CELL),
        rx.el.td(_mark(row["denylist_ok"] == "1"), style=CELL),
        rx.el.td(_device_actions(row), style=CELL),
        class_name="metro-device-row", id="device-" + row["id"].to(str),
    )


def _select(field_id: str, label_key: str, options: rx.Var, name: str) -> rx.Component:
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.select(rx.foreach(options, lambda o: rx.el.option(lv(o, "name"), value=o["code"])), id=field_id,
                     name=name, class_name="cds-input"),
        class_name="cds-field",
    )


def _text(field_id: str, label_key: str, name: str, *, required: bool = False, multiline: bool = False,
          max_length: int = 120) -> rx.Component:
    element = rx.el.textarea if multiline else rx.el.input
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        element(id=field_id, name=name, required=required, max_length=max_length, class_name="cds-input",
                auto_complete="off", **({"rows": 3} if multiline else {})),
        class_name="cds-field",
    )


def _register_form() -> rx.Component:
    return rx.form(
        rx.el.h3(t("metro.operator.register"), style={"margin": "0"}),
        rx.el.div(
            rx.el.label(t("metro.operator.gate_id"), html_for="op-gate-id", class_name="cds-label"),
            rx.el.p(t("metro.operator.gate_id_hint"), id="op-gate-id-hint", class_name="cds-hint"),
            rx.el.input(id="op-gate-id", name="gate_id", required=True, max_length=40, auto_complete="off",
                        aria_describedby="op-gate-id-hint", class_name="cds-input"),
            class_name="cds-field",
        ),
        _select("op-station", "metro.gate.station", S.stations, "station"),
        rx.el.div(
            rx.el.label(t("metro.operator.kind"), html_for="op-kind", class_name="cds-label"),
            rx.el.select(rx.el.option(t("metro.device.kind.gate"), value="gate"),
                         rx.el.option(t("metro.device.kind.handheld"), value="handheld"),
                         id="op-kind", name="kind", class_name="cds-input"),
            class_name="cds-field",
        ),
        _text("op-label", "metro.operator.label", "label", max_length=80),
        rx.el.button(t("metro.operator.register_submit"), type="submit", class_name="cds-button", id="op-register"),
        on_submit=S.register, class_name="cds-form", id="op-register-form",
    )


def _issued() -> rx.Component:
    issued = S.issued
    return rx.cond(
        issued.length() > 0,  # type: ignore[attr-defined]
        rx.el.section(
            rx.el.h2(t("metro.operator.enrol_heading"), " ", issued["gate"], class_name="cds-h2"),
            rx.el.img(src=issued["qr"], alt=t("metro.operator.enrol_alt").to(str) + " " + issued["gate"].to(str),
                      id="op-enrol-qr", width="260", height="260",
                      style={"image_rendering": "pixelated", "background": "#fff", "border": "1px solid #000"}),
            rx.el.p(t("metro.operator.enrol_steps")),
            rx.el.label(t("metro.operator.enrol_link"), html_for="op-enrol-link", class_name="cds-label"),
            rx.el.input(id="op-enrol-link", value=issued["url"], read_only=True, class_name="cds-input",
                        style={"font_family": "monospace"}),
            rx.el.p(t("metro.operator.enrol_until"), " ", issued["until"], ". ", t("metro.operator.enrol_once"),
                    class_name="cds-hint"),
            rx.el.button(t("metro.operator.enrol_done"), type="button", on_click=S.dismiss_issued,
                         class_name="cds-button", id="op-enrol-done"),
            id="op-enrol", role="status",
            style={"border": "3px solid #000", "border_radius": "12px", "padding": "12px", "margin": "12px 0",
                   "background": "#fff"},
        ),
    )


def _devices() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("metro.operator.devices"), class_name="cds-h2"),
        rx.cond(S.devices.length() > 0,  # type: ignore[attr-defined]
                _table("op-devices", "metro.operator.devices_caption",
                       ("metro.operator.col.device", "metro.gate.station", "metro.operator.col.status",
                        "metro.operator.col.contact", "metro.operator.col.queue", "metro.operator.col.key",
                        "metro.operator.col.denylist", "metro.operator.col.actions"), S.devices, _device_row),
                rx.el.p(t("metro.operator.no_devices"))),
        _register_form(),
    )


def _updates() -> rx.Component:
    info = S.keys_info
    return rx.el.section(
        rx.el.h2(t("metro.operator.updates"), class_name="cds-h2"),
        rx.el.p(t("metro.operator.updates_lead"), class_name="cds-hint"),
        rx.el.p(t("metro.operator.key_signing"), " ", rx.el.strong(info["signing"], id="op-key-signing"), " · ",
                t("metro.operator.key_newest"), " ", rx.el.strong(info["newest"], id="op-key-newest")),
        rx.cond(info["pending"] != "", rx.el.p(t("metro.operator.key_pending"), " ", info["pending"],
                                               class_name="cds-hint")),
        rx.el.button(t("metro.operator.publish_key"), type="button", on_click=S.publish_key,
                     class_name="cds-button cds-button-outline", id="op-publish-key"),
    )


def _station_boxes() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("metro.operator.alert_stations")),
        rx.el.p(t("metro.operator.alert_stations_hint"), class_name="cds-hint"),
        rx.el.div(
            rx.foreach(S.stations, lambda s: rx.el.label(
                rx.el.input(type="checkbox", name="station_" + s["code"].to(str), class_name="cds-check"),
                lv(s, "name"), class_name="cds-check-label")),
            style={"display": "grid", "grid_template_columns": "repeat(auto-fill, minmax(210px, 1fr))"},
        ),
        style={"border": "1px solid #d5dbe1", "border_radius": "8px"},
    )


def _alert_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(lv(row, "header")), rx.el.br(), lv(row, "effect"), " · ", lv(row, "where"),
                  rx.el.p(t("metro.alerts.since"), " ", row["since"], class_name="cds-hint")),
        _button("metro.operator.end_alert", S.end_alert(row["id"]),
                t("metro.operator.end_alert").to(str) + " " + lv(row, "header").to(str)),
        class_name="cds-list-row",
    )


def _alerts() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("metro.operator.alerts"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(S.alerts, _alert_row), class_name="cds-list", id="op-alerts"),
        rx.form(
            rx.el.h3(t("metro.operator.alert_new"), style={"margin": "0"}),
            _select("op-cause", "metro.operator.cause", S.causes, "cause"),
            _select("op-effect", "metro.operator.effect", S.effects, "effect"),
            _station_boxes(),
            _text("op-header-vi", "metro.operator.header_vi", "header_vi", required=True),
            _text("op-header-en", "metro.operator.header_en", "header_en"),
            _text("op-desc-vi", "metro.operator.description_vi", "description_vi", multiline=True, max_length=1000),
            _text("op-desc-en", "metro.operator.description_en", "description_en", multiline=True, max_length=1000),
            rx.el.p(t("metro.operator.alert_who"), class_name="cds-hint"),
            rx.el.button(t("metro.operator.alert_post"), type="submit", class_name="cds-button", id="op-alert-post"),
            on_submit=S.post_alert, class_name="cds-form", id="op-alert-form",
        ),
    )


def _conflict_row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.code(row["ticket"]), rx.el.br(), row["detected"], style=CELL),
        rx.el.td(lv(row, "kind"), style=CELL),
        rx.el.td(lv(row, "earlier"), style=CELL),
        rx.el.td(lv(row, "tap"), style=CELL),
        rx.el.td(row["charge"], rx.el.br(), lv(row, "status"), style=CELL),
        rx.el.td(rx.cond(row["status"] == "due",
                         _button("metro.operator.waive", S.waive(row["id"]),
                                 t("metro.operator.waive").to(str) + " " + row["ticket"].to(str))), style=CELL),
        class_name="metro-conflict-row",
    )


def _conflicts() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("metro.operator.conflicts"), class_name="cds-h2"),
        rx.el.p(t("metro.operator.conflicts_rule"), class_name="cds-hint"),
        rx.cond(S.conflicts.length() > 0,  # type: ignore[attr-defined]
                _table("op-conflicts", "metro.operator.conflicts_caption",
                       ("metro.operator.col.ticket", "metro.operator.col.kind", "metro.operator.col.first",
                        "metro.operator.col.second", "metro.operator.col.charge", "metro.operator.col.actions"),
                       S.conflicts, _conflict_row),
                rx.el.p(t("metro.operator.no_conflicts"), id="op-no-conflicts")),
    )


@app_page("/metro/operator", "metro.operator.title", roles=("metro_operator", "admin"), on_load=[S.load])
def operator_page() -> rx.Component:
    return rx.el.section(
        rx.el.style(WIDE),
        heading("metro.operator.title"),
        rx.el.p(t("metro.operator.lead"), class_name="cds-lead"),
        error_summary(S.error),
        rx.cond(S.notice.length() > 0,  # type: ignore[attr-defined]
                rx.callout(t_var(S.notice), icon="circle-check", color_scheme="green", role="status",
                           id="op-notice")),
        _issued(),
        _devices(),
        _conflicts(),
        rx.el.div(
            rx.el.div(_updates(), style={"min_width": "0"}),
            rx.el.div(_alerts(), style={"min_width": "0"}),
            style={"display": "grid", "grid_template_columns": "repeat(auto-fit, minmax(min(100%, 420px), 1fr))",
                   "gap": "24px", "align_items": "start"},
        ),
        id="metro-operator",
    )
