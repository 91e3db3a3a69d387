"""Connect the procedures pillar to the others, once per process (imported by ``state.py`` and ``api.py``).

* ``HOOKS.activity`` -> the citizen's hash-chained activity log (every helper action is shown to them);
* ``HOOKS.notify`` -> in-app and push notifications on topic ``dossier_status``;
* payments' ``procedure_fee`` fulfilment -> ``service.mark_fee_paid`` (inside the paid transaction);
* the trust register: a receipt's public facts are read live (``documents.receipt_facts``), a revoked result revokes
  its credentials (``documents.on_document_revoked``), and a named person's credential links to their record.

The catalogue and the agency-kind mapping are loaded here too, so a broken data file stops start-up.
"""

from __future__ import annotations

import logging

from citizen_app.i18n.catalog import catalog as messages
from citizen_app.identity.activity import record_activity
from citizen_app.notify.service import notify
from citizen_app.payments.service import fulfilments
from citizen_app.procedures import documents, flow, named
from citizen_app.procedures.catalog import agency_kinds, catalog
from citizen_app.procedures.hooks import HOOKS, ActivityEvent, Notice
from citizen_app.procedures.statuses import status_table
from citizen_app.trust import service as trust
from citizen_app.wallet import service as wallet_service

log = logging.getLogger(__name__)
TOPIC = "dossier_status"


def record_helper_action(event: ActivityEvent) -> None:
    """"Volunteer X did <action> on dossier N under consent #c", in the citizen's own log."""
    if event.session is None:
        return
    key = f"procedures.activity.{event.action}"
    summary = key if key in messages() else "procedures.activity.other"
    params = {"consent": event.consent_id or 0, "dossier": event.dossier_id or 0}
    try:
        with event.session.begin_nested():
            record_activity(event.session, event.subject_id, "helper_action", summary, params, actor_id=event.actor_id)
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
    HOOKS.activity = record_helper_action
    HOOKS.notify = send_notice
    if flow.FEE_KIND not in fulfilments.paid:
        fulfilments.on_paid(flow.FEE_KIND)(flow.on_fee_paid)
    trust.LIVE_FACTS["receipt"] = documents.receipt_facts
    if documents.on_document_revoked not in trust.ON_REVOKE:
        trust.ON_REVOKE.append(documents.on_document_revoked)
    if named.credential_links not in wallet_service.CREDENTIAL_LINKS:
        wallet_service.CREDENTIAL_LINKS.append(named.credential_links)


install()
