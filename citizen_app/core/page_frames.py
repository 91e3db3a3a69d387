"""Dynamic pages painted from the server's HTML before the app loads (issue 24: a report's page on a slow phone).

React Router prerenders the static paths only. A dynamic route (``/feedback/[report_id]``) is answered with the SPA
fallback, whose body stays empty until the app's JavaScript has loaded and the page's data has come over the
websocket: on a slow phone that was a blank screen for more than four seconds. A pillar whose dynamic page should
paint at once registers a ``PageFrame``:

- the build prerenders the route at a placeholder path (``/feedback/0``, a record that never exists): the shell and
  the page as drawn before its data, with an empty **slot** (``data-cds-frame``) that React leaves alone
  (``ui.components.script_filled``); the slot is filled with ``sample`` markup while the critical CSS is chosen, so
  the page's head keeps the rules the frame's elements need (``ui.first_paint``);
- the pillar's HTTP route answers the real path with that built page, the slot filled with the record's public facts
  in plain HTML (``frame_response``). The browser paints them from the HTML; React hydrates the page as the
  placeholder path's (the same route, the same markup), and the page draws its own view in place of the slot when
  its data has come.

A frame holds only what the public page shows to anyone (no viewer-specific facts: the request is anonymous).
"""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from citizen_app.core.headers import content_security_policy, frontend_static_dir, inline_script_hashes

log = logging.getLogger(__name__)
FRAME_ATTRIBUTE = "data-cds-frame"
_EMPTY_SLOT = re.compile(r'(<div\b[^>]*\sdata-cds-frame(?:="")?(?:\s[^>]*)?>)(</div>)')  # React's or Beasties' way
_SAMPLE = re.compile(r"<!--cds-frame-sample-->.*?<!--/cds-frame-sample-->", re.DOTALL)
_GZIP_MIN_BYTES = 1024
_NOT_BUILT = '<!DOCTYPE html><html lang="en"><title>Not Found</title><p>The frontend is not built here.</p></html>'


@dataclass(frozen=True)
class PageFrame:
    route: str  # the Reflex route: "/feedback/[report_id]"
    placeholder: str  # the path the build prerenders for it: "/feedback/0"
    sample: Callable[[], str]  # frame markup with made-up content: the build keeps the CSS its elements need


FRAMES: dict[str, PageFrame] = {}


def register_frame(frame: PageFrame) -> None:
    FRAMES[frame.route] = frame


def fill_slot(page: str, inner_html: str) -> str:
    """The built page with ``inner_html`` in its frame slot; ValueError when the page has no empty slot."""
    match = _EMPTY_SLOT.search(page)
    if match is None:
        raise ValueError("the page has no empty frame slot")
    return page[: match.end(1)] + inner_html + page[match.start(2):]


def with_sample(page: str, sample_html: str) -> str:
    """The page with sample markup in its slot, marked so that ``without_sample`` takes it out again."""
    return fill_slot(page, f"<!--cds-frame-sample-->{sample_html}<!--/cds-frame-sample-->")


def without_sample(page: str) -> str:
    return _SAMPLE.sub("", page)


def placeholder_file(static_dir: Path, placeholder: str) -> Path:
    """Where React Router writes a prerendered path's page."""
    return static_dir / placeholder.strip("/") / "index.html"


SPA_FALLBACK = "404.html"  # Reflex's copy of React Router's SPA fallback: what the path got before frames


@dataclass(frozen=True)
class _Built:
    html: str
    csp_hashes: tuple[str, ...]
    has_slot: bool


@cache
def _read_built(path: Path, mtime_ns: int) -> _Built:  # keyed by mtime: a rebuild while serving is read again
    html = path.read_text(encoding="utf-8")
    return _Built(html, inline_script_hashes(html), _EMPTY_SLOT.search(html) is not None)


def built_page(frame: PageFrame, static_dir: Path | None = None) -> _Built | None:
    """The placeholder's built page; the SPA fallback when the build has no usable one (the page then paints when
    the app has loaded, as before frames); None when the frontend is not built here (development, or a static
    server in front of the app answers the path itself)."""
    static_dir = static_dir or frontend_static_dir()
    for path in (placeholder_file(static_dir, frame.placeholder), static_dir / SPA_FALLBACK):
        try:
            built = _read_built(path, path.stat().st_mtime_ns)
        except FileNotFoundError:
            continue
        if built.has_slot or path.name == SPA_FALLBACK:
            return built
        log.error("page frame: %s has no frame slot; serving the SPA fallback", path)
    return None


def frame_response(request: Request, frame: PageFrame, inner_html: str, status: int = 200,
                   *, public_url: str, lang: str, static_dir: Path | None = None) -> Response:
    """The built page with ``inner_html`` (written in ``lang``) in its slot, its own CSP (the built page's inline
    scripts by hash: the slot holds no script), revalidated on every visit like every page, compressed when the browser
    takes gzip. ``Vary: Cookie`` keeps HTTP caches from mixing languages; ``Content-Language`` lets the service worker
    answer its stored copy at once to a reader of the same language (assets/sw.js ``pageFitsReader``)."""
    built = built_page(frame, static_dir)
    if built is None:
        return Response(_NOT_BUILT, status_code=404, media_type="text/html; charset=utf-8")
    body = (fill_slot(built.html, inner_html) if built.has_slot else built.html).encode()
    headers = {"content-security-policy": content_security_policy(public_url, built.csp_hashes),
               "cache-control": "no-cache", "vary": "Accept-Encoding, Cookie", "content-language": lang}
    if len(body) >= _GZIP_MIN_BYTES and "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers["content-encoding"] = "gzip"
    return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=headers)
