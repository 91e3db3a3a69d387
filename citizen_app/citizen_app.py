"""Builds the Reflex app: shell pages from every pillar, PWA head, HTTP routes and guards."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import reflex as rx

from citizen_app.core.asgi import build_routes_app, canonical_origin, guard_uploads, security_headers
from citizen_app.core.jobs import job_loop
from citizen_app.core.memory import freeze_startup_heap
from citizen_app.core.registry import import_pillar_pages, install_wiring, run_startup_checks
from citizen_app.core.stall import watch_stalls
from citizen_app.identity.state import InlinePageLoad, page_on_load
from citizen_app.ops.logging import request_logging
from citizen_app.shell.layout import coming_soon, page_title, shell
from citizen_app.ui.events import CleanTextMiddleware, is_upload_handler
from citizen_app.ui.offline import install_connection_overlay
from citizen_app.ui.routes import MAIN_NAV, PAGES, PageSpec, register

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def inline_asset(name: str) -> str:
    """A script from ``assets/`` to put inline in every page's head, without its leading documentation comment.

    Scripts that must run before the first paint or before the app (the language and text-size choice; the
    device's login, which clears another person's data before anything reads it) go inline: a ``<script src>``
    there is a request that blocks the first paint. The CSP allows them by their hashes, read from the built
    page. The files stay the source, tested under node."""
    text = (ASSETS / name).read_text(encoding="utf-8")
    return re.sub(r"\A/\*.*?\*/\s*", "", text, count=1, flags=re.DOTALL)


PWA_HEAD = [
    rx.el.link(rel="manifest", href="/manifest.webmanifest"),
    rx.el.meta(name="theme-color", content="#a50e22"),
    rx.el.meta(name="description", content="Công dân số TP.HCM — một danh tính số, một chạm tới thành phố"),
    rx.el.link(rel="icon", href="/icons/icon-192.png", type="image/png"),
    rx.el.link(rel="apple-touch-icon", href="/icons/icon-192.png"),
    rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
    rx.el.script(inline_asset("shell.js")),
    rx.el.script(inline_asset("session.js")),  # before the app and the stores' readers: clears another user's data
    # after session.js (it waits for its clearing): on the ticket screen, the stored tickets read while the page loads
    rx.el.script(inline_asset("metro/ticket-early.js")),
    rx.el.script(src="/idb-store.js", defer=True),
    rx.el.script(src="/pwa.js", defer=True),
    rx.el.script(src="/outbox.js", defer=True),  # after idb-store.js: the reports waiting for the network
    rx.el.script(src="/offline.js", defer=True),  # the signed-in shell without a connection, drafts, outbox status
]


def _register_placeholders() -> None:
    """Every navigation target exists, even before its pillar is built: no dead links."""
    for item in MAIN_NAV:
        if item.path not in PAGES:
            register(PageSpec(item.path, item.label_key, coming_soon))


def build_app() -> rx.App:
    install_wiring()
    run_startup_checks()  # unsafe settings (a development convenience on an https site) stop the start here
    import_pillar_pages()
    _register_placeholders()
    application = rx.App(
        html_lang="vi",
        head_components=PWA_HEAD,
        stylesheets=["/shell.css"],
        api_transformer=[build_routes_app(), canonical_origin, security_headers,
                         partial(guard_uploads, is_upload_handler=is_upload_handler), request_logging],
    )
    application.add_middleware(CleanTextMiddleware())
    application.add_middleware(InlinePageLoad())  # a navigation in one event (identity.state)
    install_connection_overlay(application)  # a translated offline line instead of Reflex's English toast
    for spec in PAGES.values():
        application.add_page(
            lambda spec=spec: shell(spec),
            route=spec.path,
            title=page_title(spec),
            on_load=page_on_load(spec.path, spec.on_load),
        )
    application.register_lifespan_task(freeze_startup_heap)
    application.register_lifespan_task(job_loop)
    application.register_lifespan_task(watch_stalls)
    return application


app = build_app()
