"""Inline styles of the report's elements, shared by the Reflex components (``components.py``) and the report
page's server-rendered frame (``report_frame.py``), so both draw the same."""

from __future__ import annotations

Style = dict[str, str]

ERROR_STYLE: Style = {"color": "#b3261e", "font_weight": "700"}
BADGE_STYLE: Style = {
    "display": "inline-block",
    "padding": "2px 8px",
    "border_radius": "999px",
    "border": "1px solid #6b7580",
    "font_size": ".85rem",
    "font_weight": "600",
}
DEFINITION_STYLE: Style = {"margin": "0 0 8px"}
DESCRIPTION_STYLE: Style = {"white_space": "pre-wrap"}
GALLERY_STYLE: Style = {
    "list_style": "none",
    "padding": "0",
    "display": "grid",
    "gap": "8px",
    "grid_template_columns": "repeat(auto-fill, minmax(140px, 1fr))",
}
PHOTO_STYLE: Style = {"width": "100%", "border_radius": "8px"}


def inline_css(style: Style) -> str:
    """The style as an HTML ``style`` attribute's text (``font_size`` → ``font-size``)."""
    return ";".join(f"{name.replace('_', '-')}:{value}" for name, value in style.items())
