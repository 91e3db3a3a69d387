"""The OpenID4VCI authorization endpoint (rules in ``oid4vci_authorize.py``): a wallet sends the citizen here; the
citizen signs in with the app's own login if needed (``/login?next=…``), sees which wallet asks for which
credentials, in words, and consents or refuses; the wallet gets a code (or an OAuth error) at its registered
redirect URI. A request whose wallet or redirect URI we cannot trust is answered on our own page.
"""

from __future__ import annotations

import base64
import html
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.config import settings
from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import Call, Endpoint, media, obj, string
from citizen_app.i18n.catalog import LANG_COOKIE, lang_from_accept_language, normalize_lang, translate
from citizen_app.wallet import oid4vci
from citizen_app.wallet import oid4vci_authorize as authz
from citizen_app.wallet.issuer import issuer_id

PATH = oid4vci.PATHS["authorize"]
RESUME_COOKIE = "cds_vci_authz"  # the request's parameters while the citizen signs in (the login's next is short)
PARAMS = ("response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope",
          "authorization_details", "issuer_state", "resource")
# The URL holds the wallet's request: no Referer leaves for another site. Not "no-referrer": browsers then send
# ``Origin: null`` with the consent form's POST, which the same-origin check refuses.
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f5f5f5;color:#111;font-size:1.05rem}
main{max-width:560px;margin:16px auto;background:#fff;padding:16px 20px;border-radius:8px}
ul{padding-left:1.2em}li{margin:4px 0}.claims{color:#444;font-size:.95rem}
.actions{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}
button{min-height:44px;min-width:44px;padding:0 18px;font-size:1rem;border-radius:6px;border:2px solid #333;
cursor:pointer;background:#fff}
button.primary{background:#0b5394;color:#fff;border-color:#0b5394}
a{color:#0b5394;display:inline-block;min-height:44px;line-height:44px}
button:focus-visible,a:focus-visible{outline:3px solid #f90;outline-offset:2px}
"""


def _lang(call: Call) -> str:
    chosen = call.cookies.get(LANG_COOKIE)
    return normalize_lang(chosen) if chosen else lang_from_accept_language(call.request.headers.get("accept-language"))


def _t(key: str, lang: str, **params: object) -> str:
    return html.escape(translate(key, lang, **params))


def _page(title: str, body: str, lang: str, status: int = 200, form_target: str = "") -> HTMLResponse:
    doc = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<meta name="robots" content="noindex"><title>{title}</title><style>{_STYLE}</style></head><body>'
           f'<main id="main"><h1>{title}</h1>{body}</main></body></html>')
    # The consent form posts here and is answered with a redirect to the wallet: browsers check form-action
    # against that redirect too, so the policy names the (validated) redirect target.
    csp = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; "
           f"form-action 'self'{' ' + form_target if form_target else ''}")
    return HTMLResponse(doc, status_code=status, headers={**_HEADERS, "Content-Security-Policy": csp})


def _error_page(exc: DomainError, lang: str, status: int = 400) -> HTMLResponse:
    body = f'<p role="alert" id="authz-error">{_t(exc.code, lang, **exc.params)}</p><p><a href="/">' \
           f'{_t("identity.oid4vci.authz_home", lang)}</a></p>'
    return _page(_t("identity.oid4vci.authz_error_title", lang), body, lang, status)


def _to_wallet(redirect_uri: str, params: dict[str, str]) -> RedirectResponse:
    return RedirectResponse(authz.response_uri(redirect_uri, {**params, "iss": issuer_id()}), status_code=303,
                            headers=_HEADERS)


def _refused(request: authz.AuthorizationRequest | None, params: dict[str, str], exc: authz.RedirectRefusal,
             ) -> RedirectResponse:
    redirect_uri = request.redirect_uri if request else authz.check_client(params)[1]
    return _to_wallet(redirect_uri, {"error": exc.oauth, "error_description": translate(exc.code, "en"),
                                     "state": params.get("state", "")})


def _form_target(redirect_uri: str) -> str:
    parts = urlsplit(redirect_uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else f"{parts.scheme}:"


def _consent_page(request: authz.AuthorizationRequest, params: dict[str, str], kinds: tuple[str, ...],
                  lang: str) -> HTMLResponse:
    items = "".join(
        f'<li><strong>{_t(f"identity.kind.{kind}", lang)}</strong><br><span class="claims">'
        f'{", ".join(_t(f"identity.claim.{name}", lang) for name in oid4vci.CLAIM_NAMES[kind])}</span></li>'
        for kind in kinds)
    hidden = "".join(f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
                     for name in PARAMS if params.get(name))
    who = request.client.name.model_dump()[lang]
    body = (f'<p id="authz-who">{_t("identity.oid4vci.authz_asks", lang, wallet=who)}</p>'
            f'<ul id="authz-kinds">{items}</ul><p>{_t("identity.oid4vci.authz_explain", lang)}</p>'
            f'<form method="post" action="{PATH}">{hidden}<div class="actions">'
            f'<button class="primary" type="submit" name="decision" value="allow" id="authz-allow">'
            f'{_t("identity.oid4vci.authz_allow", lang)}</button>'
            f'<button type="submit" name="decision" value="deny" id="authz-deny">'
            f'{_t("identity.oid4vci.authz_deny", lang)}</button></div></form>')
    return _page(_t("identity.oid4vci.authz_title", lang), body, lang, form_target=_form_target(request.redirect_uri))


def _params(raw: dict[str, str]) -> dict[str, str]:
    return {name: str(raw[name]) for name in PARAMS if raw.get(name)}


def _kept(cookie: str) -> dict[str, str]:
    try:
        return dict(parse_qsl(base64.urlsafe_b64decode(cookie.encode()).decode()))
    except (ValueError, UnicodeDecodeError):
        return {}


def _to_login(params: dict[str, str]) -> RedirectResponse:
    response = RedirectResponse("/login?" + urlencode({"next": f"{PATH}?resume=1"}), status_code=303,
                                headers=_HEADERS)
    # base64url: a cookie value without the quoting that '=', ',' or ';' would need
    kept = base64.urlsafe_b64encode(urlencode(params).encode()).decode()
    response.set_cookie(RESUME_COOKIE, kept, max_age=600, path=PATH, httponly=True,
                        secure=settings().cookie_secure, samesite="lax")
    return response


async def authorize(call: Call) -> Response:
    """GET: the wallet's authorization request (or, back from the login, the one kept in the resume cookie)."""
    lang = _lang(call)
    resumed = call.query("resume") == "1" and RESUME_COOKIE in call.cookies
    params = _params(_kept(call.cookies[RESUME_COOKIE]) if resumed else call.queries())
    request = None
    try:
        request = authz.check_request(params)
        if call.user_id is None:
            return _to_login(params)
        with session_scope() as db:
            kinds = authz.kinds_for(db, request, call.user_id)
        response: Response = _consent_page(request, params, kinds, lang)
    except authz.PageRefusal as exc:
        return _error_page(exc, lang)
    except authz.RedirectRefusal as exc:
        response = _refused(request, params, exc)
    if resumed:
        response.delete_cookie(RESUME_COOKIE, path=PATH, httponly=True, secure=settings().cookie_secure,
                               samesite="lax")
    return response


async def consent(call: Call) -> Response:
    """POST (the consent form, same origin, signed in): ``decision=allow`` -> a code for the wallet; else
    ``access_denied``."""
    params = _params(call.body)
    request = None
    try:
        request = authz.check_request(params)
        if call.body.get("decision") != "allow":
            return _to_wallet(request.redirect_uri, {"error": "access_denied", "state": request.state})
        with session_scope() as db:
            code = authz.grant_code(db, request, call.user_id)
    except authz.PageRefusal as exc:
        return _error_page(exc, _lang(call))
    except authz.RedirectRefusal as exc:
        return _refused(request, params, exc)
    return _to_wallet(request.redirect_uri, {"code": code, "state": request.state})


def _refusal_page(request: Request, status: int, exc: DomainError) -> Response:
    lang = normalize_lang(request.cookies.get(LANG_COOKIE) or
                          lang_from_accept_language(request.headers.get("accept-language")))
    return _error_page(exc, lang, status)


_QUERY = {name: string(2000) for name in PARAMS} | {"resume": string(1)}
_HTML_PAGE = media("text/html")
_HTML = {200: _HTML_PAGE, 303: {}, 400: _HTML_PAGE}
_PAGES: dict = {"error_renderer": _refusal_page, "error_content": _HTML_PAGE, "responses": _HTML}

ROUTES: list[BaseRoute] = [
    Endpoint(PATH, authorize, auth="session", query=_QUERY, errors=(400,), **_PAGES,
             summary="OpenID4VCI authorization endpoint (authorization code + PKCE S256): sign-in and consent page"),
    Endpoint(PATH, consent, methods=("POST",), auth="cookie", form=obj((), decision=string(10), **_QUERY),
             errors=(400,), **_PAGES,
             summary="OpenID4VCI authorization consent (the citizen allows or refuses; redirects to the wallet)"),
]
