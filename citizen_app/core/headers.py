"""The browser-side security policy: Content-Security-Policy, Permissions-Policy, COOP and HSTS.

Every HTML document the app serves gets the policy: the compiled Reflex pages and the static pages from
``assets/`` (served by Reflex's frontend mount in single-port mode), and the HTML pages of routes (the
payment sandbox). ``security_headers`` in ``core/asgi.py`` sets them; docs/ARCHITECTURE.md ("Security
boundaries") explains each directive and how to extend the policy.

Inline scripts: Reflex prerenders each page with a few inline scripts (theme, React Router context and
hydration data, the route's module imports). They are allowed by their SHA-256 hashes, read from the
built files themselves, never from a response body: a page only runs the inline scripts that were in the
build. The files are static, so their hashes are computed once; a response is matched to its file by the
ETag the static server sends (Starlette's ``FileResponse`` formula, computed by Starlette itself), which also
covers the precompressed ``.gz`` sidecars. Nonces would need every prerendered page rewritten per request.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from starlette.responses import FileResponse

# Remote origins the pages load from, with who needs them. Add a source here, never 'unsafe-inline' for scripts.
MAP_TILES = "https://tile.openstreetmap.org"  # assets/feedback/feedback.js (Leaflet tile layer)

# Reflex runs rx.call_script / rx.call_function code and their callbacks through eval() in its state.js, so
# the compiled Reflex pages (recognised by their inline scripts) need 'unsafe-eval'; injected markup still
# cannot run script. The static pages, route pages and the service worker do without it.
REFLEX_EVAL = "'unsafe-eval'"
# Emotion (Radix Themes, rx.el styles) inserts <style> elements at run time and the prerendered pages carry
# style="" attributes: styles cannot run script, so inline styles are allowed.
STYLE_SOURCES = ("'self'", "'unsafe-inline'")

PERMISSIONS_POLICY = ", ".join((
    "camera=(self)",  # QR scanning: gate, wallet, verifier
    "geolocation=(self)",  # feedback report location
    "publickey-credentials-get=(self)", "publickey-credentials-create=(self)",  # passkeys
    "microphone=()", "payment=()", "usb=()", "serial=()", "hid=()", "midi=()",
    "magnetometer=()", "gyroscope=()", "accelerometer=()", "display-capture=()", "browsing-topics=()",
))
HSTS = "max-age=31536000; includeSubDomains"

_DOCUMENT_TYPES = (b"text/html", b"image/svg+xml")  # documents that can run script
_WORKER_PATHS = (b"/sw.js",)  # a worker's policy comes from its own script's response
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC_ATTRIBUTE = re.compile(r"""(?:^|\s)src\s*=""", re.IGNORECASE)
_SIDECARS = ("", ".gz", ".br", ".zst")  # Reflex's precompressed variants of a page
_RESCAN_SECONDS = 2.0

# Cache lifetimes of the frontend's files. Vite names every file under /assets/ after a hash of its content, so
# a name never changes meaning: a year, immutable (a phone on 4G does not even revalidate it). Pages, the
# service worker, the manifest and the unhashed shell scripts are revalidated on every use (a cheap 304 by ETag)
# so a release reaches everyone at once; icons change rarely and keep a day.
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
ICONS = b"public, max-age=86400"
_HASHED_ASSET = re.compile(rb"^/assets/[^/]+-[\w-]{8}\.[a-z0-9]+$")
_CACHEABLE_STATUSES = (200, 203, 206, 304)


def websocket_origin(public_url: str) -> str:
    """ws(s)://host of the public URL: Reflex's event socket (older Safari does not match it with 'self')."""
    parts = urlsplit(public_url)
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def content_security_policy(public_url: str, script_hashes: Sequence[str] = ()) -> str:
    """The policy of one document; ``script_hashes`` are its inline scripts (a compiled Reflex page's)."""
    hashes = tuple(f"'sha256-{digest}'" for digest in script_hashes)
    directives: dict[str, Sequence[str]] = {
        "default-src": ("'self'",),
        "script-src": ("'self'", REFLEX_EVAL, *hashes) if hashes else ("'self'",),
        "style-src": STYLE_SOURCES,
        "img-src": ("'self'", "data:", "blob:", MAP_TILES),
        "font-src": ("'self'", "data:"),
        "connect-src": ("'self'", websocket_origin(public_url)),
        "worker-src": ("'self'",),
        "manifest-src": ("'self'",),
        "frame-src": ("'none'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),  # the sandbox checkout posts to itself and redirects to /pay/return
        "frame-ancestors": ("'none'",),
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def inline_script_hashes(html: str) -> tuple[str, ...]:
    """Base64 SHA-256 of each inline script, in document order, as the browser computes them."""
    digests = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _SRC_ATTRIBUTE.search(match.group(1)):
            continue
        digest = hashlib.sha256(match.group(2).encode()).digest()
        digests.append(base64.b64encode(digest).decode())
    return tuple(dict.fromkeys(digests))


def _etag(path: Path) -> bytes:
    return FileResponse(path, stat_result=path.stat()).headers["etag"].encode()


class InlineScriptIndex:
    """ETag of every built HTML file (and its compressed sidecars) -> the hashes of its inline scripts."""

    def __init__(self, static_dir: Path | None) -> None:
        self.static_dir = static_dir
        self._by_etag: dict[bytes, tuple[str, ...]] = {}
        self._seen: dict[Path, tuple[bytes, ...]] = {}
        self._scanned_at = float("-inf")

    def hashes(self, etag: bytes) -> tuple[str, ...]:
        if etag not in self._by_etag and time.monotonic() - self._scanned_at > _RESCAN_SECONDS:
            self._scan()
        return self._by_etag.get(etag, ())

    def _scan(self) -> None:
        """Index new or changed files (a rebuild while serving); unchanged files are not read again."""
        self._scanned_at = time.monotonic()
        if self.static_dir is None or not self.static_dir.is_dir():
            return
        for page in self.static_dir.rglob("*.html"):
            variants = [Path(f"{page}{suffix}") for suffix in _SIDECARS]
            etags = tuple(_etag(variant) for variant in variants if variant.is_file())
            if self._seen.get(page) == etags:
                continue
            self._seen[page] = etags
            digests = inline_script_hashes(page.read_text(encoding="utf-8"))
            for etag in etags:  # two files of one size written in the same instant share an ETag
                self._by_etag[etag] = tuple(dict.fromkeys((*self._by_etag.get(etag, ()), *digests)))


def cache_control(path: bytes, status: int) -> bytes | None:
    """The ``Cache-Control`` of a frontend file by its path; ``None`` for an error answer (never cached long)."""
    if status not in _CACHEABLE_STATUSES:
        return None
    if _HASHED_ASSET.match(path):
        return IMMUTABLE
    return ICONS if path.startswith(b"/icons/") else REVALIDATE


def frontend_static_dir() -> Path:
    """Where Reflex's single-port mode serves the compiled frontend from (reflex.utils.exec.get_frontend_mount)."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants
    from reflex_base.config import get_config

    return get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")


class BrowserPolicy:
    """The headers a response gets besides the baseline ones, from its path and its own headers."""

    def __init__(self, public_url: str, static_dir: Path | None) -> None:
        self.public_url = public_url
        self.https = public_url.startswith("https://")
        self.index = InlineScriptIndex(static_dir)
        self._base_csp = content_security_policy(public_url).encode()
        self._csp_by_hashes: dict[tuple[str, ...], bytes] = {(): self._base_csp}

    def extra_headers(self, path: bytes, headers: dict[bytes, bytes]) -> list[tuple[bytes, bytes]]:
        extra = [(b"strict-transport-security", HSTS.encode())] if self.https else []
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media_type in _DOCUMENT_TYPES:
            extra += [(b"content-security-policy", self._csp(headers.get(b"etag"))),
                      (b"permissions-policy", PERMISSIONS_POLICY.encode()),
                      (b"cross-origin-opener-policy", b"same-origin")]
        elif path in _WORKER_PATHS:
            extra.append((b"content-security-policy", self._base_csp))
        return extra

    def _csp(self, etag: bytes | None) -> bytes:
        digests = self.index.hashes(etag) if etag else ()
        if digests not in self._csp_by_hashes:
            self._csp_by_hashes[digests] = content_security_policy(self.public_url, digests).encode()
        return self._csp_by_hashes[digests]
