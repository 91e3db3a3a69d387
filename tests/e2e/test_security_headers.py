"""The browser policy on the prod-mode app: every HTML document carries the Content-Security-Policy (and the
rest of the browser policy), injected script is refused, and other sites cannot frame the app. That the app
works under the policy is proved by the whole browser suite: tests/e2e/conftest.py fails any browser test
that causes a violation."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, Route

from citizen_app.core.headers import inline_script_hashes
from tests.conftest import take_csp_violations, wait_hydrated

REFLEX_PAGES = ["/", "/feedback", "/metro", "/feedback/1"]  # home, pillar pages, a dynamic route
STATIC_PAGES = ["/verify-offline/", "/offline.html", "/pay/sandbox/checkout?vnp_TxnRef=none"]


def fetch(url: str, encoding: str = "identity") -> tuple[dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            headers, body = dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # the sandbox answers a bad checkout with a 400 page
        headers, body = dict(error.headers), error.read()
    headers = {name.lower(): value for name, value in headers.items()}
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return headers, body.decode()


def directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


@pytest.mark.parametrize("path", REFLEX_PAGES + STATIC_PAGES)
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_every_html_document_has_the_policy(prod_app, path: str, encoding: str) -> None:
    headers, body = fetch(prod_app["url"] + path, encoding)
    assert headers["content-type"].startswith("text/html"), path
    policy = directives(headers["content-security-policy"])
    for name, sources in {"default-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'self'"],
                          "form-action": ["'self'"], "frame-ancestors": ["'none'"], "worker-src": ["'self'"],
                          "manifest-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"]}.items():
        assert policy[name] == sources, (path, name)
    assert policy["connect-src"] == ["'self'", prod_app["url"].replace("http://", "ws://")]
    assert "'unsafe-inline'" not in policy["script-src"]
    inline = {f"'sha256-{digest}'" for digest in inline_script_hashes(body)}
    if path in REFLEX_PAGES:
        assert inline, f"{path}: Reflex pages have inline scripts"
        assert set(policy["script-src"]) == {"'self'", "'unsafe-eval'", *inline}, path
    else:
        assert policy["script-src"] == ["'self'"], path
    assert "camera=(self)" in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # PUBLIC_URL is http here


def test_build_files_are_cached_for_a_year_and_pages_revalidated(prod_app) -> None:
    headers, body = fetch(prod_app["url"] + "/")
    assert headers["cache-control"] == "no-cache"
    built = sorted(set(re.findall(r'"(/assets/[^"]+\.(?:js|css))"', body)))
    assert len(built) > 5, body[:2000]
    for path in built:
        assert fetch(prod_app["url"] + path)[0]["cache-control"] == "public, max-age=31536000, immutable", path
    head = body.split("</head>")[0]
    assert 'src="/shell.js"' not in head and "cds-large" in head  # inline: no request before the first paint
    assert 'src="/session.js"' not in head and "cdsSession" in head
    brand = re.search(r'<img[^>]*src="/icons/icon-192.png"[^>]*>', body)
    assert brand and 'width="36"' in brand[0] and 'height="36"' in brand[0], brand  # sized without the CSS


def test_the_service_worker_script_has_a_policy(prod_app) -> None:
    headers, _ = fetch(prod_app["url"] + "/sw.js")
    assert directives(headers["content-security-policy"])["script-src"] == ["'self'"]


def test_injected_inline_script_is_refused(page: Page) -> None:
    page.goto("/")
    wait_hydrated(page)
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = true'; document.body.append(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected === undefined")
    reported = take_csp_violations()
    assert any("script-src" in line for line in reported), reported


def test_another_site_cannot_frame_the_app(browser: Browser, prod_app) -> None:
    """frame-ancestors 'none' alone: the proxy below strips X-Frame-Options, the older header that also says no."""
    context = browser.new_context(base_url=prod_app["url"])
    page = context.new_page()
    framed = f"{prod_app['url']}/offline.html"

    def without_x_frame_options(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={k: v for k, v in response.headers.items()
                                                  if k.lower() != "x-frame-options"})

    page.route(framed, without_x_frame_options)
    page.route("http://framer.test/", lambda route: route.fulfill(
        content_type="text/html", body=f'<!doctype html><title>framer</title><iframe src="{framed}"></iframe>'))
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto("http://framer.test/")
    page.wait_for_function("() => document.querySelector('iframe') !== null")
    page.wait_for_timeout(1500)
    frame = page.frames[-1]
    assert frame is not page.main_frame
    assert not frame.url.startswith(prod_app["url"]), "the app loaded inside another site's frame"
    assert any("frame-ancestors 'none'" in text for text in messages), messages
    take_csp_violations()  # the refusal above is the expected one
    context.close()
