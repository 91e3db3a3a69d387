"""HTTP routes of the payments pillar (Starlette, mounted at the root by the app's api_transformer).

* ``GET/POST /pay/sandbox/checkout`` — the sandbox gateway's hosted page (only when the sandbox is enabled)
* ``GET/POST /api/pay/ipn/{provider}`` — server-to-server notifications; answers in the gateway's format
* ``GET /pay/return/{provider}`` — browser return: verify, then redirect to the order's page (changes nothing)
* ``GET /api/pay/receipt/{code}.pdf`` — the receipt PDF (``cds_sid`` cookie): the payer, the owning agency's
  officials and finance staff, admins; 404 for anyone else, as for an unknown code
* ``GET /api/pay/admin/reconciliation.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`` — summary of the caller's agency
  (officials, finance staff) or of every agency (admins)
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.http import LANG_QUERY, REDIRECT, Call, Endpoint, json_content, media, obj, string
from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.i18n.catalog import translate
from citizen_app.payments import sandbox, service
from citizen_app.payments.providers import sandbox_enabled
from citizen_app.payments.receipts import receipt_for, receipt_pdf
from citizen_app.payments.reports import reconciliation_summary, summary_csv

log = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]
NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def _both(key: str, **params: object) -> str:
    """'Tiếng Việt / English' for the sandbox page, which always shows both languages."""
    vi, en = translate(key, "vi", **params), translate(key, "en", **params)
    return html.escape(vi if vi == en else f"{vi} / {en}")


_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f5f5f5;color:#111;font-size:1.05rem}
.banner{background:#b00020;color:#fff;padding:12px 16px;font-weight:700;text-align:center}
main{max-width:560px;margin:16px auto;background:#fff;padding:16px 20px;border-radius:8px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 12px}dt{color:#555}dd{margin:0}
fieldset{border:1px solid #ccc;border-radius:6px;margin:12px 0;padding:8px 12px}
label{display:flex;align-items:center;gap:8px;min-height:44px}
input[type=radio]{width:22px;height:22px}
select{min-height:44px;font-size:1rem;width:100%}
.actions{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}
button{min-height:44px;min-width:44px;padding:0 18px;font-size:1rem;border-radius:6px;border:2px solid #333;
cursor:pointer;background:#fff}
button.primary{background:#0b5394;color:#fff;border-color:#0b5394}
button:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #f90;outline-offset:2px}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<meta name="robots" content="noindex"><title>{title}</title><style>{_STYLE}</style></head><body>'
           f'<div class="banner" role="status">{_both("payments.sandbox.banner")}</div>'
           f'<main id="main"><h1>{title}</h1>{body}</main></body></html>')
    return HTMLResponse(doc, status_code=status, headers=NO_STORE)


def _radio(name: str, value: str, label: str, checked: bool) -> str:
    mark = " checked" if checked else ""
    return f'<label><input type="radio" name="{name}" value="{value}"{mark}> {label}</label>'


def _checkout_form(checkout: sandbox.Checkout) -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in checkout.params.items())
    methods = (_radio("method", "card", f'{_both("payments.sandbox.card")} {sandbox.TEST_CARD}', True)
               + _radio("method", "ewallet", f'{_both("payments.sandbox.ewallet")} {sandbox.TEST_WALLET}', False))
    options = "".join(f'<option value="{m}">{_both(f"payments.sandbox.ipn_{m}")}</option>' for m in sandbox.IPN_MODES)
    buttons = (f'<button class="primary" type="submit" name="decision" value="approve">'
               f'{_both("payments.sandbox.approve")}</button>'
               f'<button type="submit" name="decision" value="decline">{_both("payments.sandbox.decline")}</button>'
               f'<button type="submit" name="decision" value="abandon">{_both("payments.sandbox.abandon")}</button>')
    return (f'<form method="post" action="{sandbox.CHECKOUT_PATH}">{hidden}'
            f'<fieldset><legend>{_both("payments.sandbox.method")}</legend>{methods}</fieldset>'
            f'<label for="ipn_mode">{_both("payments.sandbox.ipn")}</label>'
            f'<select id="ipn_mode" name="ipn_mode">{options}</select>'
            f'<div class="actions">{buttons}</div></form>')


def _checkout_html(checkout: sandbox.Checkout) -> HTMLResponse:
    facts = (f'<dl><dt>{_both("payments.sandbox.order")}</dt><dd>{html.escape(checkout.txn_ref)}</dd>'
             f'<dt>{_both("payments.sandbox.amount")}</dt><dd><strong>{format_vnd(checkout.amount_vnd)}</strong></dd>'
             f'<dt>{_both("payments.sandbox.info")}</dt><dd>{html.escape(checkout.order_info)}</dd>'
             f'<dt>{_both("payments.sandbox.expires")}</dt><dd>{format_datetime(checkout.expires_at)}</dd></dl>')
    body = facts + (_checkout_form(checkout) if checkout.status == "pending"
                    else f'<p role="alert">{_both("payments.sandbox.already")}</p>')
    return _page(_both("payments.sandbox.title"), body)


def _error_page(exc: DomainError) -> HTMLResponse:
    return _page(_both("payments.sandbox.error_title"), f'<p role="alert">{_both(exc.code, **exc.params)}</p>', 400)


def build_routes(sessions: SessionFactory = session_scope,
                 dispatcher: sandbox.IpnDispatcher | None = None) -> list[BaseRoute]:
    """The routes, bound to a session factory and an IPN dispatcher (tests pass their own)."""

    def ipn() -> sandbox.IpnDispatcher:
        return dispatcher or sandbox.ipn_dispatcher

    async def checkout_page(call: Call) -> Response:
        if not sandbox_enabled():
            raise NotFound()
        try:
            with sessions() as db:
                checkout = sandbox.open_checkout(db, dict(call.request.query_params))
        except DomainError as exc:
            return _error_page(exc)
        return _checkout_html(checkout)

    async def checkout_submit(call: Call) -> Response:
        if not sandbox_enabled():
            raise NotFound()
        form = call.body
        params = {k: v for k, v in form.items() if k.startswith("vnp_")}
        try:
            with sessions() as db:
                decision = sandbox.decide(db, params, form.get("decision", ""), form.get("method", ""),
                                          form.get("ipn_mode", ""))
        except DomainError as exc:
            return _error_page(exc)
        ipn().dispatch(decision.ipn_url, decision.ipn_mode)  # after commit: the ledger is visible
        return RedirectResponse(decision.redirect_url, status_code=303, headers=NO_STORE)

    async def notification(call: Call) -> Response:
        provider_id = call.path("provider")
        params = {**call.request.query_params, **call.body}
        try:
            with sessions() as db:
                result = service.handle_notification(db, provider_id, params)
        except DomainError as exc:
            if exc.code.endswith("unknown_provider"):
                raise NotFound(exc.code) from None
            raise
        except Exception:  # a fulfilment error: roll back, log, ask the gateway to retry
            log.exception("payments: notification handling failed")
            with sessions() as db:
                ack = service.record_notification_error(db, provider_id, params)
            return JSONResponse(ack.body, status_code=ack.status_code)
        return JSONResponse(result.ack.body, status_code=result.ack.status_code)

    async def browser_return(call: Call) -> Response:
        try:
            with sessions() as db:
                result = service.handle_return(db, call.path("provider"), dict(call.request.query_params))
        except DomainError:
            return RedirectResponse("/?pay_notice=unknown", status_code=303)
        return RedirectResponse(result.redirect_path, status_code=303, headers=NO_STORE)

    async def receipt(call: Call) -> Response:
        with sessions() as db:
            data = receipt_for(db, call.user_id, call.path("code"), call.lang)
        pdf = receipt_pdf(data)
        headers = {**NO_STORE, "Content-Disposition": f'inline; filename="bien-lai-{data.order_code}.pdf"'}
        return Response(pdf, media_type="application/pdf", headers=headers)

    async def reconciliation(call: Call) -> Response:
        try:
            start = date.fromisoformat(call.query("from"))
            end = date.fromisoformat(call.query("to"))
        except ValueError:
            raise DomainError("payments.report_range_invalid", days=366) from None
        with sessions() as db:
            rows = reconciliation_summary(db, call.user_id, start, end)
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="doi-soat-{start}-{end}.csv"'}
        return Response("\ufeff" + summary_csv(rows, call.lang), media_type="text/csv; charset=utf-8", headers=headers)

    staff: dict[str, Any] = {"auth": "session", "sessions": sessions}
    vnp = {"type": "object", "additionalProperties": string(255)}  # signed gateway fields: verified as sent
    html = media("text/html")
    return [
        Endpoint(sandbox.CHECKOUT_PATH, checkout_page, summary="The sandbox gateway's hosted payment page",
                 query={"vnp_TxnRef": string(), "vnp_Amount": string(), "vnp_SecureHash": string()},
                 responses={200: html, 400: html}, errors=(404,), clean=False),
        Endpoint(sandbox.CHECKOUT_PATH, checkout_submit, methods=("POST",), summary="Approve, decline or abandon",
                 form={**vnp, "properties": {"decision": string(enum=["approve", "decline", "abandon"])}},
                 responses={303: REDIRECT, 400: html}, errors=(404,), clean=False),
        Endpoint("/api/pay/ipn/{provider}", notification, methods=("GET", "POST"),
                 summary="Payment notification from the gateway (answered in the gateway's format)", form=vnp,
                 responses={200: json_content(_ACK), 400: json_content(_ACK)}, clean=False,
                 notes="The answer to a valid request is the gateway's acknowledgement ({RspCode, Message})."),
        Endpoint("/pay/return/{provider}", browser_return, summary="The browser's return from the gateway",
                 responses={303: REDIRECT}, clean=False),
        Endpoint("/api/pay/receipt/{code}.pdf", receipt, summary="A payment receipt (owner, official or admin)",
                 query=LANG_QUERY, responses={200: media("application/pdf")}, **staff),
        Endpoint("/api/pay/admin/reconciliation.csv", reconciliation, summary="Daily reconciliation (staff)",
                 query={"from": string(format="date"), "to": string(format="date"), **LANG_QUERY},
                 required_query=("from", "to"), responses={200: media("text/csv")}, **staff),
    ]


_ACK = obj(("RspCode",), RspCode=string(), Message=string())

ROUTES: list[BaseRoute] = build_routes()
