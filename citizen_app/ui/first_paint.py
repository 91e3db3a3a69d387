"""Every built page paints from its own HTML before anything else loads (issue 24: first paint on a slow phone).

A built page already holds its text, but a plain Reflex build makes the browser wait for the global stylesheet
(64 KiB compressed, render-blocking) and lets the app's modules (about 400 KiB) compete with it for the phone's
bandwidth and run before the first paint when they arrive early. ``PaintBeforeScripts``, a Reflex plugin, rewrites
every built page after the production build (before Reflex compresses the files):

1. **Critical CSS inline**: Beasties (npm, ``critical_css.mjs``) copies the rules of the global stylesheet that match
   the page's elements into a ``<style>`` in its head (plus the rules of the classes scripts put on ``<html>``:
   language, large text, colour theme, offline), so the page is drawn exactly as with the whole stylesheet. Of the
   theme's custom properties (``--red-9``: about 44 of the 76 KiB Beasties kept on every page) only those the kept
   rules and the page's own styles use, directly or through another property, stay (``prune_custom_properties``):
   less HTML to read and less style to compute on a slow phone before the first paint.
2. **Nothing else before the first paint**: the stylesheet link loses its ``rel`` (``data-cds-css``), the module
   preloads become ``rel="cds-modulepreload"``, and React Router's inline module bootstrap becomes an inert
   ``<script type="text/x-cds-boot">``. A short inline script (``AFTER_FIRST_PAINT``) puts all three back right after
   the first frame is painted (at once in a hidden tab, which draws no frames): the stylesheet and the preloads
   start downloading together, then the bootstrap runs as a module and hydrates the page as before. A page whose
   own script draws its content (an element with ``data-cds-first``: the metro ticket screen) waits for that script's
   ``cds:drawn`` event (at most 1.5 s), so the app's JavaScript does not compete with the ticket at the gate.

3. **Dynamic pages get a frame** (``core.page_frames``): React Router's configuration also prerenders each registered
   frame's placeholder path (``/feedback/0``), and that page keeps the CSS of the frame's sample markup, which its
   HTTP route later fills with the record (a report's page paints before the app as the static pages do).

The server allows both inline scripts by their hashes, read from the built page (``core.headers``); the module
started from the inert copy has the same text, so the same hash. Pages that are not React Router pages (the static
offline pages) are left alone. In development (``reflex run`` without ``--env prod``) nothing is built, nothing
changes.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

from reflex_base.plugins.base import Plugin

from citizen_app.core.page_frames import FRAMES, PageFrame, placeholder_file, with_sample, without_sample

BEASTIES = "beasties@0.5.5"
ROUTER_CONFIG = "react-router.config.js"
_PRERENDER_ALL = '"prerender": true'
CRITICAL_CSS_SCRIPT = "cds-critical-css.mjs"  # written into .web, next to its node_modules
BOOT_TYPE = "text/x-cds-boot"
_APP_PAGE = "window.__reactRouterContext"
_BOOT_MODULE = re.compile(r'<script type="module" async(?:="")?>(\s*import "/assets/manifest-[^"]+";.*?)</script>',
                          re.DOTALL)
_STYLESHEET_PRELOAD = re.compile(r'<link as="style" href="/assets/[^"]+\.css" rel="preload"/?>')
_STYLESHEET = re.compile(r'<link href="(/assets/[^"]+\.css)" rel="stylesheet"(?: type="text/css")?/?>')
_MODULE_PRELOAD = 'rel="modulepreload"'
# requestAnimationFrame runs just before a frame is drawn, so a task queued from it runs after that paint. A page
# whose own script draws its content (``data-cds-first``: the ticket screen) starts the app once that script says
# "cds:drawn", or after FIRST_DRAW_WAIT_MS.
FIRST_DRAW_WAIT_MS = 1500
AFTER_FIRST_PAINT = (
    "(function(){var boot=document.querySelector('script[type=\"" + BOOT_TYPE + "\"]');if(!boot)return;"
    "var started=false;function start(){if(started)return;started=true;"
    "document.querySelectorAll('link[data-cds-css]').forEach(function(l){l.rel='stylesheet';});"
    "document.querySelectorAll('link[rel=cds-modulepreload]').forEach(function(l){l.rel='modulepreload';});"
    "var s=document.createElement('script');s.type='module';s.textContent=boot.textContent;"
    "document.body.appendChild(s);}"
    "function afterPaint(){var first=document.querySelector('[data-cds-first]');"
    "if(!first||first.childElementCount)return start();"
    "window.addEventListener('cds:drawn',start);setTimeout(start," + str(FIRST_DRAW_WAIT_MS) + ");}"
    "if(document.visibilityState==='hidden')start();"
    "else requestAnimationFrame(function(){setTimeout(afterPaint,0);});})();"
)


_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_PROPERTY = re.compile(r"(?<=[{;])\s*(--[\w-]+)\s*:([^;{}]*)(?:;|(?=}))")
_USE = re.compile(r"var\(\s*(--[\w-]+)")
_EMPTY_RULE = re.compile(r"(?<=[{}])[^{}]+\{\s*\}")


def prune_custom_properties(html: str) -> str:
    """The page with the custom property declarations of its inline ``<style>`` elements that nothing on the page
    uses left out: the properties used by ``var()`` anywhere on the page outside such declarations, and those they
    use in turn, stay (the whole stylesheet, loaded after the first paint, brings back the rest)."""
    declared: dict[str, set[str]] = {}
    outside = html
    for css in _STYLE.findall(html):
        for name, value in _PROPERTY.findall(css):
            declared.setdefault(name, set()).update(_USE.findall(value))
        outside = outside.replace(css, _PROPERTY.sub("", css), 1)
    used, todo = set(), list(set(_USE.findall(outside)))
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo.extend(declared.get(name, ()))

    def prune(match: re.Match[str]) -> str:
        css = _PROPERTY.sub(lambda m: m.group(0) if m.group(1) in used else "", match.group(1))
        while (emptied := _EMPTY_RULE.sub("", css)) != css:
            css = emptied
        return f"<style>{css}</style>"

    return _STYLE.sub(prune, html)


def is_app_page(html: str) -> bool:
    return _APP_PAGE in html and _BOOT_MODULE.search(html) is not None


def load_after_first_paint(html: str) -> str:
    """The page with its stylesheet, module preloads and bootstrap started after the first paint (see the module's
    documentation); a page that is not a React Router page, or was already rewritten, is returned as is."""
    match = _BOOT_MODULE.search(html)
    if match is None or BOOT_TYPE in html:
        return html
    inert = f'<script type="{BOOT_TYPE}">{match.group(1)}</script><script>{AFTER_FIRST_PAINT}</script>'
    html = html[: match.start()] + inert + html[match.end():]
    html = _STYLESHEET_PRELOAD.sub("", html)
    html = _STYLESHEET.sub(r'<link data-cds-css="" href="\1">', html)
    return html.replace(_MODULE_PRELOAD, 'rel="cds-modulepreload"')


def inline_critical_css(web_dir: Path, static_dir: Path, pages: list[Path]) -> None:
    """Run Beasties (``critical_css.mjs``) over the pages; a failure stops the build (a page without its CSS would
    be drawn unstyled)."""
    from reflex.utils import path_ops  # the build's own node, found the way Reflex finds it

    node = path_ops.get_node_path()
    if node is None:
        raise RuntimeError("Node.js is needed to inline the pages' critical CSS")
    subprocess.run([str(node), str(web_dir / CRITICAL_CSS_SCRIPT), str(static_dir), *map(str, pages)],
                   cwd=web_dir, check=True)


def prerender_frames(config_js: str, placeholders: list[str]) -> str:
    """React Router's configuration with the page frames' placeholder paths (``core.page_frames``) prerendered
    besides every static path; a development configuration (nothing prerendered) is returned as is."""
    if not placeholders or _PRERENDER_ALL not in config_js:
        return config_js
    extra = json.dumps(placeholders)
    return config_js.replace(_PRERENDER_ALL, f'"prerender": ({{getStaticPaths}}) => [...getStaticPaths(), ...{extra}]')


def _frame_pages(static_dir: Path) -> dict[Path, PageFrame]:
    """The built files of every frame's placeholder page (Reflex copies ``x/index.html`` to ``x.html``)."""
    pages = {}
    for frame in FRAMES.values():
        built = placeholder_file(static_dir, frame.placeholder)
        for page in (built, built.parent.with_suffix(".html")):
            pages[page] = frame
    return pages


def rewrite_built_pages(web_dir: Path, static_dir: Path) -> int:
    """Critical CSS, then the deferred loading, on every React Router page of the build; the number of pages. A frame's
    placeholder page holds its sample markup while the critical CSS is chosen."""
    pages = [page for page in sorted(static_dir.rglob("*.html")) if is_app_page(page.read_text(encoding="utf-8"))]
    if not pages:
        return 0
    frames = {page: frame for page, frame in _frame_pages(static_dir).items() if page in pages}
    for page, frame in frames.items():
        page.write_text(with_sample(page.read_text(encoding="utf-8"), frame.sample()), encoding="utf-8")
    inline_critical_css(web_dir, static_dir, pages)
    for page in pages:
        # the frame's sample is still in the page: the properties its rules use are kept
        html = load_after_first_paint(prune_custom_properties(page.read_text(encoding="utf-8")))
        page.write_text(without_sample(html) if page in frames else html, encoding="utf-8")
    return len(pages)


class PaintBeforeScripts(Plugin):
    """Reflex plugin: after the production build, every page paints from its HTML and inline CSS first."""

    def get_frontend_development_dependencies(self, **context: Any) -> list[str]:
        return [BEASTIES]

    def pre_compile(self, **context: Any) -> None:
        source = (Path(__file__).with_name("critical_css.mjs")).read_text(encoding="utf-8")
        context["add_save_task"](lambda: (CRITICAL_CSS_SCRIPT, source))
        placeholders = [frame.placeholder for frame in FRAMES.values()]
        context["add_modify_task"](ROUTER_CONFIG, partial(prerender_frames, placeholders=placeholders))

    def post_build(self, **context: Any) -> None:
        static_dir = Path(context["static_dir"]).resolve()
        rewrite_built_pages(static_dir.parents[1], static_dir)
