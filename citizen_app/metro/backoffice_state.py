"""The operator console (/metro/operator): thin state over ``devices``, ``conflicts`` and ``alerts``, which
authorize every action (``backoffice.require_operator``).

A new device credential is shown once: the enrolment QR (its code stored only as a hash) sits in ``issued`` until
the operator closes it or leaves the page.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, format_vnd, utcnow
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.metro import alerts, conflicts, devices, keys
from citizen_app.metro.catalog import data
from citizen_app.metro.models import MetroTap
from citizen_app.metro.qr import render_qr_png
from citizen_app.metro.state import station_rows, texts
from citizen_app.ui.delta import set_changed

ALERT_FIELDS = ("header_vi", "header_en", "description_vi", "description_en")


def _name(code: str, lang: str) -> str:
    station = data().station(code)
    return (station.name_vi if lang == "vi" else station.name_en) if station else code


def _when(moment) -> str:
    return format_datetime(moment) if moment else "—"


def device_row(view: devices.DeviceView, now) -> dict[str, str]:
    silent = view.last_contact_at is None or now - view.last_contact_at > timedelta(
        seconds=3 * data().devices["pull_seconds"])
    return {"id": view.id, "label": view.label, "station_vi": _name(view.station, "vi"),
            "station_en": _name(view.station, "en"), **texts(f"metro.device.kind.{view.kind}", "kind"),
            **texts(f"metro.device.status.{view.status}", "status"), "status": view.status,
            "rotating": "1" if view.new_credential_pending else "",
            "contact": _when(view.last_contact_at), "silent": "1" if silent and view.status == "active" else "",
            "queue": str(view.queue_depth), "key": str(view.key_version or "—"),
            "key_ok": "1" if view.key_current else "", "denylist_ok": "1" if view.denylist_current else ""}


def _tap_text(tap: MetroTap | None) -> dict[str, str]:
    if tap is None:
        return {"vi": "—", "en": "—"}
    return {lang: f"{_name(tap.station, lang)} · {tap.gate_id} · {format_datetime(tap.at)}" for lang in ("vi", "en")}


def conflict_row(view: conflicts.ConflictView) -> dict[str, str]:
    earlier, tap = _tap_text(view.earlier), _tap_text(view.tap)
    return {"id": str(view.id), "ticket": view.ticket_id, **texts(f"metro.reason.{view.kind}", "kind"),
            **texts(f"metro.conflict.status.{view.status}", "status"), "status": view.status,
            "charge": format_vnd(view.charge_vnd) if view.charge_vnd else "—",
            "earlier_vi": earlier["vi"], "earlier_en": earlier["en"], "tap_vi": tap["vi"], "tap_en": tap["en"],
            "detected": format_datetime(view.detected_at)}


def _options(names: tuple[str, ...], prefix: str) -> list[dict[str, str]]:
    return [{"code": name, **texts(f"{prefix}.{name}", "name")} for name in names]


class MetroOperatorState(FormErrorMixin, rx.State):
    """/metro/operator: gates and handheld validators, key and denylist updates, conflicts, service alerts."""

    devices: list[dict[str, str]] = []
    conflicts: list[dict[str, str]] = []
    alerts: list[dict[str, str]] = []
    stations: list[dict[str, str]] = []
    causes: list[dict[str, str]] = []
    effects: list[dict[str, str]] = []
    keys_info: dict[str, str] = {}
    issued: dict[str, str] = {}  # the enrolment QR, shown once
    notice: dict[str, str] = {}
    confirm_revoke: str = ""

    @rx.event
    async def load(self):
        self.error, self.notice, self.issued, self.confirm_revoke = {}, {}, {}, ""
        set_changed(self, stations=station_rows(), causes=_options(alerts.CAUSES, "metro.alert.cause"),
                    effects=_options(alerts.EFFECTS, "metro.alert.effect"))
        await self._refresh()

    async def _refresh(self) -> None:
        from citizen_app.metro.stations_state import alert_row

        user_id, _ = await acting_user(self)
        now = utcnow()
        try:
            with session_scope() as db:
                device_views = devices.list_devices(db, user_id, now)
                conflict_views = conflicts.list_conflicts(db, user_id)
                in_force = alerts.active_alerts(db, now)
        except DomainError as exc:
            self._fail(exc)
            self.devices, self.conflicts, self.alerts = [], [], []
            return
        signing, _key = keys.active_issuer_key()
        newest = keys.key_version()
        starts = keys.signing_from(newest)
        self.devices = [device_row(v, now) for v in device_views]
        self.conflicts = [conflict_row(v) for v in conflict_views]
        self.alerts = [alert_row(a) for a in in_force]
        self.keys_info = {"signing": str(signing), "newest": str(newest),
                          "pending": format_datetime(starts) if newest != signing and starts else ""}

    async def _act(self, action, notice_key: str, **params: object) -> bool:
        """Run ``action(db, user_id)`` in one transaction; say what happened, or why not."""
        user_id, _ = await acting_user(self)
        self.error, self.notice = {}, {}
        try:
            with session_scope() as db:
                action(db, user_id)
        except DomainError as exc:
            self._fail(exc)
            return False
        self.notice = both(notice_key, **params)
        await self._refresh()
        return True

    def _show_enrolment(self, enrolment: devices.Enrolment) -> None:
        png = base64.b64encode(render_qr_png(enrolment.url, box_size=5)).decode()
        self.issued = {"gate": enrolment.gate_id, "url": enrolment.url, "qr": f"data:image/png;base64,{png}",
                       "until": format_datetime(enrolment.expires_at)}

    @rx.event
    async def register(self, form_data: dict):
        made: list[devices.Enrolment] = []
        gate_id = str(form_data.get("gate_id", ""))[:64]
        if await self._act(lambda db, uid: made.append(devices.register_device(
                db, uid, gate_id, str(form_data.get("station", ""))[:16], str(form_data.get("kind", ""))[:16],
                str(form_data.get("label", ""))[:80])), "metro.operator.registered", gate=gate_id):
            self._show_enrolment(made[0])
            return rx.set_value("op-gate-id", "")
        return None

    @rx.event
    async def issue(self, gate_id: str):
        made: list[devices.Enrolment] = []
        gate_id = str(gate_id)[:64]
        if await self._act(lambda db, uid: made.append(devices.issue_credential(db, uid, gate_id)),
                           "metro.operator.issued", gate=gate_id):
            self._show_enrolment(made[0])

    @rx.event
    def dismiss_issued(self):
        self.issued = {}

    @rx.event
    def ask_revoke(self, gate_id: str):
        self.confirm_revoke = str(gate_id)[:64]

    @rx.event
    async def revoke(self, gate_id: str):
        gate_id = str(gate_id)[:64]
        self.confirm_revoke = ""
        await self._act(lambda db, uid: devices.revoke_device(db, uid, gate_id), "metro.operator.revoked",
                        gate=gate_id)

    @rx.event
    async def publish_key(self):
        await self._act(devices.publish_signing_key, "metro.operator.key_published",
                        minutes=int(keys.SIGNING_LEAD.total_seconds() // 60))

    @rx.event
    async def waive(self, conflict_id: str):
        number = int(conflict_id) if str(conflict_id).isdigit() and len(str(conflict_id)) < 10 else 0
        await self._act(lambda db, uid: conflicts.waive_conflict(db, uid, number), "metro.operator.waived")

    @rx.event
    async def post_alert(self, form_data: dict):
        text = alerts.AlertText(*(str(form_data.get(name, ""))[:1200] for name in ALERT_FIELDS))
        codes = [s.code for s in data().stations if form_data.get(f"station_{s.code}")]  # none ticked: whole line
        told: list[int] = []

        def post(db, uid) -> None:
            told.append(alerts.post_alert(db, uid, cause=str(form_data.get("cause", ""))[:24],
                                          effect=str(form_data.get("effect", ""))[:24], stations=codes,
                                          text=text).notified)

        if await self._act(post, "metro.operator.alert_posted"):
            self.notice = both("metro.operator.alert_posted", riders=told[0])
            return rx.call_script("document.getElementById('op-alert-form').reset()")
        return None

    @rx.event
    async def end_alert(self, alert_id: str):
        number = int(alert_id) if str(alert_id).isdigit() and len(str(alert_id)) < 10 else 0
        await self._act(lambda db, uid: alerts.end_alert(db, uid, number), "metro.operator.alert_ended")
