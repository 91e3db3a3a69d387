"""HTTP routes of the payments pillar (Starlette, mounted at the root by the app's api_transformer).

* ``GET/POST /pay/sandbox/checkout`` — the sandbox gateway's hosted page (only when the sandbox is enabled)
* ``GET/POST /pay/sandbox/momo/pay`` and ``POST /pay/sandbox/momo/v2/gateway/api/{create,query,refund}`` — the
  MoMo-style sandbox gateway: hosted page and API (sandbox only)
* ``GET/POST /pay/sandbox/bank`` — the sandbox bank, where a tester transfers a VietQR code's amount (sandbox only)
* ``GET/POST /api/pay/ipn/{provider}`` — server-to-server notifications in query/form fields (VNPay-style)
* ``POST /api/pay/notify/{provider}`` — server-to-server notifications as a JSON body (MoMo IPN, bank feed)
* ``GET /pay/return/{provider}`` — browser return: verify, apply a signed cancel or decline, redirect to the
  order's page with a notice in plain words (a return never pays)
* ``GET /api/pay/receipt/{code}.pdf`` and ``.json`` — the receipt, as a PDF and as e-invoice-ready data
  (``cds_sid`` cookie): the payer, the owning agency's officials and finance staff, admins; 404 for anyone else,
  as for an unknown code
* ``GET /api/pay/admin/reconciliation.csv?from=YYYY-MM-DD&to=YYYY-MM-DD&view=days|methods|exceptions`` — the
  caller's agency (officials, finance staff) or every agency (admins)

Every HTML page here is rendered without any script (the pages' CSP allows none inline).
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
from citizen_app.core.http import (
    ANY_OBJECT,
    LANG_QUERY,
    REDIRECT,
    Call,
    Endpoint,
    json_content,
    media,
    obj,
    string,
)
from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.i18n.catalog import translate
from citizen_app.payments import bank, momo, sandbox, service
from citizen_app.payments.providers import Ack, payment_providers, sandbox_enabled
from citizen_app.payments.receipts import receipt_for, receipt_pdf
from citizen_app.payments.reports import CSV_VIEWS, reconciliation_csv

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
textarea{width:100%;font:inherit;box-sizing:border-box}
a{color:#0b5394;display:inline-block;min-height:44px;line-height:44px}
button:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #f90;outline-offset:2px}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<meta name="robots" content="noindex"><title>{title}</title><style>{_STYLE}</style></head><body>'
           f'<div class="banner" role="status">{_both("payments.sandbox.banner")}</div>'
           f'<main id="main"><h1>{title}</h1>{body}</main></body></html>')
    return HTMLResponse(doc, status_code=status, headers=NO_STORE)


def _back_link(url: str) -> str:
    return f'<p><a href="{html.escape(url)}" id="sandbox-back">{_both("payments.sandbox.back")}</a></p>'


def _decided_html(status: str, back: str) -> str:
    key = "payments.sandbox.cancelled" if status == "cancelled" else "payments.sandbox.already"
    return f'<p role="alert">{_both(key)}</p>{_back_link(back)}'


def _radio(name: str, value: str, label: str, checked: bool) -> str:
    mark = " checked" if checked else ""
    return f'<label><input type="radio" name="{name}" value="{value}"{mark}> {label}</label>'


def _checkout_form(checkout: sandbox.Checkout) -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in checkout.params.items())
    methods = (_radio("method", "card", f'{_both("payments.sandbox.card")} {sandbox.TEST_CARD}', True)
               + _radio("method", "ewallet", f'{_both("payments.sandbox.ewallet")} {sandbox.TEST_WALLET}', False))
    return (f'<form method="post" action="{sandbox.CHECKOUT_PATH}">{hidden}'
            f'<fieldset><legend>{_both("payments.sandbox.method")}</legend>{methods}</fieldset>'
            f'{_ipn_select(sandbox.IPN_MODES)}{_decision_buttons()}</form>')


def _ipn_select(modes: tuple[str, ...], key: str = "payments.sandbox.ipn") -> str:
    options = "".join(f'<option value="{m}">{_both(f"payments.sandbox.ipn_{m}")}</option>' for m in modes)
    return f'<label for="ipn_mode">{_both(key)}</label><select id="ipn_mode" name="ipn_mode">{options}</select>'


def _decision_buttons() -> str:
    buttons = [f'<button class="primary" type="submit" name="decision" value="approve">'
               f'{_both("payments.sandbox.approve")}</button>']
    buttons += [f'<button type="submit" name="decision" value="{d}">{_both(f"payments.sandbox.{d}")}</button>'
                for d in ("decline", "cancel", "abandon")]
    return f'<div class="actions">{"".join(buttons)}</div>'


def _facts(order: str, amount_vnd: int, info: str, expires_at) -> str:
    return (f'<dl><dt>{_both("payments.sandbox.order")}</dt><dd>{html.escape(order)}</dd>'
            f'<dt>{_both("payments.sandbox.amount")}</dt><dd><strong>{format_vnd(amount_vnd)}</strong></dd>'
            f'<dt>{_both("payments.sandbox.info")}</dt><dd>{html.escape(info)}</dd>'
            f'<dt>{_both("payments.sandbox.expires")}</dt><dd>{format_datetime(expires_at)}</dd></dl>')


def _checkout_html(checkout: sandbox.Checkout, back: str = "") -> HTMLResponse:
    facts = _facts(checkout.txn_ref, checkout.amount_vnd, checkout.order_info, checkout.expires_at)
    body = facts + (_checkout_form(checkout) if checkout.status == "pending" else _decided_html(checkout.status, back))
    return _page(_both("payments.sandbox.title"), body)


def _momo_html(checkout: momo.MomoCheckout, back: str = "") -> HTMLResponse:
    facts = _facts(checkout.order_id, checkout.amount_vnd, checkout.order_info, checkout.expires_at)
    form = (f'<form method="post" action="{momo.PAY_PATH}">'
            f'<input type="hidden" name="t" value="{html.escape(checkout.token)}">'
            f'<p>{_both("payments.sandbox.momo_wallet")} {sandbox.TEST_WALLET}</p>'
            f'{_ipn_select(momo.IPN_MODES)}{_decision_buttons()}</form>')
    body = facts + (form if checkout.status == "pending" else _decided_html(checkout.status, back))
    return _page(_both("payments.sandbox.momo_title"), body)


def _bank_html(payload: str, done: str = "") -> HTMLResponse:
    options = "".join(f'<option value="{m}">{_both(f"payments.sandbox.ipn_{m}")}</option>' for m in bank.FEED_MODES)
    body = ((f'<p role="status" id="bank-done">{done}</p>' if done else "")
            + f'<form method="post" action="{bank.PAGE_PATH}">'
            f'<label for="payload">{_both("payments.sandbox.bank_payload")}</label>'
            f'<textarea id="payload" name="payload" rows="4" required>{html.escape(payload)}</textarea>'
            f'<p>{_both("payments.sandbox.bank_from")}: {bank.SANDBOX_SENDER}</p>'
            f'<label for="feed">{_both("payments.sandbox.bank_feed")}</label>'
            f'<select id="feed" name="feed">{options}</select>'
            f'<div class="actions"><button class="primary" type="submit" id="bank-transfer">'
            f'{_both("payments.sandbox.bank_transfer")}</button></div></form>')
    return _page(_both("payments.sandbox.bank_title"), body)


def _error_page(exc: DomainError) -> HTMLResponse:
    return _page(_both("payments.sandbox.error_title"), f'<p role="alert">{_both(exc.code, **exc.params)}</p>', 400)


def _ack_response(ack: Ack) -> Response:
    if ack.body is None:
        return Response(status_code=ack.status_code, headers=NO_STORE)
    return JSONResponse(ack.body, status_code=ack.status_code, headers=NO_STORE)


def _provider(provider_id: str, notification_format: str) -> str:
    """The provider whose notifications come in this format; any other is not found."""
    try:
        provider = payment_providers.get(provider_id)
    except DomainError:
        raise NotFound("payments.unknown_provider", provider=provider_id[:32]) from None
    if provider.notification_format != notification_format:
        raise NotFound("payments.unknown_provider", provider=provider_id[:32])
    return provider.id


def build_routes(sessions: SessionFactory = session_scope,
                 dispatcher: sandbox.IpnDispatcher | None = None) -> list[BaseRoute]:
    """The routes, bound to a session factory and an IPN dispatcher (tests pass their own)."""

    def ipn() -> sandbox.IpnDispatcher:
        return dispatcher or sandbox.ipn_dispatcher

    def sandbox_only() -> None:
        if not sandbox_enabled():
            raise NotFound()

    async def checkout_page(call: Call) -> Response:
        sandbox_only()
        params = dict(call.request.query_params)
        try:
            with sessions() as db:
                checkout = sandbox.open_checkout(db, params)
                back = sandbox.back_to_merchant(db, params) if checkout.status != "pending" else ""
        except DomainError as exc:
            return _error_page(exc)
        return _checkout_html(checkout, back)

    async def checkout_submit(call: Call) -> Response:
        sandbox_only()
        form = call.body
        params = {k: v for k, v in form.items() if k.startswith("vnp_")}
        try:
            with sessions() as db:
                decision = sandbox.decide(db, params, form.get("decision", ""), form.get("method", ""),
                                          form.get("ipn_mode", ""))
        except DomainError as exc:
            if exc.code != "payments.sandbox_already_decided":
                return _error_page(exc)
            with sessions() as db:  # decided or cancelled meanwhile (another tab): say so, with the way back
                return _checkout_html(sandbox.open_checkout(db, params), sandbox.back_to_merchant(db, params))
        ipn().dispatch(decision.ipn_url, decision.ipn_mode)  # after commit: the ledger is visible
        return RedirectResponse(decision.redirect_url, status_code=303, headers=NO_STORE)

    async def momo_page(call: Call) -> Response:
        sandbox_only()
        try:
            with sessions() as db:
                checkout = momo.open_checkout(db, call.query("t"))
                back = momo.back_to_merchant(db, checkout.token) if checkout.status != "pending" else ""
        except DomainError as exc:
            return _error_page(exc)
        return _momo_html(checkout, back)

    async def momo_submit(call: Call) -> Response:
        sandbox_only()
        form = call.body
        try:
            with sessions() as db:
                decision = momo.decide(db, form.get("t", ""), form.get("decision", ""), form.get("ipn_mode", ""))
        except DomainError as exc:
            if exc.code != "payments.sandbox_already_decided":
                return _error_page(exc)
            with sessions() as db:
                checkout = momo.open_checkout(db, form.get("t", ""))
                return _momo_html(checkout, momo.back_to_merchant(db, checkout.token))
        ipn().dispatch(decision.ipn_url, decision.ipn_mode, decision.ipn_body)
        return RedirectResponse(decision.redirect_url, status_code=303, headers=NO_STORE)

    def momo_api(handler: Callable[[Session, dict[str, Any]], dict[str, Any]]) -> Callable[[Call], Any]:
        async def serve(call: Call) -> dict[str, Any]:
            sandbox_only()
            with sessions() as db:
                return handler(db, call.body)

        serve.__name__ = f"momo_{handler.__name__}"
        serve.__module__ = __name__
        return serve

    async def bank_page(call: Call) -> Response:
        sandbox_only()
        return _bank_html(call.query("payload"))

    async def bank_submit(call: Call) -> Response:
        sandbox_only()
        payload, feed = str(call.body.get("payload", "")), str(call.body.get("feed", "now"))
        try:
            with sessions() as db:
                txn = bank.transfer(db, payload)
                message = bank.feed_message(txn)
        except DomainError as exc:
            return _error_page(exc)
        ipn().dispatch(bank.feed_url(), feed if feed in bank.FEED_MODES else "now", message)
        done = _both("payments.sandbox.bank_done", amount=format_vnd(txn.amount_vnd), note=txn.note, txn=txn.txn_no)
        return _bank_html("", done)

    async def notify(call: Call, provider_id: str, params: dict[str, Any]) -> Response:
        try:
            with sessions() as db:
                result = service.handle_notification(db, provider_id, params)
        except Exception:  # a fulfilment error: roll back, log, ask the gateway to retry
            log.exception("payments: notification handling failed")
            with sessions() as db:
                ack = service.record_notification_error(db, provider_id, params)
            return _ack_response(ack)
        return _ack_response(result.ack)

    async def notification(call: Call) -> Response:
        provider_id = _provider(call.path("provider"), "form")
        return await notify(call, provider_id, {**call.request.query_params, **call.body})

    async def json_notification(call: Call) -> Response:
        provider_id = _provider(call.path("provider"), "json")
        return await notify(call, provider_id, dict(call.body))

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

    async def receipt_data(call: Call) -> dict[str, Any]:
        with sessions() as db:
            return receipt_for(db, call.user_id, call.path("code"), call.lang).as_data()

    async def reconciliation(call: Call) -> Response:
        try:
            start = date.fromisoformat(call.query("from"))
            end = date.fromisoformat(call.query("to"))
        except ValueError:
            raise DomainError("payments.report_range_invalid", days=366) from None
        view = call.query("view", "days")
        with sessions() as db:
            text = reconciliation_csv(db, call.user_id, start, end, view if view in CSV_VIEWS else "days", call.lang)
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="doi-soat-{view}-{start}-{end}.csv"'}
        return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers=headers)

    staff: dict[str, Any] = {"auth": "session", "sessions": sessions}
    vnp = {"type": "object", "additionalProperties": string(255)}  # signed gateway fields: verified as sent
    html = media("text/html")
    decisions = string(enum=list(sandbox.DECISIONS))
    momo_paths = {momo.CREATE: momo.api_create, momo.QUERY: momo.api_query, momo.REFUND: momo.api_refund}
    return [
        Endpoint(sandbox.CHECKOUT_PATH, checkout_page, summary="The sandbox gateway's hosted payment page",
                 query={"vnp_TxnRef": string(), "vnp_Amount": string(), "vnp_SecureHash": string()},
                 responses={200: html, 400: html}, errors=(404,), clean=False),
        Endpoint(sandbox.CHECKOUT_PATH, checkout_submit, methods=("POST",),
                 summary="Approve, decline, cancel or leave", form={**vnp, "properties": {"decision": decisions}},
                 responses={303: REDIRECT, 200: html, 400: html}, errors=(404,), clean=False),
        Endpoint(momo.PAY_PATH, momo_page, summary="The MoMo-style sandbox wallet's hosted page",
                 query={"t": string(200)}, responses={200: html, 400: html}, errors=(404,)),
        Endpoint(momo.PAY_PATH, momo_submit, methods=("POST",), summary="Approve, decline, cancel or leave (MoMo)",
                 form=obj(t=string(200), decision=decisions, ipn_mode=string(enum=list(momo.IPN_MODES))),
                 responses={303: REDIRECT, 200: html, 400: html}, errors=(404,)),
        *[Endpoint(f"{momo.SANDBOX_BASE}{path}", momo_api(handler), methods=("POST",), body=ANY_OBJECT,
                   summary=f"The MoMo-style sandbox gateway's API: {path.rsplit('/', 1)[1]}", clean=False,
                   responses={200: json_content(obj(("resultCode",), resultCode={"type": "integer"}))},
                   errors=(404,)) for path, handler in momo_paths.items()],
        Endpoint(bank.PAGE_PATH, bank_page, summary="The sandbox bank: transfer a VietQR code's amount",
                 query={"payload": string(512)}, responses={200: html}, errors=(404,)),
        Endpoint(bank.PAGE_PATH, bank_submit, methods=("POST",), summary="Transfer (sandbox bank)",
                 form=obj(payload=string(512), feed=string(enum=list(bank.FEED_MODES))),
                 responses={200: html, 400: html}, errors=(404,)),
        Endpoint("/api/pay/ipn/{provider}", notification, methods=("GET", "POST"),
                 summary="Payment notification from the gateway (answered in the gateway's format)", form=vnp,
                 responses={200: json_content(_ACK), 400: json_content(_ACK)}, errors=(404,), clean=False,
                 notes="The answer to a valid request is the gateway's acknowledgement ({RspCode, Message})."),
        Endpoint("/api/pay/notify/{provider}", json_notification, methods=("POST",), body=ANY_OBJECT,
                 summary="Payment notification as JSON (MoMo-style IPN, bank statement feed)",
                 responses={200: json_content(ANY_OBJECT), 204: {}, 400: json_content(ANY_OBJECT),
                            401: json_content(ANY_OBJECT)}, errors=(404,), clean=False,
                 notes="Answered as the sender expects: MoMo 204 No Content, the bank feed {success}."),
        Endpoint("/pay/return/{provider}", browser_return, summary="The browser's return from the gateway",
                 responses={303: REDIRECT}, clean=False),
        Endpoint("/api/pay/receipt/{code}.pdf", receipt, summary="A payment receipt (owner, official or admin)",
                 query=LANG_QUERY, responses={200: media("application/pdf")}, **staff),
        Endpoint("/api/pay/receipt/{code}.json", receipt_data, query=LANG_QUERY,
                 summary="A payment receipt as e-invoice-ready data (owner, official or admin)",
                 responses={200: json_content(obj(("number", "seller", "lines", "total")))}, **staff),
        Endpoint("/api/pay/admin/reconciliation.csv", reconciliation, summary="Reconciliation CSV (staff)",
                 query={"from": string(format="date"), "to": string(format="date"),
                        "view": string(enum=list(CSV_VIEWS)), **LANG_QUERY},
                 required_query=("from", "to"), responses={200: media("text/csv")}, **staff),
    ]


_ACK = obj(("RspCode",), RspCode=string(), Message=string())

ROUTES: list[BaseRoute] = build_routes()
