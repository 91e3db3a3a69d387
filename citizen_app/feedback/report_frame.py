"""The report page's first paint, in plain HTML from the server (``core.page_frames``; issue 24).

A visitor who opens a report's link on a slow phone sees its title, facts, description and photos from the page's
HTML, before the app has loaded; the app then draws its own view of the report (``report_pages.py``) in the same
place. The frame is the top of that view with the same elements and classes, so the swap does not move anything,
and it shows only what the public page shows anyone (``views.public_detail``: masked text, the name only when the
reporter did not hide it).
"""

from __future__ import annotations

from html import escape

from citizen_app.core.page_frames import PageFrame
from citizen_app.feedback.styles import (
    BADGE_STYLE,
    DEFINITION_STYLE,
    DESCRIPTION_STYLE,
    ERROR_STYLE,
    GALLERY_STYLE,
    PHOTO_STYLE,
    inline_css,
)
from citizen_app.feedback.views import Row
from citizen_app.i18n.catalog import translate

ROUTE = "/feedback/[report_id]"
PLACEHOLDER = "/feedback/0"  # report ids start at 1: the prerendered page of a report that never exists


def _t(key: str, lang: str) -> str:
    return escape(translate(key, lang))


def _pick(row: Row, name: str, lang: str) -> str:
    return escape(row.get(f"{name}_{lang}") or row.get(f"{name}_vi") or "")


def _fact(label: str, value: str) -> str:
    return f'<div><dt class="cds-label">{label}</dt><dd style="{inline_css(DEFINITION_STYLE)}">{value}</dd></div>'


def _expected(detail: Row, lang: str) -> str:
    overdue = (f'<span style="{inline_css(ERROR_STYLE)}"> · {_t("feedback.ui.overdue", lang)}</span>'
               if detail.get("overdue") == "1" else "")
    return f"<span>{escape(detail['expected'])}{overdue}</span>"


def _facts(detail: Row, attributes: list[Row], lang: str) -> str:
    """The facts in the order of ``report_pages._details``."""
    reporter = escape(detail["reporter"]) if detail["reporter"] else _t("feedback.ui.name_hidden", lang)
    stage = f'<span style="{inline_css(BADGE_STYLE)}">{_pick(detail, "stage", lang)}</span>'
    facts = [_fact(_t("feedback.ui.category", lang), _pick(detail, "category", lang)),
             _fact(_t("feedback.ui.stage", lang), stage)]
    if detail.get("outcome_vi"):
        facts.append(_fact(_t("feedback.ui.outcome", lang), _pick(detail, "outcome", lang)))
    facts += [_fact(_t("feedback.ui.reporter", lang), reporter),
              _fact(_t("feedback.ui.created_on", lang), escape(detail["created"]))]
    if detail.get("expected"):
        facts.append(_fact(_t("feedback.ui.expected", lang), _expected(detail, lang)))
    facts.append(_fact(_t("feedback.ui.me_too_count", lang), escape(detail["me_too"])))
    facts += [_fact(_pick(a, "label", lang), _pick(a, "value", lang)) for a in attributes]
    if detail.get("duplicate_of"):
        other = escape(detail["duplicate_of"])
        facts.append(_fact(_t("feedback.ui.duplicate_of", lang), f'<a href="/feedback/{other}">#{other}</a>'))
    return "<dl>" + "".join(facts) + "</dl>"


def _gallery(photos: list[Row], lang: str) -> str:
    if not photos:
        return ""
    items = "".join(
        f'<li data-kind="{escape(p["kind"])}"><a href="{escape(p["full"])}" target="_blank" rel="noopener">'
        f'<img src="{escape(p["thumb"])}" alt="{_pick(p, "alt", lang)}" style="{inline_css(PHOTO_STYLE)}"/>'
        f'<span class="cds-hint">{_pick(p, "alt", lang)}</span></a></li>'
        for p in photos
    )
    return f'<ul style="{inline_css(GALLERY_STYLE)}">{items}</ul>'


def frame_html(detail: Row, attributes: list[Row], photos: list[Row], lang: str) -> str:
    """The top of a public report's page (``views`` rows): title, facts, description and photos."""
    return (
        f'<article><h1 class="rt-Heading rt-r-size-7">{escape(detail["title"])}</h1>'
        f"{_facts(detail, attributes, lang)}"
        f'<h2 class="cds-h2">{_t("feedback.ui.description", lang)}</h2>'
        f'<p style="{inline_css(DESCRIPTION_STYLE)}">{escape(detail["description"])}</p>'
        f"{_gallery(photos, lang)}</article>"
    )


def sample_html() -> str:
    """A made-up report with every element a frame can have: the build keeps the CSS they need."""
    detail = {"title": "Ổ gà", "description": "…", "category_vi": "Đường", "stage_vi": "Đã tiếp nhận",
              "outcome_vi": "Đã xử lý", "reporter": "", "created": "01/01/2026", "expected": "02/01/2026",
              "overdue": "1", "me_too": "0", "duplicate_of": "1"}
    photo = {"full": "/", "thumb": "/", "alt_vi": "Ảnh", "kind": "report"}
    return frame_html(detail, [{"label_vi": "Mức độ", "value_vi": "Cao"}], [photo], "vi")


REPORT_FRAME = PageFrame(ROUTE, PLACEHOLDER, sample_html)
