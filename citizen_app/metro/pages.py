"""Metro Line 1 pages: buy (/metro), my tickets and history, the offline ticket screen, receipt, gate."""

from __future__ import annotations

import json

import reflex as rx

from citizen_app.i18n.catalog import catalog
from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.state import AuthState
from citizen_app.metro.state import MetroGateState, MetroReceiptState, MetroState, MetroTicketsState
from citizen_app.payments.components import status_badge
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import callout_either, error_summary, icon_either, script_filled

TICKET_SCRIPTS = ("/qr/qrcode-generator.js", "/qr/draw.js", "/metro/ticket.js", "/metro/ticket-page.js")
GATE_SCRIPTS = ("/metro/gate.js", "/metro/gate-offline.js", "/metro/gate-device.js")
OK_GREEN, NO_RED = "#0a6b2a", "#a3001b"


def _lv(row: rx.Var, base: str) -> rx.Var:
    """The current language's text of a ``{base}_vi`` / ``{base}_en`` pair in a row."""
    return rx.cond(LangState.lang == "en", row[f"{base}_en"], row[f"{base}_vi"])


def _station_select(field_id: str, label_key: str, value: rx.Var, on_change, states: rx.Var,
                    name: str | None = None, disabled: rx.Var | bool = False) -> rx.Component:
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.select(
            rx.foreach(states, lambda s: rx.el.option(_lv(s, "name"), value=s["code"])),
            id=field_id, name=name or field_id, value=value, on_change=on_change, class_name="cds-input",
            disabled=disabled,
        ),
        class_name="cds-field",
    )


def _login_prompt() -> rx.Component:
    return rx.el.p(t("metro.login_to_buy"), " ",
                   rx.el.a(t("auth.login"), href="/login?next=/metro", id="metro-login"))


def _price_list() -> rx.Component:
    row = {"display": "flex", "justify_content": "space-between", "gap": "1em", "padding": "0.4em 0",
           "border_bottom": "1px solid #ddd"}
    return rx.el.dl(
        rx.el.div(rx.el.dt(t("metro.price_cashless")), rx.el.dd(rx.el.strong(MetroState.quote["cashless"]),
                                                                id="metro-price-cashless"), style=row),
        rx.el.div(rx.el.dt(t("metro.price_cash")), rx.el.dd(MetroState.quote["cash"], id="metro-price-cash"),
                  style=row),
        style={"margin": "1em 0", "max_width": "32em"},
    )


def _estimate_flag() -> rx.Component:
    return rx.cond(
        MetroState.quote["estimate"] == "1",
        rx.callout(
            rx.el.span(rx.el.strong(t("metro.fare_estimate")), rx.el.br(), t_var(MetroState.fare_note)),
            icon="triangle-alert", color_scheme="amber", id="metro-estimate", role="note",
        ),
    )


def _single_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("metro.single.heading"), class_name="cds-h2"),
        rx.el.div(
            _station_select("metro-origin", "metro.origin", MetroState.origin, MetroState.set_origin,
                            MetroState.stations),
            rx.el.button(rx.icon("arrow-up-down", size=20, aria_hidden="true"), t("metro.swap"), type="button",
                         on_click=MetroState.swap, class_name="cds-button cds-button-outline", id="metro-swap"),
            _station_select("metro-destination", "metro.destination", MetroState.destination,
                            MetroState.set_destination, MetroState.stations),
            class_name="cds-form",
        ),
        rx.cond(
            MetroState.quote_error.length() > 0,  # type: ignore[attr-defined]
            rx.callout(t_var(MetroState.quote_error), icon="triangle-alert", color_scheme="red", role="alert"),
            rx.fragment(_price_list(), _estimate_flag()),
        ),
        rx.el.p(t("metro.single_day_rule"), class_name="cds-hint"),
        rx.cond(
            AuthState.logged_in,
            rx.el.button(t("metro.buy_single"), type="button", on_click=MetroState.buy_single, id="metro-buy-single",
                         class_name="cds-button", disabled=MetroState.busy | (MetroState.quote_error.length() > 0)),  # type: ignore[attr-defined]
            _login_prompt(),
        ),
    )


def _eligibility(p: rx.Var) -> rx.Component:
    return rx.cond(
        p["needs"] != "",
        rx.cond(
            p["eligible"] == "1",
            rx.el.p(rx.icon("badge-check", size=18, aria_hidden="true"), " ", t("metro.eligible_ok"),
                    class_name="cds-hint"),
            rx.el.p(rx.cond(p["needs"] == "student", t("metro.error.needs_student"),
                            t("metro.error.needs_age_over_60")), " ",
                    rx.link(t("metro.go_wallet"), href="/wallet"), class_name="cds-hint"),
        ),
    )


def _product_row(p: rx.Var) -> rx.Component:
    action = rx.cond(p["free"] == "1", t("metro.get_free"), t("metro.buy"))
    return rx.el.li(
        rx.el.div(
            rx.el.strong(_lv(p, "name")), rx.el.br(),
            rx.el.span(rx.cond(p["free"] == "1", t("metro.price_free"), p["price"])),
            rx.el.p(_lv(p, "validity"), class_name="cds-hint", id="metro-validity-" + p["id"].to(str)),
            _eligibility(p),
        ),
        rx.cond(
            AuthState.logged_in & (p["eligible"] == "1"),  # not eligible: the hint says why, no dead button
            rx.el.button(action, type="button", on_click=MetroState.buy_product(p["id"]), class_name="cds-button",
                         disabled=MetroState.busy, aria_label=action.to(str) + " " + _lv(p, "name").to(str)),
        ),
        class_name="cds-list-row",
    )


def _passes_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("metro.passes.heading"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(MetroState.products, _product_row), class_name="cds-list", id="metro-products"),
        rx.cond(~AuthState.logged_in, _login_prompt()),
    )


def _scripts(*sources: str) -> list[rx.Component]:
    return [rx.script(src=src) for src in sources]


@app_page("/metro", "metro.title", on_load=[MetroState.load])
def metro_page() -> rx.Component:
    return rx.el.section(
        heading("metro.title"),
        rx.el.p(t("metro.lead"), class_name="cds-lead"),
        rx.el.div(
            rx.el.a(rx.icon("qr-code", size=20, aria_hidden="true"), t("metro.nav.my_ticket"), href="/metro/ticket/",
                    class_name="cds-button", id="metro-open-ticket"),
            rx.link(t("metro.nav.history"), href="/metro/tickets", class_name="cds-button cds-button-outline"),
            rx.link(t("metro.nav.stations"), href="/metro/stations", class_name="cds-button cds-button-outline",
                    id="metro-stations-link"),
            class_name="cds-actions",
        ),
        rx.cond(MetroState.alert_count > 0,
                rx.callout(rx.el.span(t("metro.alerts.in_force"), " ",
                                      rx.el.a(t("metro.alerts.see"), href="/metro/alerts")),
                           icon="triangle-alert", color_scheme="amber", role="status", id="metro-alerts-callout")),
        rx.cond(MetroState.free_day.length() > 0,  # type: ignore[attr-defined]
                rx.callout(rx.el.span(t("metro.free_day"), ": ", t_var(MetroState.free_day)),
                           icon="party-popper", role="status")),
        error_summary(MetroState.error),
        rx.cond(MetroState.busy, rx.el.p(t("metro.redirecting"), role="status")),
        _single_section(),
        _passes_section(),
        rx.cond(AuthState.is_official, rx.el.p(rx.link(t("metro.nav.gate"), href="/metro/gate"))),
        rx.cond(AuthState.is_admin | AuthState.roles.contains("metro_operator"),
                rx.el.p(rx.link(t("metro.nav.operator"), href="/metro/operator", id="metro-operator-link"))),
        *_scripts("/metro/ticket.js"),
    )


# --- my tickets and history ---------------------------------------------------------------------


def _payment_result() -> rx.Component:
    ok = MetroTicketsState.result["status"] == "paid"
    return rx.cond(
        MetroTicketsState.result.length() > 0,  # type: ignore[attr-defined]
        callout_either(
            rx.el.span(
            rx.el.p(t_var(MetroTicketsState.result)),
            rx.cond(ok,
                    rx.el.a(t("metro.open_ticket"), href="/metro/ticket/?id=" + MetroTicketsState.result["ticket"],
                            class_name="cds-button", id="metro-result-open"),
                    rx.cond(MetroTicketsState.result["status"] == "pending",
                            rx.el.button(t("metro.pay.check_again"), type="button", on_click=MetroTicketsState.load,
                                         class_name="cds-button cds-button-outline"))),
            ),
            ok, ("circle-check", "info"), color_scheme=rx.cond(ok, "green", "amber"),
            role="status", id="metro-pay-result",
        ),
    )


def _notice() -> rx.Component:
    return rx.cond(MetroTicketsState.notice.length() > 0,  # type: ignore[attr-defined]
                   rx.callout(t_var(MetroTicketsState.notice), icon="info", role="status", id="metro-pay-notice"))


def _payment_actions(row: rx.Var) -> rx.Component:
    """An unpaid ticket: continue or cancel a pending payment, pay again after one that did not go through."""
    name = _lv(row, "name").to(str)
    return rx.fragment(
        rx.cond(row["can_continue"] == "1", rx.el.button(
            t("metro.pay.continue"), type="button", on_click=MetroTicketsState.pay_ticket(row["id"]),
            class_name="cds-button", disabled=MetroTicketsState.busy, data_action="continue",
            aria_label=t("metro.pay.continue").to(str) + " " + name)),
        rx.cond(row["can_retry"] == "1", rx.el.button(
            t("metro.pay.again"), type="button", on_click=MetroTicketsState.pay_ticket(row["id"]),
            class_name="cds-button", disabled=MetroTicketsState.busy, data_action="retry",
            aria_label=t("metro.pay.again").to(str) + " " + name)),
        rx.cond(row["pay_status"] != "", rx.el.button(
            t("metro.pay.cancel"), type="button", on_click=MetroTicketsState.cancel_ticket(row["id"]),
            class_name="cds-button cds-button-outline", data_action="cancel",
            aria_label=t("metro.pay.cancel").to(str) + " " + name)),
        rx.cond(row["order"] != "", rx.link(t("metro.pay.order"), href="/payments/" + row["order"].to(str),
                                            class_name="cds-button cds-button-outline")),
    )


def _purchase_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(_lv(row, "name")), " · ", _lv(row, "route"), rx.el.br(),
            rx.el.span(rx.cond(row["free"] == "1", t("metro.price_free"), row["price"]), " · ",
                       rx.cond(row["pay_status"] != "", status_badge(row["pay_status"]), _lv(row, "status"))),
            rx.cond(row["hint_vi"] != "", rx.el.p(_lv(row, "hint"), class_name="cds-hint")),
            rx.el.p(t("metro.bought_at"), ": ", row["date"],
                    rx.cond(row["until"] != "", rx.fragment(" · ", t("metro.valid_until"), ": ", row["until"])),
                    class_name="cds-hint"),
        ),
        rx.el.div(
            rx.cond(row["active"] == "1", rx.el.a(t("metro.open_ticket"), href="/metro/ticket/?id=" + row["id"],
                                                  class_name="cds-button")),
            rx.cond(row["paid"] == "1", rx.link(t("metro.receipt_link"), href="/metro/receipt?id=" + row["id"],
                                                class_name="cds-button cds-button-outline")),
            _payment_actions(row),
            class_name="cds-actions",
        ),
        class_name="cds-list-row", data_ticket=row["id"], data_pay_status=row["pay_status"],
    )


def _journey_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(_lv(row, "product")), " · ", _lv(row, "status"), rx.el.br(),
            t("metro.entry"), ": ", _lv(row, "entry"), " (", row["entry_at"], ") → ",
            t("metro.exit"), ": ", _lv(row, "exit"), " (", row["exit_at"], ")",
        ),
        class_name="cds-list-row",
    )


@app_page("/metro/tickets", "metro.tickets.title", roles=("citizen",), on_load=[MetroTicketsState.load])
def tickets_page() -> rx.Component:
    return rx.el.section(
        heading("metro.tickets.title"),
        error_summary(MetroTicketsState.error),
        _notice(),
        _payment_result(),
        rx.el.div(
            rx.el.a(rx.icon("qr-code", size=20, aria_hidden="true"), t("metro.nav.my_ticket"), href="/metro/ticket/",
                    class_name="cds-button"),
            rx.link(t("metro.nav.buy"), href="/metro", class_name="cds-button cds-button-outline"),
            class_name="cds-actions",
        ),
        rx.el.h2(t("metro.history.purchases"), class_name="cds-h2"),
        rx.cond(MetroTicketsState.purchases.length() > 0,
                rx.el.ul(rx.foreach(MetroTicketsState.purchases, _purchase_row), class_name="cds-list",
                         id="metro-purchases"),
                rx.el.p(t("metro.history.no_purchases"))),
        rx.el.h2(t("metro.history.journeys"), class_name="cds-h2"),
        rx.cond(MetroTicketsState.journeys.length() > 0,
                rx.el.ul(rx.foreach(MetroTicketsState.journeys, _journey_row), class_name="cds-list",
                         id="metro-journeys"),
                rx.el.p(t("metro.history.no_journeys"))),
    )


# --- the ticket screen (rendered on the device by ticket-page.js, works offline) -----------------


@app_page("/metro/ticket", "metro.ticket.title")
def ticket_page() -> rx.Component:
    """No roles and no server data: the shell is cached by the service worker and ticket-page.js draws the
    tickets stored in IndexedDB, so this page works with the network off. Its scripts are ``async`` scripts of the
    page itself (React 19 loads them once, also on a client-side visit), so the ticket is drawn as soon as they
    have loaded, without waiting for the app's JavaScript; the view is the script's, not React's."""
    return rx.el.section(
        heading("metro.ticket.title"),
        # data-cds-first: the app's JavaScript waits until the ticket screen has drawn (ui/first_paint.py)
        script_filled("div", id="metro-ticket-view", aria_live="polite", custom_attrs={"data-cds-first": ""}),
        rx.el.p(t("metro.ticket.loading"), id="metro-ticket-loading"),  # hidden once the view shows something
        rx.el.noscript(t("metro.ticket.noscript")),
        rx.el.p(rx.el.a(t("metro.nav.buy"), href="/metro"), " · ", rx.el.a(t("metro.nav.history"),
                                                                            href="/metro/tickets")),
        *(rx.el.script(src=src, async_=True) for src in TICKET_SCRIPTS),
    )


# --- receipt -------------------------------------------------------------------------------------


def _fact(label_key: str, value: rx.Var | str, element_id: str = "") -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key), style={"color": "#444"}), rx.el.dd(value, id=element_id or None,
                                                                              style={"margin": "0 0 0.6em"}))


@app_page("/metro/receipt", "metro.receipt.title", roles=("citizen",), on_load=[MetroReceiptState.load])
def receipt_page() -> rx.Component:
    r = MetroReceiptState.receipt
    return rx.el.section(
        heading("metro.receipt.title"),
        error_summary(MetroReceiptState.error),
        rx.cond(
            r.length() > 0,  # type: ignore[attr-defined]
            rx.el.div(
                rx.el.dl(
                    _fact("metro.receipt.no", r["no"], "receipt-no"),
                    _fact("metro.receipt.issued", r["issued"]),
                    _fact("metro.receipt.product", _lv(r, "product")),
                    _fact("metro.receipt.route", _lv(r, "route")),
                    _fact("metro.receipt.amount", r["amount"], "receipt-amount"),
                    _fact("metro.receipt.medium", _lv(r, "medium")),
                    _fact("metro.receipt.valid", r["from"] + " – " + r["until"]),
                    _fact("metro.receipt.ticket", rx.el.code(r["ticket"])),
                ),
                rx.cond(r["estimate"] == "1", rx.el.p(t("metro.fare_estimate"), class_name="cds-hint")),
                rx.cond(r["single"] == "1", rx.el.p(t("metro.single_day_rule"), class_name="cds-hint")),
                rx.el.p(t("metro.receipt.seller"), class_name="cds-hint"),
                rx.cond(r["payment"] != "", rx.el.p(rx.el.a(
                    t("payments.ui.receipt_pdf"), href="/api/pay/receipt/" + r["payment"].to(str) + ".pdf",
                    reload_document=True, id="metro-receipt-pdf"))),
                rx.el.button(rx.icon("printer", size=20, aria_hidden="true"), t("metro.receipt.print"),
                             type="button", on_click=rx.call_script("window.print()"),
                             class_name="cds-button cds-button-outline"),
                id="metro-receipt",
            ),
        ),
        rx.el.p(rx.link(t("metro.nav.history"), href="/metro/tickets")),
    )


# --- gate ------------------------------------------------------------------------------------------


def _direction_select() -> rx.Component:
    return rx.el.div(
        rx.el.label(t("metro.gate.direction"), html_for="gate-direction", class_name="cds-label"),
        rx.el.select(
            rx.el.option(t("metro.gate.in"), value="in"), rx.el.option(t("metro.gate.out"), value="out"),
            id="gate-direction", name="direction", value=MetroGateState.direction,
            on_change=MetroGateState.set_direction, class_name="cds-input",
        ),
        class_name="cds-field",
    )


def _camera() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.button(rx.icon("camera", size=20, aria_hidden="true"), t("metro.gate.camera"), type="button",
                         on_click=rx.call_script("window.MetroGate && window.MetroGate.start()"),
                         class_name="cds-button cds-button-outline", id="gate-camera"),
            rx.el.button(t("metro.gate.camera_stop"), type="button",
                         on_click=rx.call_script("window.MetroGate && window.MetroGate.stop()"),
                         class_name="cds-button cds-button-outline"),
            class_name="cds-actions",
        ),
        rx.el.video(id="gate-video", muted=True, plays_inline=True, aria_hidden="true",
                    style={"display": "none", "width": "100%", "max_width": "480px", "background": "#000"}),
        rx.el.p(id="gate-camera-status", class_name="cds-hint", role="status"),
    )


def _scan_form() -> rx.Component:
    return rx.form(
        _station_select("gate-station", "metro.gate.station", MetroGateState.station, MetroGateState.set_station,
                        MetroGateState.stations, name="station"),
        _direction_select(),
        _camera(),
        rx.el.div(
            rx.el.label(t("metro.gate.qr"), html_for="gate-qr", class_name="cds-label"),
            rx.el.p(t("metro.gate.qr_hint"), id="gate-qr-hint", class_name="cds-hint"),
            rx.el.textarea(id="gate-qr", name="qr", rows=3, class_name="cds-input", aria_describedby="gate-qr-hint",
                           auto_complete="off", spell_check=False, style={"font_family": "monospace"}),
            class_name="cds-field",
        ),
        rx.el.button(t("metro.gate.check"), type="submit", class_name="cds-button", id="gate-submit"),
        on_submit=MetroGateState.scan, class_name="cds-form", id="gate-form",
    )


def _gate_result() -> rx.Component:
    r = MetroGateState.result
    ok = r["admitted"] == "1"
    return rx.el.div(
        rx.cond(
            r.length() > 0,  # type: ignore[attr-defined]
            rx.el.div(
                icon_either(ok, "circle-check", "circle-x", size=72, aria_hidden="true"),
                rx.el.p(rx.cond(ok, t("metro.gate.admit"), t("metro.gate.refuse")),
                        style={"font_size": "2.6rem", "font_weight": "800", "margin": "0.2em 0"}),
                rx.el.p(r["vi"], lang="vi", style={"font_size": "1.25rem", "font_weight": "600"}),
                rx.el.p(r["en"], lang="en", style={"font_size": "1.1rem"}),
                rx.cond(r["product_vi"] != "",
                        rx.el.p(_lv(r, "product"), " · ", _lv(r, "category"))),
                rx.el.p(t("metro.gate.scan_no"), " ", r["n"], " · ", r["at"], style={"opacity": "0.9"}),
                id="gate-result-box", class_name=rx.cond(ok, "metro-gate-ok", "metro-gate-no"),
                style={"background": rx.cond(ok, OK_GREEN, NO_RED), "color": "#fff", "padding": "1.2em",
                       "border_radius": "12px", "text_align": "center", "margin": "1em 0",
                       "border": rx.cond(ok, "6px solid #fff", "6px dashed #fff"), "outline": "2px solid #000"},
            ),
        ),
        id="gate-result", role="status", aria_live="assertive",
    )


def device_texts() -> str:
    """The words gate-device.js draws with, both languages (the device page must work with the network off)."""
    prefixes = ("metro.device.", "metro.reason.", "metro.category.", "metro.gate.")
    return json.dumps({key: {"vi": value["vi"], "en": value["en"]} for key, value in catalog().items()
                       if key.startswith(prefixes)}, ensure_ascii=False, separators=(",", ":"))


def _device_panel() -> rx.Component:
    """Drawn on the device by gate-device.js: enrolment with the operator's QR, then the gate itself."""
    return rx.el.div(rx.el.noscript(t("metro.device.noscript")), id="gate-device",
                     custom_attrs={"data-text": device_texts()})


def _staff() -> rx.Component:
    return rx.el.div(
        rx.el.h2(t("metro.gate.staff_heading"), class_name="cds-h2"),
        rx.el.p(t("metro.gate.lead"), class_name="cds-hint"),
        _scan_form(),
        _gate_result(),
        id="gate-staff",
    )


@app_page("/metro/gate", "metro.gate.title", on_load=[MetroGateState.load])
def gate_page() -> rx.Component:
    return rx.el.section(
        heading("metro.gate.title"),
        error_summary(MetroGateState.error),
        _device_panel(),
        rx.cond(AuthState.is_official, _staff(),
                rx.cond(~AuthState.logged_in, rx.el.p(t("metro.gate.staff_login"), " ", rx.el.a(
                    t("auth.login"), href="/login?next=/metro/gate"), id="gate-staff"))),
        *_scripts(*GATE_SCRIPTS),
    )
