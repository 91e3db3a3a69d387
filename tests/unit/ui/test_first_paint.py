"""Built pages paint from their HTML first (issue 24): the rewrite of a React Router page, and the scripts that put
content into server-rendered elements without a hydration mismatch."""

from __future__ import annotations

import re

from citizen_app.core.headers import inline_script_hashes
from citizen_app.shell.layout import offline_name
from citizen_app.ui.components import script_filled
from citizen_app.ui.first_paint import (
    AFTER_FIRST_PAINT,
    BOOT_TYPE,
    is_app_page,
    load_after_first_paint,
    prune_custom_properties,
)

BOOT = ('import "/assets/manifest-8a97a468.js";\nimport * as route0 from "/assets/root-aER_konm.js";\n'
        'window.__reactRouterRouteModules = {"root":route0};\nimport("/assets/entry.client-BcBPaK_9.js");')
# The shape of a built page after Beasties (it writes `async` and void tags the HTML way).
PAGE = ('<!DOCTYPE html><html lang="vi"><head><style>.cds-shell{display:flex}</style>'
        '<link as="style" href="/assets/__reflex_global_styles-DwZdtw8H.css" rel="preload">'
        '<link rel="modulepreload" href="/assets/manifest-8a97a468.js">'
        '<link rel="modulepreload" href="/assets/entry.client-BcBPaK_9.js">'
        '<link href="/assets/__reflex_global_styles-DwZdtw8H.css" rel="stylesheet" type="text/css"></head>'
        '<body><main id="main">Xin chào</main><script>window.__reactRouterContext = {};</script>'
        f'<script type="module" async>{BOOT}</script></body></html>')


def test_nothing_loads_before_the_first_paint() -> None:
    page = load_after_first_paint(PAGE)
    head = page.split("</head>")[0]
    assert not re.search(r'rel="(?:stylesheet|modulepreload|preload)"', head), head
    assert '<link data-cds-css="" href="/assets/__reflex_global_styles-DwZdtw8H.css">' in head
    assert head.count('rel="cds-modulepreload"') == 2
    assert 'type="module"' not in page
    assert f'<script type="{BOOT_TYPE}">{BOOT}</script><script>{AFTER_FIRST_PAINT}</script>' in page
    assert "<style>.cds-shell{display:flex}</style>" in head and "Xin chào" in page  # the page itself is kept


def test_the_started_bootstrap_is_allowed_by_the_pages_policy() -> None:
    # The module the script starts has the inert copy's text: the hash the server allows for it.
    hashes = inline_script_hashes(load_after_first_paint(PAGE))
    assert inline_script_hashes(f"<script>{BOOT}</script>")[0] in hashes
    assert inline_script_hashes(f"<script>{AFTER_FIRST_PAINT}</script>")[0] in hashes


def test_the_script_starts_the_app_after_a_painted_frame_or_at_once_in_a_hidden_tab() -> None:
    assert "requestAnimationFrame(function(){setTimeout(afterPaint,0);})" in AFTER_FIRST_PAINT
    assert "document.visibilityState==='hidden')start()" in AFTER_FIRST_PAINT
    # a page that draws its own content first (the ticket screen) starts the app when it says so, or after a wait
    assert "addEventListener('cds:drawn',start);setTimeout(start,1500)" in AFTER_FIRST_PAINT
    assert "if(started)return;started=true;" in AFTER_FIRST_PAINT  # started once
    for put_back in ("l.rel='stylesheet'", "l.rel='modulepreload'", "s.type='module'"):
        assert put_back in AFTER_FIRST_PAINT


def test_other_pages_and_rewritten_pages_are_left_alone() -> None:
    static = '<html><head><link href="/shell.css" rel="stylesheet"></head><body><script src="/x.js"></script></body>'
    assert not is_app_page(static)
    assert load_after_first_paint(static) == static
    once = load_after_first_paint(PAGE)
    assert is_app_page(PAGE) and load_after_first_paint(once) == once


def test_elements_that_scripts_fill_keep_react_out_of_their_children() -> None:
    # offline.js wrote the name and the offline home into server-rendered elements before hydration: React threw
    # the page away (error #418) and drew it again, after its JavaScript, which made the first paint late.
    for component in (offline_name(), script_filled("section", id="cds-offline-home")):
        assert 'dangerouslySetInnerHTML:({ ["__html"] : "" })' in str(component)


def test_the_inline_css_keeps_only_the_custom_properties_the_page_uses() -> None:
    css = (":root,.light{--red-9:#e5484d;--red-10:#dc3e42;--blue-9:#0090ff;--shadow:0 0 0 1px var(--gray-6);"
           "--gray-6:#ddd;--space:8px}.dark{--red-9:#ec5d5e;--blue-9:#3b9eff}"
           "@supports (color:color(display-p3 1 1 1)){@media (color-gamut:p3){"
           ".light{--blue-9:color(display-p3 0 .5 1)}}}"
           ".radix-themes[data-accent-color=red]{--accent-9:var(--red-9);--accent-10:var(--red-10)}"
           ".rt-Button{--button-height:32px;height:var(--button-height);background:var(--accent-9);box-shadow:var(--shadow)}")
    page = (f'<html><head><style>{css}</style><style data-emotion="css x">.css-x{{margin:var(--space)}}</style></head>'
            '<body><div class="radix-themes" data-accent-color="red"><button class="rt-Button">Mua vé</button>'
            '</div></body></html>')
    pruned = prune_custom_properties(page)
    kept = re.findall(r"(--[\w-]+):", pruned.split("<style data-emotion")[0])
    # used by a kept rule, through another property (--accent-9 -> --red-9, --shadow -> --gray-6), by another style
    assert sorted(set(kept)) == ["--accent-9", "--button-height", "--gray-6", "--red-9", "--shadow", "--space"]
    assert ".dark{--red-9:#ec5d5e;}" in pruned  # every declaration of a used property stays (the dark theme's too)
    assert "--blue-9" not in pruned and "color-gamut" not in pruned  # the rule left empty goes, with its at-rules
    assert ".rt-Button{--button-height:32px;height:var(--button-height)" in pruned and "Mua vé" in pruned
    assert prune_custom_properties(pruned) == pruned


def test_the_frames_placeholders_are_prerendered_in_a_production_build_only() -> None:
    from citizen_app.ui.first_paint import prerender_frames

    production = 'export default {"ssr": false, "prerender": true, "build": "build"};'
    assert prerender_frames(production, ["/feedback/0"]) == (
        'export default {"ssr": false, "prerender": ({getStaticPaths}) => [...getStaticPaths(), ...["/feedback/0"]], '
        '"build": "build"};')
    development = 'export default {"ssr": false};'
    assert prerender_frames(development, ["/feedback/0"]) == development
    assert prerender_frames(production, []) == production


def test_the_report_frame_is_registered_for_the_build() -> None:
    from citizen_app.core.page_frames import FRAMES
    from citizen_app.core.registry import install_wiring

    install_wiring()
    assert FRAMES["/feedback/[report_id]"].placeholder == "/feedback/0"
