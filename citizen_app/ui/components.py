"""Small accessible building blocks shared by every pillar."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState, t, t_var


def pick(vi: rx.Var | str, en: rx.Var | str) -> rx.Var:
    """The Vietnamese or English text of a bilingual pair of vars, by the page language."""
    return rx.cond(LangState.lang == "en", en, vi)


def field(label_key: str, name: str, *, type_: str = "text", hint_key: str | None = None,
          autocomplete: str = "off", required: bool = True, input_mode: str | None = None) -> rx.Component:
    """A labelled input with an optional hint, wired with aria-describedby."""
    field_id = f"f-{name}"
    hint = rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else None
    props = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    if input_mode:
        props["input_mode"] = input_mode
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        hint,
        rx.el.input(id=field_id, name=name, type=type_, auto_complete=autocomplete, required=required,
                    class_name="cds-input", **props),
        class_name="cds-field",
    )


def error_summary(error: rx.Var, element_id: str = "form-error") -> rx.Component:
    """Shown when the server rejected the form; announced to screen readers."""
    return rx.cond(
        error.length() > 0,  # type: ignore[attr-defined]
        rx.callout(t_var(error), icon="triangle-alert", color_scheme="red", role="alert", id=element_id),
    )


def icon_either(condition: rx.Var, yes: str, no: str, **props) -> rx.Component:
    """One of two icons by a condition. Never ``rx.icon(rx.cond(...))``: a computed name compiles to lucide's
    DynamicIcon, whose map of every icon (~140 KiB compressed) lands in the JavaScript every page preloads."""
    return rx.cond(condition, rx.icon(yes, **props), rx.icon(no, **props))


def callout_either(text: rx.Var | str, condition: rx.Var, icons: tuple[str, str], **props) -> rx.Component:
    """``rx.callout`` whose icon depends on a condition (first icon when true), with static icons only."""
    return rx.callout.root(rx.callout.icon(icon_either(condition, *icons)), rx.callout.text(text), **props)


def script_filled(tag: str, **props) -> rx.Component:
    """An empty element whose content a page script writes (``assets/offline.js``, ``pwa.js``). React leaves the
    children of an element with ``dangerouslySetInnerHTML`` alone, so a script that fills it before the app hydrates
    causes no hydration mismatch (React would throw the server-rendered page away and draw it again: a later
    first paint), and a re-render does not wipe what the script wrote."""
    custom_attrs = {**props.pop("custom_attrs", {}), "dangerouslySetInnerHTML": {"__html": ""}}
    return getattr(rx.el, tag)(custom_attrs=custom_attrs, **props)


def primary_button(label_key: str, **props) -> rx.Component:
    return rx.el.button(t(label_key), type="submit", class_name="cds-button", **props)


def card_link(href: str, icon: str, title_key: str, body_key: str) -> rx.Component:
    return rx.link(
        rx.icon(icon, size=32, aria_hidden="true"),
        rx.el.span(t(title_key), class_name="cds-card-title"),
        rx.el.span(t(body_key), class_name="cds-card-body"),
        href=href,
        class_name="cds-card",
    )
