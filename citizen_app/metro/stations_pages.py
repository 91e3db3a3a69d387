"""Riders' station pages: the line map with its 14 stations (an ordered list drawn as a line, readable by screen
readers, not an image), a station's next trains, timetable and walking directions, and the service alerts."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.metro.pages import _lv as lv
from citizen_app.metro.stations_state import MetroStationsState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

LINE_RED = "#a50e22"
FEED_LINKS = (("metro.alerts.feed_pb", "/gtfs-rt/alerts.pb"),
              ("metro.alerts.feed_json", "/gtfs-rt/alerts.pb?format=json"), ("metro.alerts.gtfs", "/gtfs.zip"))
DOT = {"position": "absolute", "left": "-13px", "top": "14px", "width": "18px", "height": "18px",
       "border_radius": "50%",
       "background": "#fff", "border": f"4px solid {LINE_RED}", "box_sizing": "border-box"}


def _walk_link(row: rx.Var) -> rx.Component:
    label = t("metro.station.walk").to(str) + " " + lv(row, "name").to(str)
    return rx.el.a(rx.icon("footprints", size=18, aria_hidden="true"), t("metro.station.walk"), href=row["walk"],
                   target="_blank", rel="noopener noreferrer", aria_label=label,
                   class_name="cds-button cds-button-outline", style={"min_height": "44px"})


def _alert_item(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(lv(row, "header")), rx.el.br(),
            rx.el.span(lv(row, "effect"), " · ", lv(row, "where")),
            rx.cond(lv(row, "description") != "", rx.el.p(lv(row, "description"), style={"margin": "4px 0 0"})),
            rx.el.p(t("metro.alerts.since"), " ", row["since"],
                    rx.cond(row["until"] != "", rx.fragment(" · ", t("metro.alerts.until"), " ", row["until"])),
                    class_name="cds-hint"),
        ),
        class_name="cds-list-row", style={"border_left": "6px solid #8a6d00", "padding_left": "10px"},
    )


def alerts_block(element_id: str = "metro-alerts") -> rx.Component:
    """The alerts in force (nothing when there is none)."""
    return rx.cond(
        MetroStationsState.alerts.length() > 0,  # type: ignore[attr-defined]
        rx.el.section(
            rx.el.h2(rx.icon("triangle-alert", size=22, aria_hidden="true"), " ", t("metro.alerts.heading"),
                     class_name="cds-h2"),
            rx.el.ul(rx.foreach(MetroStationsState.alerts, _alert_item), class_name="cds-list"),
            id=element_id, role="status",
        ),
    )


def _map_station(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.span(aria_hidden="true", style=DOT),
        rx.el.div(
            rx.el.a(lv(row, "name"), href="/metro/station?code=" + row["code"], class_name="metro-station-link",
                    style={"font_weight": "700", "font_size": "1.1rem", "min_height": "44px", "display": "inline-flex",
                           "align_items": "center"}),
            rx.el.span(" ", row["code"], class_name="cds-hint"),
            rx.cond(row["followed"] == "1", rx.el.span(" · ", t("metro.station.following"), class_name="cds-hint")),
        ),
        _walk_link(row),
        style={"position": "relative", "padding": "6px 0 12px 20px", "display": "flex", "flex_wrap": "wrap",
               "gap": "4px 12px", "align_items": "center", "justify_content": "space-between"},
    )


@app_page("/metro/stations", "metro.stations.title", on_load=[MetroStationsState.load_map])
def stations_page() -> rx.Component:
    return rx.el.section(
        heading("metro.stations.title"),
        rx.el.p(t("metro.stations.lead"), class_name="cds-lead"),
        alerts_block(),
        rx.el.h2(t("metro.stations.map"), class_name="cds-h2", id="metro-map-heading"),
        rx.el.ol(
            rx.foreach(MetroStationsState.stations, _map_station),
            id="metro-line-map", aria_labelledby="metro-map-heading",
            style={"list_style": "none", "margin": "0 0 0 14px", "padding": "0",
                   "border_left": f"6px solid {LINE_RED}"},
        ),
        rx.el.p(t("metro.stations.approx"), class_name="cds-hint"),
        rx.el.p(rx.el.a(t("metro.nav.buy"), href="/metro"), " · ",
                rx.el.a(t("metro.alerts.title"), href="/metro/alerts")),
    )


# --- one station ----------------------------------------------------------------------------------------------


def _next_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(t("metro.station.toward"), " ", lv(row, "toward")), rx.el.br(),
            rx.el.span(row["times"], style={"font_size": "1.3rem", "font_variant_numeric": "tabular-nums"}),
            rx.cond(lv(row, "every") != "", rx.el.p(lv(row, "every"), class_name="cds-hint")),
        ),
        class_name="cds-list-row",
    )


def _table(columns: tuple[str, ...], rows: rx.Var, cells, element_id: str, caption_key: str) -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.caption(t(caption_key), style={"text_align": "left", "font_weight": "700"}),
            rx.el.thead(rx.el.tr(*[rx.el.th(t(key), scope="col", style={"text_align": "left", "padding": "4px 8px"})
                                   for key in columns])),
            rx.el.tbody(rx.foreach(rows, lambda r: rx.el.tr(*[rx.el.td(c, style={"padding": "4px 8px"})
                                                               for c in cells(r)]))),
            id=element_id, style={"border_collapse": "collapse", "min_width": "100%"},
        ),
        style={"overflow_x": "auto", "margin": "12px 0"}, tab_index=0, role="region", aria_label=t(caption_key),
    )


def _follow() -> rx.Component:
    followed = MetroStationsState.station["followed"] == "1"
    return rx.cond(
        AuthState.logged_in,
        rx.el.div(
            rx.el.button(rx.cond(followed, t("metro.station.unfollow"), t("metro.station.follow")), type="button",
                         on_click=MetroStationsState.toggle_follow, aria_pressed=rx.cond(followed, "true", "false"),
                         class_name="cds-button cds-button-outline", id="metro-follow"),
            rx.el.p(t("metro.station.follow_hint"), class_name="cds-hint"),
        ),
        rx.el.p(t("metro.station.login_to_follow"), " ",
                rx.el.a(t("auth.login"), href="/login?next=/metro/stations")),
    )


def _station_detail() -> rx.Component:
    station = MetroStationsState.station
    return rx.el.div(
        rx.el.h2(lv(station, "name"), " ", rx.el.span(station["code"], class_name="cds-hint"), class_name="cds-h2",
                 id="metro-station-name"),
        alerts_block("metro-station-alerts"),
        rx.el.div(_walk_link(station), class_name="cds-actions"),
        _follow(),
        rx.el.h2(t("metro.station.next"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(MetroStationsState.next_trains, _next_row), class_name="cds-list", id="metro-next-trains"),
        rx.el.p(t("metro.station.estimates"), class_name="cds-hint"),
        rx.el.h2(t("metro.station.timetable"), class_name="cds-h2"),
        _table(("metro.station.days", "metro.station.toward_col", "metro.station.first", "metro.station.last"),
               MetroStationsState.first_last, lambda r: (lv(r, "days"), lv(r, "toward"), r["first"], r["last"]),
               "metro-first-last", "metro.station.first_last"),
        _table(("metro.station.days", "metro.station.toward_col", "metro.station.span", "metro.station.interval"),
               MetroStationsState.periods, lambda r: (lv(r, "days"), lv(r, "toward"), r["span"], lv(r, "every")),
               "metro-intervals", "metro.station.intervals"),
    )


@app_page("/metro/station", "metro.station.title", on_load=[MetroStationsState.load_station])
def station_page() -> rx.Component:
    return rx.el.section(
        heading("metro.station.title"),
        error_summary(MetroStationsState.error),
        rx.cond(MetroStationsState.station.length() > 0, _station_detail()),  # type: ignore[attr-defined]
        rx.el.p(rx.el.a(t("metro.stations.title"), href="/metro/stations")),
    )


# --- service alerts -------------------------------------------------------------------------------------------


@app_page("/metro/alerts", "metro.alerts.title", on_load=[MetroStationsState.load_alerts])
def alerts_page() -> rx.Component:
    return rx.el.section(
        heading("metro.alerts.title"),
        rx.cond(MetroStationsState.alerts.length() > 0,  # type: ignore[attr-defined]
                alerts_block("metro-alerts-list"), rx.el.p(t("metro.alerts.none"), id="metro-alerts-none")),
        rx.el.p(t("metro.alerts.follow_hint"), " ", rx.el.a(t("metro.stations.title"), href="/metro/stations")),
        rx.el.h2(t("metro.alerts.open_data"), class_name="cds-h2"),
        rx.el.ul(*[rx.el.li(rx.el.a(t(key), href=href)) for key, href in FEED_LINKS]),
    )
