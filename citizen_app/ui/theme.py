"""Radix Themes with only the colour scales the app uses (issue 24: the global stylesheet blocks the first paint).

Radix's ``styles.css`` holds all 31 colour scales (tokens.css: 177 KiB of the 812 KiB file). Its documented
split imports are used instead: the base tokens, the scales below, the components and the utilities. A colour
used anywhere (``color_scheme=``, ``accent_color=``, a badge tone) must be in ``COLORS``; a unit test reads
every colour name in ``citizen_app/`` and checks it is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reflex_components_radix.plugin import RadixThemesPlugin

ACCENT, GRAY = "ruby", "slate"
COLORS = (ACCENT, GRAY, "gray", "red", "amber", "green", "blue")


@dataclasses.dataclass
class RadixThemesSubset(RadixThemesPlugin):
    """``RadixThemesPlugin`` that imports Radix's CSS in parts, with the colour scales in ``COLORS`` only."""

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        if not self.enabled:
            return ()
        return ("@radix-ui/themes/tokens/base.css",
                *(f"@radix-ui/themes/tokens/colors/{color}.css" for color in COLORS),
                "@radix-ui/themes/components.css", "@radix-ui/themes/utilities.css")
