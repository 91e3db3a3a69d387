"""Connect the procedures pillar to the others, once per process (``install()``, run by ``registry.install_wiring``).

* ``hooks.ACTIVITY`` -> the citizen's hash-chained activity log: her consents (given, revoked, expired), every
  helper action under them and every official's view of her dossiers, in words with names and dossier numbers;
* ``hooks.NOTIFY`` -> in-app and push notifications on topic ``dossier_status``;
* payments' ``procedure_fee`` fulfilment -> ``service.mark_fee_paid`` (inside the paid transaction), the receipt's
  lines (dossier and procedure) and the paid fees reconciliation checks against the orders;
* the trust register: a receipt's public facts are read live (``documents.receipt_facts``), a revoked result revokes
  its credentials (``documents.on_document_revoked``), and a named person's credential links to their record.

The catalogue and the agency-kind mapping are loaded here too, so a broken data file stops start-up.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.i18n.catalog import catalog as messages
from citizen_app.identity.activity import record_activity
from citizen_app.identity.models import ActivityEntry, Agency, UserAccount
from citizen_app.notify.service import notify
from citizen_app.payments.service import fulfilments
from citizen_app.procedures import documents, flow, named, wallet_result
from citizen_app.procedures.catalog import agency_kinds, catalog
from citizen_app.procedures.hooks import ACTIVITY, NOTIFY, ActivityEvent, Notice
from citizen_app.procedures.models import ProcDossier, ProcHelperConsent
from citizen_app.procedures.statuses import status_table
from citizen_app.trust import service as trust
from citizen_app.wallet import service as wallet_service

log = logging.getLogger(__name__)
TOPIC = "dossier_status"
# Activity-log kind of each action that is not a helper's action on a dossier (those are "helper_action").
KINDS = {"consent_granted": "consent_given", "consent_revoked": "consent_revoked",
         "consent_expired": "consent_expired", "official_viewed": "official_access"}
REPEAT_WINDOW = timedelta(minutes=30)  # the same action by the same person on the same dossier: one line


def _names(codes: list[str]) -> dict[str, str]:
    procs = catalog()
    return {lang: ", ".join(procs[c].name[lang] for c in codes if c in procs) for lang in ("vi", "en")}


def _consent_words(db: Session, consent: ProcHelperConsent) -> dict[str, Any]:
    helper = db.get(UserAccount, consent.helper_id)
    scope = messages().get(f"procedures.scope_phrase.{consent.scope}", {"vi": consent.scope, "en": consent.scope})
    return {"helper": helper.full_name if helper else "", "procedures": _names(consent.procedures),
            "scope": dict(scope), "until": format_datetime(consent.expires_at)}


def activity_params(db: Session, event: ActivityEvent) -> dict[str, Any]:
    """Names, never ids: who acted (and their agency), the dossier number and procedure, the consent's terms."""
    params: dict[str, Any] = {}
    actor = db.get(UserAccount, event.actor_id) if event.actor_id else None
    if actor is not None:
        params["actor"] = actor.full_name
        agency = db.get(Agency, actor.agency_id) if actor.agency_id else None
        if agency is not None:
            params["agency"] = {"vi": agency.name_vi, "en": agency.name_en}
    dossier = db.get(ProcDossier, event.dossier_id) if event.dossier_id else None
    if dossier is not None:
        proc = catalog().get(dossier.procedure_code)
        params["number"] = dossier.number
        params["procedure"] = dict(proc.name) if proc else {"vi": "", "en": ""}
    consent = db.get(ProcHelperConsent, event.consent_id) if event.consent_id else None
    if consent is not None:
        params.update(_consent_words(db, consent))
    return params


def _summary_key(action: str) -> str:
    key = f"procedures.log.{action}"
    return key if key in messages() else "procedures.log.other"


def _repeats_last(db: Session, user_id: int, key: str, params: dict[str, Any], actor_id: int | None) -> bool:
    """A volunteer saving page after page writes one line ("filled in dossier N"), not eight."""
    query = select(ActivityEntry).where(ActivityEntry.user_id == user_id)
    last = db.exec(query.order_by(col(ActivityEntry.seq).desc()).limit(1)).first()
    if last is None or last.summary_key != key or last.actor_id != actor_id or "number" not in params:
        return False
    return f'"number":"{params["number"]}"' in last.params_json and last.created_at > utcnow() - REPEAT_WINDOW


def record_citizen_activity(event: ActivityEvent) -> None:
    """One plain-language line in the citizen's own hash-chained log, inside the caller's transaction."""
    if event.session is None:
        return
    db = event.session
    try:
        with db.begin_nested():
            key, params, kind = _summary_key(event.action), activity_params(db, event), KINDS.get(event.action)
            if kind is None and _repeats_last(db, event.subject_id, key, params, event.actor_id):
                return  # officials' views are thinned out by the back office itself (``VIEW_WINDOW``)
            record_activity(db, event.subject_id, kind or "helper_action", key, params, actor_id=event.actor_id)
    except Exception:  # receivers must not break the citizen's action
        log.exception("procedures: activity hook failed")


def send_notice(notice: Notice) -> None:
    if notice.session is None:
        return
    params = dict(notice.params)
    if isinstance(params.get("status"), int):
        code = params["status"]
        params["status"] = status_table().statuses[code].vi
    url = notice.url or (f"/procedures/dossiers/{notice.dossier_id}" if notice.dossier_id else "/procedures/mine")
    try:
        with notice.session.begin_nested():
            notify(notice.session, notice.user_id, TOPIC, "procedures.notice_title", notice.key, params, url)
    except Exception:  # a notification problem must not undo the official's action
        log.exception("procedures: notify hook failed")


def install() -> None:
    catalog()
    agency_kinds()
    status_table()
    ACTIVITY.connect(record_citizen_activity)
    NOTIFY.connect(send_notice)
    if flow.FEE_KIND not in fulfilments.paid:
        fulfilments.on_paid(flow.FEE_KIND)(flow.on_fee_paid)
        fulfilments.describes(flow.FEE_KIND)(flow.fee_lines)
        fulfilments.lists_fulfilled(flow.FEE_KIND)(flow.fees_paid)
    trust.LIVE_FACTS["receipt"] = documents.receipt_facts
    trust.DOCUMENT_REVOKED.connect(documents.on_document_revoked)
    wallet_service.CREDENTIAL_LINKS.connect(named.credential_links)
    wallet_service.CREDENTIAL_LINKS.connect(wallet_result.result_links)
