"""Pages of the city pillar: lookups, announcements, help near you, safe shopping, my data."""

from __future__ import annotations

import reflex as rx

from citizen_app.city.components import area_field, badge, lookup_box, notice_box, pick, text_field
from citizen_app.city.state import (
    AdminDataState,
    AnnounceManageState,
    AnnouncementsState,
    CityLookupState,
    HelpNearState,
    HelpRequestsState,
    MyDataState,
    SafetyState,
)
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button

OFFICIALS = ("official", "admin")


def _h2(key: str, **props) -> rx.Component:
    return rx.el.h2(t(key), class_name="cds-h2", **props)


# --- /lookup ----------------------------------------------------------------------------------------------


def _hit(hit: rx.Var) -> rx.Component:
    title = pick(hit["title_vi"], hit["title_en"])
    return rx.el.li(
        rx.cond(hit["href"] != "", rx.link(title, href=hit["href"]), rx.el.strong(title)),
        rx.el.p(pick(hit["detail_vi"], hit["detail_en"]), class_name="cds-hint"),
        class_name="cds-list-row",
    )


def _station_select(name: str, label_key: str, selected: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.label(t(label_key), html_for=f"f-{name}", class_name="cds-label"),
        rx.el.select(
            rx.el.option(t("city.lookup.choose_station"), value=""),
            rx.foreach(CityLookupState.stations, lambda s: rx.el.option(pick(s["vi"], s["en"]), value=s["code"])),
            id=f"f-{name}", name=name, default_value=selected, key=selected, class_name="cds-input", required=True,
        ),
        class_name="cds-field",
    )


def _result(data: rx.Var, element_id: str) -> rx.Component:
    return rx.cond(data.length() > 0, rx.el.div(  # type: ignore[attr-defined]
        rx.el.strong(pick(data["title_vi"], data["title_en"])),
        rx.el.p(pick(data["detail_vi"], data["detail_en"])),
        rx.cond(data["href"] != "", rx.link(t("city.lookup.open"), href=data["href"])),
        id=element_id, role="status", class_name="cds-card"))


def _fare_result() -> rx.Component:
    fare = CityLookupState.fare
    return rx.cond(fare.length() > 0, rx.el.dl(  # type: ignore[attr-defined]
        rx.el.dt(pick(fare["from_vi"], fare["from_en"]), " → ", pick(fare["to_vi"], fare["to_en"])),
        rx.el.dd(t("city.lookup.fare_cash"), ": ", rx.el.strong(fare["cash"], id="fare-cash")),
        rx.el.dd(t("city.lookup.fare_cashless"), ": ", rx.el.strong(fare["cashless"], id="fare-cashless")),
        rx.cond(fare["estimate"] != "", rx.el.dd(t("city.lookup.fare_estimate"), class_name="cds-hint")),
        id="fare-result", role="status", class_name="cds-card"))


def _lookup_forms() -> rx.Component:
    s = CityLookupState
    return rx.el.div(
        rx.el.section(
            _h2("city.lookup.dossier_title"),
            rx.form(
                text_field("city.lookup.dossier_number", "number", required=True, max_length=40, default=s.number,
                           key=s.number),
                text_field("city.lookup.access_code", "access_code", required=True, max_length=40),
                primary_button("city.lookup.show", id="dossier-submit"),
                on_submit=s.lookup_dossier, class_name="cds-form", id="dossier-form",
            ),
            _result(s.dossier, "dossier-result"),
        ),
        rx.el.section(
            _h2("city.lookup.report_title"),
            rx.form(
                text_field("city.lookup.report_number", "report", required=True, max_length=20, input_mode="numeric"),
                primary_button("city.lookup.show", id="report-submit"),
                on_submit=s.lookup_report, class_name="cds-form",
            ),
            _result(s.report, "report-result"),
        ),
        rx.el.section(
            _h2("city.lookup.fare_title"),
            rx.form(
                _station_select("from", "city.lookup.from", s.fare_from),
                _station_select("to", "city.lookup.to", s.fare_to),
                primary_button("city.lookup.show", id="fare-submit"),
                on_submit=s.quote, class_name="cds-form",
            ),
            _fare_result(),
        ),
        rx.el.section(
            _h2("city.lookup.catalog_title"),
            rx.el.ul(rx.foreach(s.procedures, _hit), class_name="cds-list", id="catalog-list"),
        ),
    )


@app_page("/lookup", "city.lookup.title", on_load=[CityLookupState.load])
def lookup_page() -> rx.Component:
    s = CityLookupState
    return rx.el.div(
        heading("city.lookup.title"),
        lookup_box("lookup-page", s.q, on_submit=s.search),
        error_summary(s.error),
        rx.cond(s.searched, rx.el.section(
            _h2("city.lookup.results"),
            rx.cond(s.hits.length() > 0,  # type: ignore[attr-defined]
                    rx.el.ul(rx.foreach(s.hits, _hit), class_name="cds-list", id="lookup-hits"),
                    rx.el.p(t("city.lookup.no_results"), id="lookup-empty")),
            aria_live="polite",
        )),
        _lookup_forms(),
        class_name="cds-narrow",
    )


# --- /announcements ---------------------------------------------------------------------------------------


def _announcement(item: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.el.div(badge(pick(item["badge_vi"], item["badge_en"]), rx.cond(item["mine"] != "", "red", "gray")),
                  rx.el.span(t("city.announce.from"), " ", item["from"], class_name="cds-hint"),
                  rx.cond(item["until"] != "", rx.el.span(" · ", t("city.announce.until"), " ", item["until"],
                                                          class_name="cds-hint"))),
        rx.el.h2(pick(item["title_vi"], item["title_en"]), class_name="cds-h2"),
        rx.el.p(pick(item["body_vi"], item["body_en"]), white_space="pre-line"),
        id=item["anchor"], class_name="cds-card", margin_bottom="12px",
    )


@app_page("/announcements", "city.announce.title", on_load=[AnnouncementsState.load])
def announcements_page() -> rx.Component:
    s = AnnouncementsState
    return rx.el.div(
        heading("city.announce.title"),
        rx.el.p(t("city.announce.lead"), class_name="cds-lead"),
        rx.form(
            rx.el.label(t("city.announce.choose_ward"), html_for="f-ward", class_name="cds-label"),
            rx.el.div(
                rx.el.select(rx.el.option(t("city.announce.all_wards"), value=""),
                             rx.foreach(s.wards, lambda w: rx.el.option(w, value=w)),
                             id="f-ward", name="ward", default_value=s.ward, key=s.ward, class_name="cds-input"),
                rx.el.button(t("city.lookup.show"), type="submit", class_name="cds-button cds-button-outline",
                             id="ward-submit"),
                class_name="cds-actions",
            ),
            on_submit=s.choose_ward, class_name="cds-form",
        ),
        rx.cond(s.items.length() > 0,  # type: ignore[attr-defined]
                rx.el.div(rx.foreach(s.items, _announcement), id="announcements"),
                rx.el.p(t("city.announce.none"), id="announcements-empty")),
        rx.cond(AuthState.is_official,
                rx.link(t("city.announce.manage_link"), href="/announcements/manage", class_name="cds-button")),
        class_name="cds-narrow",
    )


def _radio(name: str, value: str, label_key: str, checked: bool = False) -> rx.Component:
    return rx.el.label(rx.el.input(type="radio", name=name, value=value, default_checked=checked,
                                   class_name="cds-check", id=f"f-{name}-{value}"),
                       t(label_key), class_name="cds-check-label")


def _announce_form() -> rx.Component:
    return rx.form(
        text_field("city.announce.title_vi", "title_vi", required=True, max_length=120),
        area_field("city.announce.body_vi", "body_vi", required=True),
        text_field("city.announce.title_en", "title_en", max_length=120),
        area_field("city.announce.body_en", "body_en"),
        rx.el.fieldset(
            rx.el.legend(t("city.announce.audience"), class_name="cds-label"),
            _radio("audience", "ward", "city.announce.audience_ward", True),
            _radio("audience", "city", "city.announce.audience_city"),
        ),
        text_field("city.announce.ward", "ward", hint_key="city.announce.ward_hint", max_length=100),
        text_field("city.announce.valid_from", "valid_from", type_="date", max_length=10),
        text_field("city.announce.valid_until", "valid_until", type_="date", max_length=10),
        rx.el.label(rx.el.input(type="checkbox", name="push", id="f-push", class_name="cds-check"),
                    t("city.announce.push"), class_name="cds-check-label"),
        primary_button("city.announce.publish", id="announce-publish"),
        on_submit=AnnounceManageState.publish, class_name="cds-form", id="announce-form",
    )


def _managed(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(pick(row["title_vi"], row["title_en"])), " — ", pick(row["badge_vi"], row["badge_en"]),
        rx.el.p(row["from"], rx.cond(row["until"] != "", rx.el.span(" → ", row["until"])), " · ",
                rx.cond(row["active"] != "", t("city.announce.active"), t("city.announce.inactive")),
                class_name="cds-hint"),
        rx.cond(row["active"] != "", rx.el.button(t("city.announce.withdraw"), type="button",
                                                  on_click=AnnounceManageState.withdraw(row["id"]),
                                                  class_name="cds-button cds-button-outline")),
        class_name="cds-list-row",
    )


@app_page("/announcements/manage", "city.announce.manage_title", roles=OFFICIALS, on_load=[AnnounceManageState.load])
def announce_manage_page() -> rx.Component:
    s = AnnounceManageState
    return rx.el.div(
        heading("city.announce.manage_title"),
        error_summary(s.error),
        notice_box(s.notice, "announce-notice"),
        _announce_form(),
        _h2("city.announce.mine"),
        rx.el.ul(rx.foreach(s.rows, _managed), class_name="cds-list", id="announce-mine"),
        class_name="cds-narrow",
    )


# --- /help/near and /help/requests --------------------------------------------------------------------------


def _point(p: rx.Var) -> rx.Component:
    return rx.el.article(
        badge(rx.cond(p["team"] != "", t("city.help.kind.digital_team"), t("city.help.kind.ward_office")),
              rx.cond(p["team"] != "", "blue", "gray")),
        rx.el.h3(pick(p["name_vi"], p["name_en"]), class_name="cds-card-title"),
        rx.el.p(t("city.help.address"), ": ", p["address"]),
        rx.el.p(t("city.help.hours"), ": ", pick(p["hours_vi"], p["hours_en"])),
        rx.el.p(t("city.help.helps_with"), ": ", pick(p["helps_vi"], p["helps_en"])),
        rx.el.p(t("city.help.contact"), ": ", rx.el.a(p["phone"], href=p["tel"])),
        rx.el.div(
            rx.el.a(rx.icon("map", size=18, aria_hidden="true"), t("city.help.map"), href=p["map"],
                    target="_blank", rel="noopener noreferrer", class_name="cds-help cds-online-only"),
            rx.cond(p["team"] != "", rx.el.button(t("city.help.ask"), type="button",
                                                   on_click=HelpNearState.ask(p["code"]),
                                                   class_name="cds-button", id="ask-" + p["code"])),
            class_name="cds-actions",
        ),
        class_name="cds-card", margin_bottom="12px",
    )


def _ask_form() -> rx.Component:
    s = HelpNearState
    return rx.cond(s.asking != "", rx.el.section(
        rx.el.h2(t("city.help.ask_title"), ": ", pick(s.asking_name["vi"], s.asking_name["en"]), class_name="cds-h2"),
        rx.cond(AuthState.logged_in, rx.form(
            rx.el.div(
                rx.el.label(t("city.help.topic"), html_for="f-topic", class_name="cds-label"),
                rx.el.select(rx.foreach(s.topics, lambda x: rx.el.option(pick(x["vi"], x["en"]), value=x["code"])),
                             id="f-topic", name="topic", class_name="cds-input"),
                class_name="cds-field"),
            rx.el.div(
                rx.el.label(t("city.help.procedure"), html_for="f-procedure", class_name="cds-label"),
                rx.el.select(rx.el.option(t("city.help.no_procedure"), value=""),
                             rx.foreach(s.procedures, lambda x: rx.el.option(pick(x["vi"], x["en"]), value=x["code"])),
                             id="f-procedure", name="procedure", class_name="cds-input"),
                class_name="cds-field"),
            area_field("city.help.message", "message", max_length=1000),
            primary_button("city.help.send", id="help-send"),
            on_submit=s.send_request, class_name="cds-form", id="help-form",
        ), rx.link(t("city.help.login_to_ask"), href="/login?next=/help/near", class_name="cds-button")),
        id="ask-box",
    ))


def _my_request(r: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(pick(r["team_vi"], r["team_en"])), " — ", pick(r["topic_vi"], r["topic_en"]),
        rx.el.p(r["created"], " · ", pick(r["status_vi"], r["status_en"]),
                rx.cond(r["volunteer"] != "", rx.el.span(" · ", t("city.help.volunteer"), ": ", r["volunteer"])),
                class_name="cds-hint"),
        rx.el.div(
            rx.cond((r["status"] == "taken") & (r["consent"] == ""),
                    rx.el.button(t("city.help.grant"), type="button", on_click=HelpNearState.grant(r["id"]),
                                 class_name="cds-button", id="grant-" + r["id"])),
            rx.cond(r["consent"] != "", rx.link(t("city.help.helper_page"), href="/procedures/helper")),
            rx.cond((r["status"] == "open") | (r["status"] == "taken"),
                    rx.el.button(t("city.help.cancel"), type="button", on_click=HelpNearState.cancel(r["id"]),
                                 class_name="cds-button cds-button-outline")),
            class_name="cds-actions"),
        class_name="cds-list-row",
    )


@app_page("/help/near", "city.help.title", on_load=[HelpNearState.load])
def help_near_page() -> rx.Component:
    s = HelpNearState
    return rx.el.div(
        heading("city.help.title"),
        rx.el.p(t("city.help.lead"), class_name="cds-lead"),
        rx.callout(t("city.help.sample"), icon="info", role="note"),
        rx.form(
            rx.el.div(
                rx.el.label(t("city.help.ward_filter"), html_for="f-help-ward", class_name="cds-label"),
                rx.el.select(rx.el.option(t("city.help.all_wards"), value=""),
                             rx.foreach(s.wards, lambda w: rx.el.option(w, value=w)),
                             id="f-help-ward", name="ward", default_value=s.ward, key=s.ward, class_name="cds-input"),
                class_name="cds-field"),
            text_field("city.help.text_filter", "text", max_length=100),
            primary_button("city.help.filter", id="help-filter"),
            on_submit=s.filter, class_name="cds-form",
        ),
        error_summary(s.error),
        notice_box(s.notice, "help-notice"),
        _ask_form(),
        rx.cond(s.points.length() > 0,  # type: ignore[attr-defined]
                rx.el.div(rx.foreach(s.points, _point), id="help-points"),
                rx.el.p(t("city.help.none"))),
        rx.cond(s.mine.length() > 0, rx.el.section(  # type: ignore[attr-defined]
            _h2("city.help.my_requests"),
            rx.el.ul(rx.foreach(s.mine, _my_request), class_name="cds-list", id="my-help-requests"))),
        class_name="cds-narrow",
    )


def _team_request(r: rx.Var) -> rx.Component:
    s = HelpRequestsState
    return rx.el.li(
        rx.el.strong(r["citizen"]), " — ", pick(r["topic_vi"], r["topic_en"]),
        rx.el.p(pick(r["team_vi"], r["team_en"]), " · ", r["created"], " · ", pick(r["status_vi"], r["status_en"]),
                class_name="cds-hint"),
        rx.cond(r["message"] != "", rx.el.blockquote(r["message"])),
        rx.el.div(
            rx.cond(r["status"] == "open", rx.el.button(t("city.help.take"), type="button", on_click=s.take(r["id"]),
                                                        class_name="cds-button", id="take-" + r["id"])),
            rx.cond((r["status"] == "taken") & (r["mine"] != ""), rx.fragment(
                rx.el.button(t("city.help.make_code"), type="button", on_click=s.make_code(r["id"]),
                             class_name="cds-button", id="code-" + r["id"]),
                rx.el.button(t("city.help.finish"), type="button", on_click=s.finish(r["id"]),
                             class_name="cds-button cds-button-outline"))),
            class_name="cds-actions"),
        rx.cond(s.code_for == r["id"], rx.el.p(rx.el.strong(s.code, font_size="2em", letter_spacing="0.15em"),
                                               id="consent-code", role="status")),
        class_name="cds-list-row",
    )


def _add_member_form() -> rx.Component:
    s = HelpRequestsState
    return rx.cond(AuthState.is_admin, rx.el.section(
        _h2("city.help.add_member"),
        rx.form(
            rx.el.div(
                rx.el.label(t("city.help.team"), html_for="f-team", class_name="cds-label"),
                rx.el.select(rx.foreach(s.teams, lambda x: rx.el.option(pick(x["vi"], x["en"]), value=x["code"])),
                             id="f-team", name="team", class_name="cds-input"),
                class_name="cds-field"),
            text_field("city.help.member_login", "login", required=True, max_length=254),
            primary_button("city.help.add_member", id="member-add"),
            on_submit=s.add_member, class_name="cds-form",
        ),
    ))


@app_page("/help/requests", "city.help.requests_title", roles=("volunteer", "admin"),
          on_load=[HelpRequestsState.load])
def help_requests_page() -> rx.Component:
    s = HelpRequestsState
    return rx.el.div(
        heading("city.help.requests_title"),
        error_summary(s.error),
        notice_box(s.notice, "help-notice"),
        rx.cond(s.no_team & ~AuthState.is_admin, rx.callout(t("city.help.no_team"), icon="info", role="status")),
        rx.cond(s.rows.length() > 0,  # type: ignore[attr-defined]
                rx.el.ul(rx.foreach(s.rows, _team_request), class_name="cds-list", id="team-requests"),
                rx.el.p(t("city.help.no_requests"))),
        rx.link(t("city.help.helper_page"), href="/procedures/helper"),
        _add_member_form(),
        class_name="cds-narrow",
    )


# --- /safety --------------------------------------------------------------------------------------------


def _tip(n: int) -> rx.Component:
    return rx.el.li(rx.el.strong(t(f"city.safety.tip{n}.title")), rx.el.p(t(f"city.safety.tip{n}.body")),
                    class_name="cds-list-row")


def _reason(r: rx.Var) -> rx.Component:
    return rx.el.li(rx.el.strong(pick(r["level_vi"], r["level_en"]), ": "), pick(r["vi"], r["en"]),
                    class_name="cds-list-row", data_level=r["level"])


def _advice(a: rx.Var) -> rx.Component:
    return rx.el.li(pick(a["vi"], a["en"]), class_name="cds-list-row", data_advice=a["code"])


def _list_source(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(pick(item["name_vi"], item["name_en"])),
        rx.el.p(pick(item["publisher_vi"], item["publisher_en"]), rx.cond(item["date_vi"] != "", rx.fragment(
            " · ", pick(item["date_vi"], item["date_en"]))), class_name="cds-hint"),
        rx.cond(item["sample"] != "", badge(t("city.safety.list_sample"), "gray")),
        class_name="cds-list-row", data_list=item["code"],
    )


def _verdict() -> rx.Component:
    res = SafetyState.result
    tone = rx.match(res["verdict"], ("verified", "green"), ("reported", "red"), ("danger", "red"), "amber")
    icon = rx.match(res["verdict"], ("verified", rx.icon("shield-check", aria_hidden="true")),
                    ("reported", rx.icon("shield-x", aria_hidden="true")),
                    ("danger", rx.icon("shield-x", aria_hidden="true")), rx.icon("shield-alert", aria_hidden="true"))
    return rx.cond(res.length() > 0, rx.el.section(  # type: ignore[attr-defined]
        rx.callout.root(rx.callout.icon(icon), rx.callout.text(pick(res["verdict_vi"], res["verdict_en"]),
                                                               weight="bold", size="5"),
                        color_scheme=tone, size="3", role="status", id="verdict", data_verdict=res["verdict"]),
        rx.el.dl(
            rx.el.dt(t("city.safety.understood")), rx.el.dd(rx.el.code(res["display"]), id="understood"),
            rx.cond(res["kind"] == "url", rx.fragment(
                rx.el.dt(t("city.safety.real_address")), rx.el.dd(rx.el.code(res["ascii"]), id="ascii-form"),
                rx.el.dt(t("city.safety.site")), rx.el.dd(rx.el.code(res["site"]), id="site"))),
        ),
        _h2("city.safety.advice"),
        rx.el.ul(rx.foreach(SafetyState.advice, _advice), class_name="cds-list", id="advice"),
        _h2("city.safety.reasons"),
        rx.el.ul(rx.foreach(SafetyState.reasons, _reason), class_name="cds-list", id="reasons"),
        rx.cond(res["verdict"] != "verified", _report_form()),
        id="check-result",
    ))


def _report_form() -> rx.Component:
    return rx.el.section(
        _h2("city.safety.report"),
        rx.cond(AuthState.logged_in, rx.form(
            area_field("city.safety.report_details", "details"),
            primary_button("city.safety.report", id="report-scam"),
            on_submit=SafetyState.report, class_name="cds-form",
        ), rx.link(t("city.safety.login_to_report"), href="/login?next=/safety")),
    )


@app_page("/safety", "city.safety.title", on_load=[SafetyState.load])
def safety_page() -> rx.Component:
    s = SafetyState
    return rx.el.div(
        heading("city.safety.title"),
        rx.el.p(t("city.safety.lead"), class_name="cds-lead"),
        rx.form(
            text_field("city.safety.check_label", "link", hint_key="city.safety.check_hint", required=True,
                       max_length=2000, input_mode="url"),
            primary_button("city.safety.check", id="check-submit"),
            on_submit=s.check, class_name="cds-form", id="check-form",
        ),
        error_summary(s.error),
        notice_box(s.notice, "safety-notice"),
        _verdict(),
        rx.el.p(rx.el.a(rx.icon("wifi-off", size=18, aria_hidden="true"), " ", t("city.safety.offline_link"),
                        href="/safety-offline/", id="offline-checker-link", reload_document=True),
                class_name="cds-hint"),
        rx.el.section(
            _h2("city.safety.lists_title"),
            rx.el.ul(rx.foreach(s.lists, _list_source), class_name="cds-list", id="lists"),
            rx.el.p(t("city.safety.sample"), class_name="cds-hint"),
        ),
        rx.el.section(
            _h2("city.safety.guide_title"),
            rx.image(src="/city/fake-link.svg", alt=t("city.safety.image_alt"), width="100%", max_width="420px",
                     height="auto"),
            rx.el.ol(*[_tip(n) for n in range(1, 6)], class_name="cds-list"),
        ),
        class_name="cds-narrow",
    )


# --- /my-data and /admin/data-requests ------------------------------------------------------------------


def _data_row(r: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(pick(r["label_vi"], r["label_en"])), " — ", pick(r["rows_vi"], r["rows_en"]),
        rx.el.p(badge(pick(r["policy_vi"], r["policy_en"]),
                      rx.match(r["policy"], ("delete", "green"), ("keep", "red"), "amber")),
                " ", pick(r["reason_vi"], r["reason_en"]), class_name="cds-hint"),
        class_name="cds-list-row", data_table=r["table"],
    )


def _request_row(r: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(pick(r["status_vi"], r["status_en"])), " — ", r["created"],
        rx.el.p(t("city.mydata.due"), ": ", r["due"], rx.cond(r["overdue"] != "", rx.el.span(
            " · ", t("city.mydata.overdue"))), class_name="cds-hint"),
        rx.cond(r["response"] != "", rx.el.p(r["response"])),
        class_name="cds-list-row",
    )


@app_page("/my-data", "city.mydata.title", roles=("citizen",), on_load=[MyDataState.load])
def my_data_page() -> rx.Component:
    s = MyDataState
    return rx.el.div(
        heading("city.mydata.title"),
        rx.el.p(t("city.mydata.lead"), class_name="cds-lead"),
        rx.el.a(rx.icon("download", size=20, aria_hidden="true"), t("city.mydata.download"),
                href="/api/my-data/export.json", download="du-lieu-cua-toi.json", reload_document=True,
                class_name="cds-button", id="my-data-download"),
        error_summary(s.error),
        notice_box(s.notice, "my-data-notice"),
        _h2("city.mydata.what_we_hold"),
        rx.el.ul(rx.foreach(s.rows, _data_row), class_name="cds-list", id="my-data-tables"),
        _h2("city.mydata.delete_title"),
        rx.el.p(t("city.mydata.delete_lead")),
        rx.form(
            area_field("city.mydata.note", "note", max_length=1000),
            rx.el.label(rx.el.input(type="checkbox", name="confirm", id="f-confirm", class_name="cds-check"),
                        t("city.mydata.confirm"), class_name="cds-check-label"),
            primary_button("city.mydata.send_request", id="delete-request"),
            on_submit=s.request_deletion, class_name="cds-form",
        ),
        rx.cond(s.requests.length() > 0, rx.el.section(  # type: ignore[attr-defined]
            _h2("city.mydata.my_requests"),
            rx.el.ul(rx.foreach(s.requests, _request_row), class_name="cds-list", id="my-data-requests"))),
        class_name="cds-narrow",
    )


def _admin_request(r: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.strong(r["user"]), " (", r["contact"], ") — ", pick(r["status_vi"], r["status_en"]),
        rx.el.p(r["created"], " · ", t("city.mydata.due"), ": ", r["due"],
                rx.cond(r["overdue"] != "", rx.el.strong(" · ", t("city.mydata.overdue"))), class_name="cds-hint"),
        rx.cond(r["note"] != "", rx.el.blockquote(r["note"])),
        rx.el.p(t("city.admin_data.plan"), ": ", rx.el.code(r["plan"]), class_name="cds-hint"),
        rx.form(
            rx.el.input(type="hidden", name="request_id", value=r["id"]),
            rx.el.label(t("city.admin_data.status"), html_for="f-status-" + r["id"], class_name="cds-label"),
            rx.el.select(rx.el.option(t("city.data.status.in_progress"), value="in_progress"),
                         rx.el.option(t("city.data.status.done"), value="done"),
                         rx.el.option(t("city.data.status.rejected"), value="rejected"),
                         id="f-status-" + r["id"], name="status", class_name="cds-input"),
            rx.el.label(t("city.admin_data.response"), html_for="f-note-" + r["id"], class_name="cds-label"),
            rx.el.textarea(id="f-note-" + r["id"], name="note", class_name="cds-input", rows=2, max_length=1000),
            primary_button("city.admin_data.set_status"),
            on_submit=AdminDataState.update, class_name="cds-form",
        ),
        class_name="cds-list-row",
    )


@app_page("/admin/data-requests", "city.admin_data.title", roles=("admin",), on_load=[AdminDataState.load])
def admin_data_page() -> rx.Component:
    s = AdminDataState
    return rx.el.div(
        heading("city.admin_data.title"),
        error_summary(s.error),
        notice_box(s.notice, "admin-data-notice"),
        rx.cond(s.rows.length() > 0,  # type: ignore[attr-defined]
                rx.el.ul(rx.foreach(s.rows, _admin_request), class_name="cds-list", id="admin-data-requests"),
                rx.el.p(t("city.admin_data.none"))),
        class_name="cds-narrow",
    )
