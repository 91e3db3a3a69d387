"""Building blocks shared by the feedback pages (citizen and workbench)."""

from __future__ import annotations

import reflex as rx

from citizen_app.feedback.styles import (
    BADGE_STYLE,
    DEFINITION_STYLE,
    ERROR_STYLE,
    GALLERY_STYLE,
    PHOTO_STYLE,
)
from citizen_app.i18n.state import t, t_var
from citizen_app.ui.components import pick as pick

LEAFLET_CSS = "/feedback/leaflet/leaflet.css"
FEEDBACK_CSS = "/feedback/feedback.css"
SCRIPTS = ("/feedback/leaflet/leaflet.js", "/feedback/feedback.js")
MAP_STYLE = {
    "position": "relative",
    "z_index": "0",  # keep Leaflet's panes (z-index 400+) under the fixed header and bottom bar
    "height": "320px",
    "width": "100%",
    "border_radius": "8px",
    "border": "1px solid #d5dbe1",
    "margin": "8px 0",
}


def lv(row: rx.Var, name: str) -> rx.Var:
    """``row[name_vi]`` or ``row[name_en]`` by the page language."""
    return pick(row[f"{name}_vi"], row[f"{name}_en"])


def feedback_css() -> rx.Component:
    return rx.el.link(rel="stylesheet", href=FEEDBACK_CSS)


def map_assets() -> rx.Component:
    return rx.fragment(rx.el.link(rel="stylesheet", href=LEAFLET_CSS), feedback_css(),
                       *[rx.script(src=src) for src in SCRIPTS])


def map_box(map_id: str, kind: str, label_key: str, **attrs: rx.Var | str) -> rx.Component:
    """A Leaflet map (``data-fb-map``) with a text fallback shown when offline or when scripts fail."""
    custom = {"data-fb-map": kind, **{f"data-{k}": v for k, v in attrs.items()}}
    return rx.fragment(
        rx.el.div(id=map_id, role="region", aria_label=t(label_key), custom_attrs=custom, style=MAP_STYLE),
        rx.el.p(t("feedback.ui.map_offline"), id=f"{map_id}-offline", hidden=True, class_name="cds-hint"),
    )


def notice(message: rx.Var, element_id: str = "fb-notice") -> rx.Component:
    return rx.cond(
        message.length() > 0,  # type: ignore[attr-defined]
        rx.callout(t_var(message), icon="check", role="status", id=element_id, margin_bottom="1em"),
    )


def badge(content: rx.Var | str, element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {}
    return rx.el.span(content, style=BADGE_STYLE, **props)


def overdue_badge(flag: rx.Var) -> rx.Component:
    return rx.cond(
        flag == "1",
        rx.el.span(
            rx.icon("clock-alert", size=16, aria_hidden="true"), " ", t("feedback.ui.overdue"), style=ERROR_STYLE
        ),
    )


def option_list(options: rx.Var, empty_key: str | None = None) -> list[rx.Component]:
    items = [rx.el.option(t(empty_key), value="")] if empty_key else []
    items.append(rx.foreach(options, lambda o: rx.el.option(lv(o, "label"), value=o["value"])))
    return items


def select(
    label_key: str,
    name: str,
    options: rx.Var,
    *,
    empty_key: str | None = None,
    value: rx.Var | str = "",
    on_change=None,
    element_id: str | None = None,
) -> rx.Component:
    field_id = element_id or f"f-{name}"
    props = {"on_change": on_change} if on_change is not None else {}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.select(
            *option_list(options, empty_key),
            id=field_id,
            name=name,
            default_value=value,
            class_name="cds-input",
            **props,
        ),
        class_name="cds-field",
    )


def text_input(
    label_key: str,
    name: str,
    *,
    value: rx.Var | str = "",
    hint_key: str | None = None,
    type_: str = "text",
    required: bool = False,
    max_length: int | None = None,
    input_mode: str | None = None,
) -> rx.Component:
    field_id = f"f-{name}"
    props: dict = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    if max_length:
        props["max_length"] = max_length
    if input_mode:
        props["input_mode"] = input_mode
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else rx.fragment(),
        rx.el.input(
            id=field_id,
            name=name,
            type=type_,
            default_value=value,
            required=required,
            class_name="cds-input",
            auto_complete="off",
            **props,
        ),
        class_name="cds-field",
    )


def text_area(
    label_key: str,
    name: str,
    *,
    value: rx.Var | str = "",
    hint_key: str | None = None,
    max_length: int = 4000,
    rows: int = 5,
    required: bool = False,
    key: rx.Var | str | None = None,
    element_id: str | None = None,
) -> rx.Component:
    field_id = element_id or f"f-{name}"
    props: dict = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    if key is not None:
        props["key"] = key
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else rx.fragment(),
        rx.el.textarea(
            id=field_id,
            name=name,
            default_value=value,
            max_length=max_length,
            rows=rows,
            required=required,
            class_name="cds-input",
            **props,
        ),
        class_name="cds-field",
    )


def checkbox(label_key: str, name: str, *, checked: rx.Var | bool = False, hint_key: str | None = None) -> rx.Component:
    field_id = f"f-{name}"
    return rx.el.div(
        rx.el.label(
            rx.el.input(type="checkbox", id=field_id, name=name, default_checked=checked, class_name="cds-check"),
            rx.el.span(t(label_key)),
            html_for=field_id,
            class_name="cds-check-label",
        ),
        rx.el.p(t(hint_key), class_name="cds-hint") if hint_key else rx.fragment(),
        class_name="cds-field",
    )


def submit(label_key: str, element_id: str, *, outline: bool = False, busy: rx.Var | bool = False) -> rx.Component:
    css = "cds-button cds-button-outline" if outline else "cds-button"
    return rx.el.button(t(label_key), type="submit", id=element_id, class_name=css, disabled=busy)


def uploader(upload_id: str, on_upload: rx.EventSpec, label_key: str = "feedback.ui.choose_photos") -> rx.Component:
    """A photo picker (static id: Reflex hoists upload hooks) and an explicit upload button."""
    return rx.el.div(
        rx.upload.root(
            rx.el.div(
                rx.icon("camera", size=20, aria_hidden="true"), t(label_key), class_name="cds-button cds-button-outline"
            ),
            id=upload_id,
            max_files=5,
            multiple=True,
            accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
        ),
        rx.el.p(
            rx.foreach(rx.selected_files(upload_id), lambda name: rx.el.span(name, " ")),
            class_name="cds-hint",
            id=f"{upload_id}-selected",
        ),
        rx.el.p(t("feedback.ui.photo_rules"), class_name="cds-hint"),
        rx.el.button(
            t("feedback.ui.upload"), type="button", class_name="cds-button", id=f"{upload_id}-send", on_click=on_upload
        ),
        class_name="cds-field",
        id=f"{upload_id}-box",
    )


def thumbs(photos: rx.Var, element_id: str, on_remove=None) -> rx.Component:
    """Uploaded photos waiting to be attached (served to their uploader only)."""

    def one(photo: rx.Var) -> rx.Component:
        remove = (
            rx.el.button(
                t("feedback.ui.remove"),
                type="button",
                class_name="cds-button cds-button-outline",
                on_click=on_remove(photo["id"]),
            )
            if on_remove is not None
            else rx.fragment()
        )
        return rx.el.li(
            rx.el.img(
                src=photo["thumb"],
                alt=t("feedback.ui.photo_uploaded"),
                width="96px",
                height="72px",
                style={"object_fit": "cover", "border_radius": "6px"},
            ),
            remove,
            class_name="cds-list-row",
        )

    return rx.el.ul(rx.foreach(photos, one), class_name="cds-list", id=element_id)


def gallery(photos: rx.Var, element_id: str = "fb-gallery") -> rx.Component:
    def one(photo: rx.Var) -> rx.Component:
        return rx.el.li(
            rx.el.a(
                rx.el.img(
                    src=photo["thumb"],
                    alt=lv(photo, "alt"),
                    loading="lazy",
                    style=PHOTO_STYLE,
                ),
                rx.el.span(lv(photo, "alt"), class_name="cds-hint"),
                href=photo["full"],
                target="_blank",
                rel="noopener",
            ),
            custom_attrs={"data-kind": photo["kind"]},
        )

    return rx.cond(
        photos.length() > 0,  # type: ignore[attr-defined]
        rx.el.ul(
            rx.foreach(photos, one),
            id=element_id,
            style=GALLERY_STYLE,
        ),
    )


def timeline(events: rx.Var, element_id: str = "fb-timeline") -> rx.Component:
    """Each step with the agency that acted (the public sees agencies only; officials' rows also name the person)."""

    def one(e: rx.Var) -> rx.Component:
        return rx.el.li(
            rx.el.div(
                rx.el.strong(lv(e, "kind")),
                " · ",
                rx.el.time(e["at"]),
                rx.cond(e["internal"] == "1", rx.el.span(" · ", t("feedback.ui.internal"), style=ERROR_STYLE)),
            ),
            rx.cond(
                (e["agency_vi"] != "") | (e["actor"] != ""),
                rx.el.p(
                    rx.cond(e["agency_vi"] != "", rx.el.span(lv(e, "agency"), class_name="fb-step-agency")),
                    rx.cond(e["actor"] != "", rx.el.span(" · ", e["actor"], class_name="fb-step-actor")),
                    class_name="cds-hint",
                ),
            ),
            rx.cond(e["detail_vi"] != "", rx.el.p(lv(e, "detail"), class_name="fb-step-detail", style={"margin": "0"})),
            rx.cond(e["stage_vi"] != "", rx.el.p(t("feedback.ui.stage"), ": ", lv(e, "stage"), class_name="cds-hint")),
            rx.cond(e["text"] != "", rx.el.p(e["text"], style={"white_space": "pre-wrap", "margin": "4px 0 0"})),
            rx.cond(
                e["photos"] != "", rx.el.p(t("feedback.ui.photos_count"), ": ", e["photos"], class_name="cds-hint")
            ),
            style={"border_left": "4px solid #a50e22", "padding": "4px 12px", "margin_bottom": "8px"},
        )

    return rx.el.ol(rx.foreach(events, one), id=element_id, style={"list_style": "none", "padding": "0"})


def definition(label: rx.Var, value: rx.Var | rx.Component, element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {}
    return rx.el.div(rx.el.dt(label, class_name="cds-label"), rx.el.dd(value, style=DEFINITION_STYLE, **props))
